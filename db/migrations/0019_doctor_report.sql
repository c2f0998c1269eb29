ALTER TABLE `runner_lease` ADD `doctor_json` text;--> statement-breakpoint
ALTER TABLE `runner_lease` ADD `doctor_requested_at` integer;