CREATE TABLE `companies` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`name` text NOT NULL,
	`name_sort` text NOT NULL,
	`domain` text,
	`industry` text,
	`size_band` text,
	`annual_revenue` integer,
	`annual_revenue_currency` text,
	`phone` text,
	`phone_raw` text,
	`website` text,
	`address` text,
	`city` text,
	`country` text,
	`owner_id` text,
	`tags` text DEFAULT '[]' NOT NULL,
	`last_activity_at` integer,
	`created_by` text,
	`updated_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`deleted_at` integer,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `companies_domain_unique` ON `companies` (`workspace_id`,`domain`) WHERE domain IS NOT NULL AND deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `companies_name_idx` ON `companies` (`workspace_id`,`name_sort`,`id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `companies_created_idx` ON `companies` (`workspace_id`,`created_at`,`id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `companies_updated_idx` ON `companies` (`workspace_id`,`updated_at`,`id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `companies_deleted_idx` ON `companies` (`workspace_id`,`deleted_at`) WHERE deleted_at IS NOT NULL;--> statement-breakpoint
CREATE TABLE `consent_records` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`contact_id` text NOT NULL,
	`status` text NOT NULL,
	`source` text,
	`legal_basis` text,
	`actor_type` text NOT NULL,
	`actor_id` text,
	`at` integer NOT NULL,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `consent_records_contact_idx` ON `consent_records` (`workspace_id`,`contact_id`,`id`);--> statement-breakpoint
CREATE TABLE `contact_emails` (
	`workspace_id` text NOT NULL,
	`email` text NOT NULL,
	`contact_id` text NOT NULL,
	`is_primary` integer NOT NULL,
	`position` integer NOT NULL,
	PRIMARY KEY(`workspace_id`, `email`),
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `contact_emails_contact_idx` ON `contact_emails` (`contact_id`);--> statement-breakpoint
CREATE TABLE `contact_phones` (
	`workspace_id` text NOT NULL,
	`contact_id` text NOT NULL,
	`position` integer NOT NULL,
	`e164` text NOT NULL,
	`raw` text NOT NULL,
	`label` text,
	PRIMARY KEY(`contact_id`, `position`),
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `contact_phones_e164_idx` ON `contact_phones` (`workspace_id`,`e164`);--> statement-breakpoint
CREATE TABLE `contact_tags` (
	`workspace_id` text NOT NULL,
	`tag` text NOT NULL,
	`contact_id` text NOT NULL,
	PRIMARY KEY(`workspace_id`, `tag`, `contact_id`),
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `contact_tags_contact_idx` ON `contact_tags` (`contact_id`);--> statement-breakpoint
CREATE TABLE `contacts` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`search_rowid` integer NOT NULL,
	`first_name` text,
	`last_name` text,
	`name_sort` text NOT NULL,
	`primary_email` text,
	`primary_phone` text,
	`emails` text DEFAULT '[]' NOT NULL,
	`phones` text DEFAULT '[]' NOT NULL,
	`company_id` text,
	`job_title` text,
	`lifecycle_stage` text NOT NULL,
	`lead_status` text,
	`owner_id` text,
	`tags` text DEFAULT '[]' NOT NULL,
	`source` text,
	`utm_source` text,
	`utm_medium` text,
	`utm_campaign` text,
	`utm_term` text,
	`utm_content` text,
	`referrer` text,
	`landing_page` text,
	`first_seen_at` integer,
	`last_seen_at` integer,
	`city` text,
	`country` text,
	`time_zone` text,
	`language` text,
	`birthday` text,
	`consent_status` text DEFAULT 'unknown' NOT NULL,
	`consent_at` integer,
	`consent_source` text,
	`consent_legal_basis` text,
	`last_activity_at` integer,
	`created_by` text,
	`updated_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`deleted_at` integer,
	FOREIGN KEY (`workspace_id`) REFERENCES `workspaces`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`company_id`) REFERENCES `companies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `contacts_search_rowid_unique` ON `contacts` (`search_rowid`);--> statement-breakpoint
CREATE INDEX `contacts_name_idx` ON `contacts` (`workspace_id`,`name_sort`,`id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `contacts_created_idx` ON `contacts` (`workspace_id`,`created_at`,`id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `contacts_updated_idx` ON `contacts` (`workspace_id`,`updated_at`,`id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `contacts_stage_idx` ON `contacts` (`workspace_id`,`lifecycle_stage`,`name_sort`,`id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `contacts_owner_idx` ON `contacts` (`workspace_id`,`owner_id`,`name_sort`,`id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `contacts_company_idx` ON `contacts` (`workspace_id`,`company_id`,`name_sort`,`id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `contacts_country_idx` ON `contacts` (`workspace_id`,`country`,`name_sort`,`id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `contacts_consent_idx` ON `contacts` (`workspace_id`,`consent_status`,`name_sort`,`id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `contacts_deleted_idx` ON `contacts` (`workspace_id`,`deleted_at`) WHERE deleted_at IS NOT NULL;