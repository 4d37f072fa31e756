ALTER TABLE `post_tag` ADD `public_at` integer;--> statement-breakpoint
CREATE INDEX `post_tag_public_idx` ON `post_tag` (`tag_id`,`public_at`,`post_id`);--> statement-breakpoint
-- public_at mirrors the post's published_at while the post is published or scheduled
-- (a scheduled one is public once that moment passes), and is null otherwise.
UPDATE `post_tag` SET `public_at` = (
  SELECT CASE WHEN `post`.`status` IN ('published', 'scheduled') THEN `post`.`published_at` END
  FROM `post` WHERE `post`.`id` = `post_tag`.`post_id`
);
--> statement-breakpoint
CREATE TRIGGER `post_tag_public_insert` AFTER INSERT ON `post_tag` BEGIN
  UPDATE `post_tag` SET `public_at` = (
    SELECT CASE WHEN `status` IN ('published', 'scheduled') THEN `published_at` END FROM `post` WHERE `id` = new.`post_id`
  ) WHERE `post_id` = new.`post_id` AND `tag_id` = new.`tag_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `post_tag_public_update` AFTER UPDATE OF `status`, `published_at` ON `post` BEGIN
  UPDATE `post_tag` SET `public_at` = CASE WHEN new.`status` IN ('published', 'scheduled') THEN new.`published_at` END
  WHERE `post_id` = new.`id`;
END;
