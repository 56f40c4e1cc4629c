CREATE TABLE `campaign_link_clicks` (
	`workspace_id` text NOT NULL,
	`campaign_id` text NOT NULL,
	`recipient_id` text NOT NULL,
	`url` text NOT NULL,
	`clicks` integer DEFAULT 1 NOT NULL,
	`first_at` integer NOT NULL,
	`last_at` integer NOT NULL,
	PRIMARY KEY(`recipient_id`, `url`),
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `campaign_link_clicks_campaign_idx` ON `campaign_link_clicks` (`campaign_id`,`url`);--> statement-breakpoint
ALTER TABLE `campaign_recipients` ADD `opened_at` integer;--> statement-breakpoint
ALTER TABLE `campaign_recipients` ADD `clicked_at` integer;--> statement-breakpoint
ALTER TABLE `campaigns` ADD `opened_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `campaigns` ADD `clicked_count` integer DEFAULT 0 NOT NULL;