CREATE TABLE `series_summaries` (
	`run_id` integer NOT NULL,
	`series` text NOT NULL,
	`through_id` integer NOT NULL,
	`state_json` text NOT NULL,
	PRIMARY KEY(`run_id`, `series`),
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE no action
);
