CREATE TABLE `campaign_recipients` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`campaign_id` text NOT NULL,
	`contact_id` text NOT NULL,
	`email` text,
	`language` text,
	`time_zone` text,
	`send_at` integer NOT NULL,
	`status` text NOT NULL,
	`skip_reason` text,
	`error` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`enqueued_at` integer,
	`sent_at` integer,
	`unsubscribed_at` integer,
	`claimed_until` integer,
	`year` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `campaign_recipients_unique` ON `campaign_recipients` (`campaign_id`,`contact_id`,`year`);--> statement-breakpoint
CREATE INDEX `campaign_recipients_due_idx` ON `campaign_recipients` (`campaign_id`,`send_at`,`id`) WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX `campaign_recipients_list_idx` ON `campaign_recipients` (`campaign_id`,`status`,`id`);--> statement-breakpoint
CREATE TABLE `campaigns` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`name` text NOT NULL,
	`kind` text DEFAULT 'newsletter' NOT NULL,
	`segment_id` text,
	`template_id` text,
	`from_name` text NOT NULL,
	`from_address` text NOT NULL,
	`reply_to` text,
	`schedule_mode` text DEFAULT 'now' NOT NULL,
	`scheduled_at` integer,
	`send_local_date` text,
	`send_local_time` text,
	`quiet_start` text,
	`quiet_end` text,
	`throttle_per_minute` integer,
	`tracking_enabled` integer DEFAULT false NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`recipient_count` integer DEFAULT 0 NOT NULL,
	`sent_count` integer DEFAULT 0 NOT NULL,
	`failed_count` integer DEFAULT 0 NOT NULL,
	`skipped_count` integer DEFAULT 0 NOT NULL,
	`unsubscribed_count` integer DEFAULT 0 NOT NULL,
	`materialize_cursor` text,
	`materialized_at` integer,
	`link_origin` text,
	`started_at` integer,
	`finished_at` integer,
	`created_by` text,
	`updated_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`deleted_at` integer,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`segment_id`) REFERENCES `segments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`template_id`) REFERENCES `email_templates`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `campaigns_workspace_idx` ON `campaigns` (`workspace_id`,`id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `campaigns_active_idx` ON `campaigns` (`status`) WHERE status IN ('scheduled', 'sending') AND deleted_at IS NULL;--> statement-breakpoint
CREATE TABLE `email_suppressions` (
	`workspace_id` text NOT NULL,
	`email` text NOT NULL,
	`reason` text NOT NULL,
	`source` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`workspace_id`, `email`),
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `email_template_variants` (
	`template_id` text NOT NULL,
	`language` text NOT NULL,
	`subject` text NOT NULL,
	`html` text NOT NULL,
	`text` text,
	PRIMARY KEY(`template_id`, `language`),
	FOREIGN KEY (`template_id`) REFERENCES `email_templates`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `email_templates` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`name` text NOT NULL,
	`default_language` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`deleted_at` integer,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `email_templates_workspace_idx` ON `email_templates` (`workspace_id`,`name`,`id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE TABLE `segments` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`filter` text NOT NULL,
	`created_by` text,
	`updated_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`deleted_at` integer,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `segments_workspace_idx` ON `segments` (`workspace_id`,`name`,`id`) WHERE deleted_at IS NULL;