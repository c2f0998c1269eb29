CREATE TABLE `api_calls` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`session_id` integer NOT NULL,
	`experiment_id` integer,
	`role` text NOT NULL,
	`model` text NOT NULL,
	`outcome` text NOT NULL,
	`stop_reason` text,
	`http_status` integer,
	`input_tokens` integer DEFAULT 0 NOT NULL,
	`output_tokens` integer DEFAULT 0 NOT NULL,
	`cache_write_5m_tokens` integer DEFAULT 0 NOT NULL,
	`cache_write_1h_tokens` integer DEFAULT 0 NOT NULL,
	`cache_read_tokens` integer DEFAULT 0 NOT NULL,
	`cost_usd` real,
	`error` text,
	`duration_ms` integer NOT NULL,
	`at` integer NOT NULL,
	FOREIGN KEY (`session_id`) REFERENCES `sessions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`experiment_id`) REFERENCES `experiments`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `api_calls_session_idx` ON `api_calls` (`session_id`,`id`);--> statement-breakpoint
CREATE INDEX `api_calls_experiment_idx` ON `api_calls` (`experiment_id`);--> statement-breakpoint
ALTER TABLE `experiments` ADD `notebook_json` text;