-- Search splits words at invisible format characters, as the search box does. SQLite's
-- unicode61 tokenizer knows Unicode 6.1, where the bidi isolates (U+2066-U+2069) and
-- U+061C did not exist, so it took them for letters: "\u2066test\u2069" was one word
-- and "test" never found it. The separators below are, in order: U+00AD soft hyphen,
-- U+061C, U+180E, U+200B-U+200F (zero-width space, non-joiner, joiner, LRM, RLM),
-- U+202A-U+202E (bidi embeddings and overrides), U+2060-U+2064 (word joiner and
-- invisible operators), U+2066-U+2069 (bidi isolates), U+FEFF (byte order mark).
DROP TRIGGER `post_fts_insert`;
--> statement-breakpoint
DROP TRIGGER `post_fts_delete`;
--> statement-breakpoint
DROP TRIGGER `post_fts_update`;
--> statement-breakpoint
DROP TABLE `post_fts`;
--> statement-breakpoint
CREATE VIRTUAL TABLE `post_fts` USING fts5(title, body, content='post', content_rowid='rowid', tokenize="porter unicode61 remove_diacritics 2 separators '­؜᠎​‌‍‎‏‪‫‬‭‮⁠⁡⁢⁣⁤⁦⁧⁨⁩﻿'");
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
