ALTER TABLE `experiments` ADD `proposed_title` text;--> statement-breakpoint
ALTER TABLE `experiments` ADD `proposed_hypothesis` text;