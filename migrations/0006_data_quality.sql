CREATE TABLE `contact_merges` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`primary_id` text NOT NULL,
	`duplicate_ids` text NOT NULL,
	`fields` text NOT NULL,
	`snapshot` text NOT NULL,
	`cluster_id` text,
	`created_by` text,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`undone_at` integer,
	`undone_by` text,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `contact_merges_workspace_idx` ON `contact_merges` (`workspace_id`,`id`);--> statement-breakpoint
CREATE INDEX `contact_merges_primary_idx` ON `contact_merges` (`workspace_id`,`primary_id`);--> statement-breakpoint
CREATE TABLE `duplicate_clusters` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`member_key` text NOT NULL,
	`contact_ids` text NOT NULL,
	`score` real NOT NULL,
	`reasons` text NOT NULL,
	`status` text NOT NULL,
	`scan_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`resolved_at` integer,
	`resolved_by` text,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `duplicate_clusters_member_unique` ON `duplicate_clusters` (`workspace_id`,`member_key`);--> statement-breakpoint
CREATE INDEX `duplicate_clusters_status_idx` ON `duplicate_clusters` (`workspace_id`,`status`,`score`,`id`);--> statement-breakpoint
CREATE TABLE `duplicate_dismissals` (
	`workspace_id` text NOT NULL,
	`contact_a` text NOT NULL,
	`contact_b` text NOT NULL,
	`dismissed_by` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`workspace_id`, `contact_a`, `contact_b`)
);
--> statement-breakpoint
CREATE TABLE `duplicate_scans` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`trigger` text NOT NULL,
	`window_key` text,
	`status` text NOT NULL,
	`contacts_scanned` integer DEFAULT 0 NOT NULL,
	`comparisons` integer DEFAULT 0 NOT NULL,
	`clusters_found` integer DEFAULT 0 NOT NULL,
	`consumer_ms` integer,
	`error` text,
	`created_by` text,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `duplicate_scans_workspace_idx` ON `duplicate_scans` (`workspace_id`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `duplicate_scans_window_unique` ON `duplicate_scans` (`workspace_id`,`window_key`) WHERE window_key IS NOT NULL;--> statement-breakpoint
CREATE TABLE `export_chunks` (
	`export_id` text NOT NULL,
	`seq` integer NOT NULL,
	`body` text NOT NULL,
	PRIMARY KEY(`export_id`, `seq`),
	FOREIGN KEY (`export_id`) REFERENCES `exports`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `exports` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`created_by` text,
	`entity` text NOT NULL,
	`format` text NOT NULL,
	`filters` text NOT NULL,
	`status` text NOT NULL,
	`row_count` integer DEFAULT 0 NOT NULL,
	`byte_size` integer DEFAULT 0 NOT NULL,
	`chunk_count` integer DEFAULT 0 NOT NULL,
	`cursor` text,
	`error` text,
	`created_at` integer NOT NULL,
	`finished_at` integer,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `exports_workspace_idx` ON `exports` (`workspace_id`,`id`);--> statement-breakpoint
CREATE TABLE `import_chunks` (
	`import_id` text NOT NULL,
	`seq` integer NOT NULL,
	`first_row` integer NOT NULL,
	`first_line` integer NOT NULL,
	`row_count` integer NOT NULL,
	`text` text NOT NULL,
	`processed_at` integer,
	PRIMARY KEY(`import_id`, `seq`),
	FOREIGN KEY (`import_id`) REFERENCES `imports`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `import_keys` (
	`import_id` text NOT NULL,
	`key` text NOT NULL,
	`row_number` integer NOT NULL,
	PRIMARY KEY(`import_id`, `key`),
	FOREIGN KEY (`import_id`) REFERENCES `imports`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `import_rows` (
	`import_id` text NOT NULL,
	`row_number` integer NOT NULL,
	`outcome` text NOT NULL,
	`contact_id` text,
	`errors` text,
	`filled` text,
	PRIMARY KEY(`import_id`, `row_number`),
	FOREIGN KEY (`import_id`) REFERENCES `imports`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `import_rows_outcome_idx` ON `import_rows` (`import_id`,`outcome`,`row_number`);--> statement-breakpoint
CREATE TABLE `imports` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`created_by` text,
	`file_name` text NOT NULL,
	`size_bytes` integer NOT NULL,
	`encoding` text NOT NULL,
	`delimiter` text NOT NULL,
	`headers` text NOT NULL,
	`mapping` text NOT NULL,
	`on_match` text NOT NULL,
	`dry_run` integer NOT NULL,
	`status` text NOT NULL,
	`total_rows` integer NOT NULL,
	`processed_rows` integer DEFAULT 0 NOT NULL,
	`created_count` integer DEFAULT 0 NOT NULL,
	`updated_count` integer DEFAULT 0 NOT NULL,
	`skipped_count` integer DEFAULT 0 NOT NULL,
	`invalid_count` integer DEFAULT 0 NOT NULL,
	`duplicate_count` integer DEFAULT 0 NOT NULL,
	`chunk_count` integer NOT NULL,
	`error` text,
	`failures` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`undone_at` integer,
	`undone_by` text,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `imports_workspace_idx` ON `imports` (`workspace_id`,`id`);--> statement-breakpoint
CREATE TABLE `quality_audits` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`trigger` text NOT NULL,
	`window_key` text,
	`status` text NOT NULL,
	`score` integer,
	`contact_count` integer,
	`deal_count` integer,
	`totals` text DEFAULT '{}' NOT NULL,
	`per_owner` text DEFAULT '[]' NOT NULL,
	`inactive_days` integer NOT NULL,
	`cursor` text,
	`error` text,
	`created_by` text,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `quality_audits_workspace_idx` ON `quality_audits` (`workspace_id`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `quality_audits_window_unique` ON `quality_audits` (`workspace_id`,`window_key`) WHERE window_key IS NOT NULL;--> statement-breakpoint
CREATE TABLE `quality_findings` (
	`audit_id` text NOT NULL,
	`kind` text NOT NULL,
	`entity_type` text NOT NULL,
	`entity_id` text NOT NULL,
	`owner_id` text,
	`detail` text,
	PRIMARY KEY(`audit_id`, `kind`, `entity_id`),
	FOREIGN KEY (`audit_id`) REFERENCES `quality_audits`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `quality_findings_owner_idx` ON `quality_findings` (`audit_id`,`owner_id`,`kind`,`entity_id`);--> statement-breakpoint
ALTER TABLE `contacts` ADD `merged_into_id` text;--> statement-breakpoint
ALTER TABLE `workspaces` ADD `quality_inactive_days` integer DEFAULT 90 NOT NULL;