ALTER TABLE `runs` ADD `last_point_id` integer;--> statement-breakpoint
CREATE INDEX `experiments_session_commit_idx` ON `experiments` (`session_id`,`commit_sha`);--> statement-breakpoint
UPDATE `runs` SET `last_point_id` = (SELECT MAX(`id`) FROM `metric_points` WHERE `metric_points`.`run_id` = `runs`.`id`);
