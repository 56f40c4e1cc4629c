CREATE TABLE `deal_contacts` (
	`workspace_id` text NOT NULL,
	`deal_id` text NOT NULL,
	`contact_id` text NOT NULL,
	PRIMARY KEY(`deal_id`, `contact_id`),
	FOREIGN KEY (`deal_id`) REFERENCES `deals`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `deal_contacts_contact_idx` ON `deal_contacts` (`workspace_id`,`contact_id`);--> statement-breakpoint
CREATE TABLE `deal_stage_history` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`deal_id` text NOT NULL,
	`from_stage_id` text,
	`to_stage_id` text NOT NULL,
	`actor_type` text NOT NULL,
	`actor_id` text,
	`at` integer NOT NULL,
	FOREIGN KEY (`deal_id`) REFERENCES `deals`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `deal_stage_history_deal_idx` ON `deal_stage_history` (`workspace_id`,`deal_id`,`id`);--> statement-breakpoint
CREATE INDEX `deal_stage_history_at_idx` ON `deal_stage_history` (`workspace_id`,`at`);--> statement-breakpoint
CREATE TABLE `deals` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`pipeline_id` text NOT NULL,
	`stage_id` text NOT NULL,
	`position` text NOT NULL,
	`title` text NOT NULL,
	`value` integer DEFAULT 0 NOT NULL,
	`currency` text NOT NULL,
	`primary_contact_id` text,
	`company_id` text,
	`owner_id` text,
	`expected_close_date` text,
	`status` text DEFAULT 'open' NOT NULL,
	`lost_reason` text,
	`closed_at` integer,
	`stage_entered_at` integer NOT NULL,
	`source` text,
	`tags` text DEFAULT '[]' NOT NULL,
	`last_activity_at` integer,
	`created_by` text,
	`updated_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`deleted_at` integer,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`pipeline_id`) REFERENCES `pipelines`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`stage_id`) REFERENCES `stages`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`primary_contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `deals_board_idx` ON `deals` (`workspace_id`,`pipeline_id`,`stage_id`,`position`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `deals_owner_idx` ON `deals` (`workspace_id`,`owner_id`,`id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `deals_contact_idx` ON `deals` (`workspace_id`,`primary_contact_id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `deals_company_idx` ON `deals` (`workspace_id`,`company_id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `deals_updated_idx` ON `deals` (`workspace_id`,`updated_at`,`id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE TABLE `exchange_rates` (
	`workspace_id` text NOT NULL,
	`currency` text NOT NULL,
	`rate` text NOT NULL,
	`valid_from` text NOT NULL,
	`updated_by` text,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`workspace_id`, `currency`, `valid_from`)
);
--> statement-breakpoint
CREATE TABLE `pipelines` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`name` text NOT NULL,
	`position` integer NOT NULL,
	`is_default` integer DEFAULT false NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `pipelines_workspace_idx` ON `pipelines` (`workspace_id`,`position`);--> statement-breakpoint
CREATE UNIQUE INDEX `pipelines_default_unique` ON `pipelines` (`workspace_id`) WHERE is_default = 1;--> statement-breakpoint
CREATE TABLE `stages` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`pipeline_id` text NOT NULL,
	`name` text NOT NULL,
	`position` integer NOT NULL,
	`probability` integer NOT NULL,
	`kind` text NOT NULL,
	`rotting_days` integer,
	FOREIGN KEY (`pipeline_id`) REFERENCES `pipelines`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `stages_pipeline_idx` ON `stages` (`workspace_id`,`pipeline_id`,`position`);