-- Search in scripts written without spaces (Chinese, Japanese, Korean runs): unicode61 takes a
-- whole run of such text for one word, so "天気" never found "東京の天気は晴れ". A second index
-- over the same columns splits text into trigrams instead (any substring of three characters or
-- more is found on the index; shorter ones by LIKE, which scans it). src/server/queries/search.ts
-- uses it for queries with such characters.
CREATE VIRTUAL TABLE `post_fts_trigram` USING fts5(title, body, content='post', content_rowid='rowid', tokenize="trigram remove_diacritics 1");
--> statement-breakpoint
INSERT INTO `post_fts_trigram`(rowid, title, body) SELECT rowid, title, body FROM `post`;
--> statement-breakpoint
CREATE TRIGGER `post_fts_trigram_insert` AFTER INSERT ON `post` BEGIN
  INSERT INTO `post_fts_trigram`(rowid, title, body) VALUES (new.rowid, new.title, new.body);
END;
--> statement-breakpoint
CREATE TRIGGER `post_fts_trigram_delete` AFTER DELETE ON `post` BEGIN
  INSERT INTO `post_fts_trigram`(`post_fts_trigram`, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);
END;
--> statement-breakpoint
CREATE TRIGGER `post_fts_trigram_update` AFTER UPDATE OF title, body ON `post` BEGIN
  INSERT INTO `post_fts_trigram`(`post_fts_trigram`, rowid, title, body) VALUES ('delete', old.rowid, old.title, old.body);
  INSERT INTO `post_fts_trigram`(rowid, title, body) VALUES (new.rowid, new.title, new.body);
END;
