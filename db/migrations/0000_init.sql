CREATE TABLE `events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`type` text NOT NULL,
	`workspace_id` integer,
	`run_id` integer,
	`payload_json` text
);
--> statement-breakpoint
CREATE INDEX `events_run_idx` ON `events` (`run_id`,`id`);--> statement-breakpoint
CREATE TABLE `metric_points` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`run_id` integer NOT NULL,
	`series` text NOT NULL,
	`step` real NOT NULL,
	`t_ms` integer NOT NULL,
	`value` real NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `runs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `metric_points_run_series_step_idx` ON `metric_points` (`run_id`,`series`,`step`);--> statement-breakpoint
CREATE TABLE `runner_lease` (
	`id` integer PRIMARY KEY NOT NULL,
	`owner` text NOT NULL,
	`pid` integer NOT NULL,
	`started_at` integer NOT NULL,
	`heartbeat_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` integer NOT NULL,
	`status` text NOT NULL,
	`origin` text NOT NULL,
	`commit_sha` text,
	`requested_at` integer NOT NULL,
	`started_at` integer,
	`ended_at` integer,
	`config_json` text,
	`reason` text,
	`metric_name` text,
	`metric_value` real,
	`summary_json` text,
	`exit_code` integer,
	`signal` text,
	`pid` integer,
	`log_path` text,
	`log_tail` text,
	`last_step` real,
	`point_count` integer DEFAULT 0 NOT NULL,
	`cancel_requested_at` integer,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `runs_workspace_idx` ON `runs` (`workspace_id`,`id`);--> statement-breakpoint
CREATE INDEX `runs_status_idx` ON `runs` (`status`);--> statement-breakpoint
CREATE TABLE `workspaces` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`path` text NOT NULL,
	`repo_root` text NOT NULL,
	`subdir` text NOT NULL,
	`config_json` text,
	`config_error` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `workspaces_path_unique` ON `workspaces` (`path`);