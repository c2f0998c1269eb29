ALTER TABLE `runner_lease` ADD `gpus_json` text;--> statement-breakpoint
ALTER TABLE `runs` ADD `gpu_json` text;--> statement-breakpoint
ALTER TABLE `runs` ADD `waiting_for` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `gpus_json` text;