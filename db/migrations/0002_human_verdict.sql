ALTER TABLE `experiments` ADD `human_verdict` text;--> statement-breakpoint
ALTER TABLE `experiments` ADD `peak_vram_mb` real;--> statement-breakpoint
-- Experiments decided before this migration take peak_vram_mb from the summary of their last run.
UPDATE `experiments` SET `peak_vram_mb` = (
  SELECT json_extract(`runs`.`summary_json`, '$.peak_vram_mb.value') FROM `runs`
  WHERE `runs`.`id` = (SELECT max(`value`) FROM json_each(`experiments`.`run_ids_json`))
);
