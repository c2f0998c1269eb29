CREATE TABLE `decisions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`experiment_id` integer NOT NULL,
	`action` text NOT NULL,
	`source` text NOT NULL,
	`diff_hash` text,
	`note` text,
	`at` integer NOT NULL,
	FOREIGN KEY (`experiment_id`) REFERENCES `experiments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `decisions_experiment_idx` ON `decisions` (`experiment_id`,`id`);--> statement-breakpoint
ALTER TABLE `experiments` ADD `diff_hash` text;--> statement-breakpoint
ALTER TABLE `runner_lease` ADD `sandbox` text;--> statement-breakpoint
ALTER TABLE `runs` ADD `suspicion` text;--> statement-breakpoint
ALTER TABLE `runs` ADD `guards_json` text;