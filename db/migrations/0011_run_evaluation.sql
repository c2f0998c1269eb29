ALTER TABLE `runs` ADD `reported_metric` real;--> statement-breakpoint
ALTER TABLE `runs` ADD `evaluation_json` text;