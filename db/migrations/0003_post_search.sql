-- Full-text search over posts (SQLite FTS5), kept in sync by triggers. It indexes the post
-- table's own rows (external content), so nothing is stored twice.
CREATE VIRTUAL TABLE `post_fts` USING fts5(title, body, content='post', content_rowid='rowid', tokenize='porter unicode61 remove_diacritics 2');
--> statement-breakpoint
INSERT INTO `post_fts`(rowid, title, body) SELECT rowid, title, body FROM `post`;
--> statement-breakpoint
CREATE TRIGGER `post_fts_insert` AFTER INSERT ON `post` BEGIN
  INSERT INTO `post_fts`(rowid, title, body) VALUES (new.rowid, new.title, new.body);
END;
--> statement-breakpoint
CREATE TRIGGER `post_fts_delete` AFTER DELETE ON `post` BEGIN
  INSERT INTO `post_fts`(`post_fts`, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);
END;
--> statement-breakpoint
CREATE TRIGGER `post_fts_update` AFTER UPDATE OF title, body ON `post` BEGIN
  INSERT INTO `post_fts`(`post_fts`, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);
  INSERT INTO `post_fts`(rowid, title, body) VALUES (new.rowid, new.title, new.body);
END;
