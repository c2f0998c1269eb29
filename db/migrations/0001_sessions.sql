CREATE TABLE `experiments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`session_id` integer NOT NULL,
	`idx` integer NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`title` text NOT NULL,
	`hypothesis` text,
	`proposer` text NOT NULL,
	`edits_json` text,
	`config_sig` text,
	`fix_of` integer,
	`parent_commit` text,
	`commit_sha` text,
	`diff` text,
	`verdict_json` text,
	`reason` text,
	`metric_value` real,
	`delta` real,
	`run_ids_json` text DEFAULT '[]' NOT NULL,
	`cost_usd` real DEFAULT 0 NOT NULL,
	`tokens_json` text,
	`human_note` text,
	`created_at` integer NOT NULL,
	`decided_at` integer,
	FOREIGN KEY (`session_id`) REFERENCES `sessions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `experiments_session_idx` ON `experiments` (`session_id`,`idx`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` integer NOT NULL,
	`tag` text NOT NULL,
	`branch` text NOT NULL,
	`status` text NOT NULL,
	`origin` text NOT NULL,
	`proposer` text NOT NULL,
	`options_json` text NOT NULL,
	`baseline_commit` text NOT NULL,
	`best_commit` text NOT NULL,
	`best_value` real,
	`best_experiment_id` integer,
	`noise_sigma` real,
	`cost_usd` real DEFAULT 0 NOT NULL,
	`training_ms` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`ended_at` integer,
	`stop_reason` text,
	`requested` text,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `steering_notes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`session_id` integer NOT NULL,
	`text` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`session_id`) REFERENCES `sessions`(`id`) ON UPDATE no action ON DELETE no action
);
