ALTER TABLE `runner_lease` ADD `pid_identity` text;--> statement-breakpoint
ALTER TABLE `runs` ADD `pid_identity` text;