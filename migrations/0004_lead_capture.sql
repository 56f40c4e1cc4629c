CREATE TABLE `form_submissions` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`form_id` text NOT NULL,
	`status` text NOT NULL,
	`reason` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`payload` text NOT NULL,
	`attribution` text DEFAULT '{}' NOT NULL,
	`origin` text,
	`user_agent` text,
	`ip_hash` text,
	`contact_id` text,
	`deal_id` text,
	`received_at` integer NOT NULL,
	`processed_at` integer,
	FOREIGN KEY (`form_id`) REFERENCES `forms`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `form_submissions_form_idx` ON `form_submissions` (`workspace_id`,`form_id`,`id`);--> statement-breakpoint
CREATE INDEX `form_submissions_contact_idx` ON `form_submissions` (`workspace_id`,`contact_id`,`id`);--> statement-breakpoint
CREATE INDEX `form_submissions_status_idx` ON `form_submissions` (`workspace_id`,`status`,`id`);--> statement-breakpoint
CREATE TABLE `forms` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`name` text NOT NULL,
	`public_key` text NOT NULL,
	`fields` text NOT NULL,
	`hidden_fields` text DEFAULT '[]' NOT NULL,
	`allowed_origins` text DEFAULT '[]' NOT NULL,
	`redirect_url` text,
	`thank_you_message` text,
	`owner_mode` text DEFAULT 'none' NOT NULL,
	`owner_ids` text DEFAULT '[]' NOT NULL,
	`round_robin_next` integer DEFAULT 0 NOT NULL,
	`lifecycle_stage` text DEFAULT 'lead' NOT NULL,
	`tags` text DEFAULT '[]' NOT NULL,
	`deal_pipeline_id` text,
	`deal_stage_id` text,
	`consent_text` text,
	`consent_legal_basis` text,
	`turnstile_secret` text,
	`min_fill_seconds` integer DEFAULT 3 NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted_at` integer,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `forms_public_key_unique` ON `forms` (`public_key`);--> statement-breakpoint
CREATE INDEX `forms_workspace_idx` ON `forms` (`workspace_id`,`id`);