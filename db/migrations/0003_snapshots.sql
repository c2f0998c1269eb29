CREATE TABLE `snapshots` (
	`hash` text PRIMARY KEY NOT NULL,
	`content` blob NOT NULL,
	`size` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `experiments` ADD `files_json` text;