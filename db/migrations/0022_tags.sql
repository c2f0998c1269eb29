ALTER TABLE `experiments` ADD `tags_json` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `sessions` ADD `tags_json` text DEFAULT '[]' NOT NULL;