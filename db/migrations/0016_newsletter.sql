CREATE TABLE `newsletter_delivery` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`post_id` text NOT NULL,
	`subscriber_id` text NOT NULL,
	`status` text DEFAULT 'queued' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`run_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`lease_owner` text,
	`lease_until` integer,
	`error` text,
	`sent_at` integer,
	FOREIGN KEY (`post_id`) REFERENCES `post`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`subscriber_id`) REFERENCES `subscriber`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `delivery_post_subscriber_idx` ON `newsletter_delivery` (`post_id`,`subscriber_id`);--> statement-breakpoint
CREATE INDEX `delivery_post_status_idx` ON `newsletter_delivery` (`post_id`,`status`);--> statement-breakpoint
CREATE INDEX `delivery_due_idx` ON `newsletter_delivery` (`run_at`) WHERE status in ('queued', 'sending');--> statement-breakpoint
CREATE INDEX `delivery_lease_idx` ON `newsletter_delivery` (`lease_owner`) WHERE status = 'sending';--> statement-breakpoint
CREATE TABLE `newsletter` (
	`post_id` text PRIMARY KEY NOT NULL,
	`status` text DEFAULT 'sending' NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`post_id`) REFERENCES `post`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `subscriber` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`all_posts` integer DEFAULT true NOT NULL,
	`unsubscribe_token` text NOT NULL,
	`user_id` text,
	`confirmation_sent_at` integer,
	`confirmed_at` integer,
	`source` text DEFAULT 'form' NOT NULL,
	`error` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `subscriber_email_unique` ON `subscriber` (`email`);--> statement-breakpoint
CREATE UNIQUE INDEX `subscriber_unsubscribe_token_unique` ON `subscriber` (`unsubscribe_token`);--> statement-breakpoint
CREATE INDEX `subscriber_status_idx` ON `subscriber` (`status`);--> statement-breakpoint
CREATE INDEX `subscriber_user_idx` ON `subscriber` (`user_id`);--> statement-breakpoint
CREATE TABLE `subscriber_tag` (
	`subscriber_id` text NOT NULL,
	`tag_id` text NOT NULL,
	PRIMARY KEY(`subscriber_id`, `tag_id`),
	FOREIGN KEY (`subscriber_id`) REFERENCES `subscriber`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`tag_id`) REFERENCES `tag`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `subscriber_tag_tag_idx` ON `subscriber_tag` (`tag_id`);