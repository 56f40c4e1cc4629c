CREATE TABLE `activities` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`type` text NOT NULL,
	`direction` text,
	`subject` text,
	`body` text,
	`occurred_at` integer NOT NULL,
	`duration_seconds` integer,
	`outcome` text,
	`contact_id` text,
	`company_id` text,
	`deal_id` text,
	`author_id` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`deleted_at` integer,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`deal_id`) REFERENCES `deals`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `activities_workspace_idx` ON `activities` (`workspace_id`,`occurred_at`,`id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `activities_contact_idx` ON `activities` (`workspace_id`,`contact_id`,`occurred_at`,`id`) WHERE contact_id IS NOT NULL AND deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `activities_company_idx` ON `activities` (`workspace_id`,`company_id`,`occurred_at`,`id`) WHERE company_id IS NOT NULL AND deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `activities_deal_idx` ON `activities` (`workspace_id`,`deal_id`,`occurred_at`,`id`) WHERE deal_id IS NOT NULL AND deleted_at IS NULL;--> statement-breakpoint
CREATE TABLE `email_outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`dedupe_key` text NOT NULL,
	`kind` text NOT NULL,
	`from_address` text NOT NULL,
	`to_address` text NOT NULL,
	`to_name` text,
	`subject` text NOT NULL,
	`text` text NOT NULL,
	`html` text,
	`headers` text DEFAULT '{}' NOT NULL,
	`status` text NOT NULL,
	`error` text,
	`created_at` integer NOT NULL,
	`sent_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `email_outbox_dedupe_unique` ON `email_outbox` (`workspace_id`,`dedupe_key`);--> statement-breakpoint
CREATE INDEX `email_outbox_workspace_idx` ON `email_outbox` (`workspace_id`,`id`);--> statement-breakpoint
CREATE TABLE `notification_preferences` (
	`workspace_id` text NOT NULL,
	`user_id` text NOT NULL,
	`type` text NOT NULL,
	`in_app` integer NOT NULL,
	`email` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`workspace_id`, `user_id`, `type`)
);
--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`user_id` text NOT NULL,
	`type` text NOT NULL,
	`dedupe_key` text NOT NULL,
	`text` text NOT NULL,
	`link` text,
	`data` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL,
	`read_at` integer,
	`pushed_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notifications_dedupe_unique` ON `notifications` (`workspace_id`,`user_id`,`dedupe_key`);--> statement-breakpoint
CREATE INDEX `notifications_user_idx` ON `notifications` (`workspace_id`,`user_id`,`id`);--> statement-breakpoint
CREATE INDEX `notifications_unread_idx` ON `notifications` (`workspace_id`,`user_id`,`id`) WHERE read_at IS NULL;--> statement-breakpoint
CREATE TABLE `task_reminders` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`task_id` text NOT NULL,
	`fire_at` integer NOT NULL,
	`enqueued_at` integer,
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `task_reminders_due_idx` ON `task_reminders` (`fire_at`) WHERE enqueued_at IS NULL;--> statement-breakpoint
CREATE INDEX `task_reminders_task_idx` ON `task_reminders` (`task_id`);--> statement-breakpoint
CREATE TABLE `tasks` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`title` text NOT NULL,
	`description` text,
	`due_at` integer,
	`reminder_offsets` text DEFAULT '[0]' NOT NULL,
	`assignee_id` text,
	`priority` text DEFAULT 'normal' NOT NULL,
	`contact_id` text,
	`company_id` text,
	`deal_id` text,
	`status` text DEFAULT 'open' NOT NULL,
	`recurrence` text DEFAULT 'none' NOT NULL,
	`previous_id` text,
	`completed_at` integer,
	`created_by` text,
	`updated_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`deleted_at` integer,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`deal_id`) REFERENCES `deals`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `tasks_assignee_idx` ON `tasks` (`workspace_id`,`assignee_id`,`status`,`due_at`,`id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `tasks_workspace_idx` ON `tasks` (`workspace_id`,`status`,`due_at`,`id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `tasks_contact_idx` ON `tasks` (`workspace_id`,`contact_id`,`id`) WHERE contact_id IS NOT NULL AND deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `tasks_company_idx` ON `tasks` (`workspace_id`,`company_id`,`id`) WHERE company_id IS NOT NULL AND deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `tasks_deal_idx` ON `tasks` (`workspace_id`,`deal_id`,`id`) WHERE deal_id IS NOT NULL AND deleted_at IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `tasks_previous_unique` ON `tasks` (`previous_id`) WHERE previous_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX `users_time_zone_idx` ON `users` (`time_zone`);--> statement-breakpoint
-- Birthdays by month and day (the "MM-DD" end of YYYY-MM-DD), so the birthday job reads only the
-- contacts whose birthday is around today. drizzle-kit cannot write expression indexes.
CREATE INDEX `contacts_birthday_idx` ON `contacts` (substr(`birthday`, 6)) WHERE birthday IS NOT NULL AND deleted_at IS NULL;
