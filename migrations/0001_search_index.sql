-- Full-text index over claim texts, claim quotes and source texts, kept in step by triggers so that
-- every write updates it in the same transaction. The rowid encodes what a row indexes:
--   rowid = claim id * 4 + 0  -> the claim's text
--   rowid = claim id * 4 + 1  -> the claim's quote
--   rowid = source id * 4 + 2 -> the source's title and text
-- so a row is found and replaced by rowid, never by scanning.
CREATE VIRTUAL TABLE `search_index` USING fts5(`body`, tokenize = 'unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `claims_search_ai` AFTER INSERT ON `claims` BEGIN
  INSERT INTO `search_index`(rowid, body) VALUES (new.id * 4, new.text), (new.id * 4 + 1, new.quote_exact);
END;
--> statement-breakpoint
CREATE TRIGGER `claims_search_au` AFTER UPDATE OF `text`, `quote_exact` ON `claims` BEGIN
  DELETE FROM `search_index` WHERE rowid IN (old.id * 4, old.id * 4 + 1);
  INSERT INTO `search_index`(rowid, body) VALUES (new.id * 4, new.text), (new.id * 4 + 1, new.quote_exact);
END;
--> statement-breakpoint
CREATE TRIGGER `claims_search_ad` AFTER DELETE ON `claims` BEGIN
  DELETE FROM `search_index` WHERE rowid IN (old.id * 4, old.id * 4 + 1);
END;
--> statement-breakpoint
CREATE TRIGGER `sources_search_ai` AFTER INSERT ON `sources` BEGIN
  INSERT INTO `search_index`(rowid, body) VALUES (new.id * 4 + 2, new.title || char(10) || new.text);
END;
--> statement-breakpoint
CREATE TRIGGER `sources_search_au` AFTER UPDATE OF `title`, `text` ON `sources` BEGIN
  DELETE FROM `search_index` WHERE rowid = old.id * 4 + 2;
  INSERT INTO `search_index`(rowid, body) VALUES (new.id * 4 + 2, new.title || char(10) || new.text);
END;
--> statement-breakpoint
CREATE TRIGGER `sources_search_ad` AFTER DELETE ON `sources` BEGIN
  DELETE FROM `search_index` WHERE rowid = old.id * 4 + 2;
END;
