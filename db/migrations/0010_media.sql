CREATE TABLE `media` (
	`hash` text PRIMARY KEY NOT NULL,
	`width` integer NOT NULL,
	`height` integer NOT NULL,
	`format` text NOT NULL,
	`bytes` integer NOT NULL,
	`has_alpha` integer NOT NULL,
	`animated` integer NOT NULL,
	`placeholder` text NOT NULL,
	`original` text NOT NULL,
	`variants` text NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `media_upload` (
	`hash` text NOT NULL,
	`user_id` text NOT NULL,
	`file_name` text DEFAULT '' NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	PRIMARY KEY(`hash`, `user_id`),
	FOREIGN KEY (`hash`) REFERENCES `media`(`hash`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `user`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `media_upload_user_idx` ON `media_upload` (`user_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `post` ADD `cover_hash` text REFERENCES media(hash);--> statement-breakpoint
ALTER TABLE `post` ADD `cover_alt` text DEFAULT '' NOT NULL;