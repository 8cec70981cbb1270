PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_attributions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`event_id` integer NOT NULL,
	`actor_id` integer,
	`role` text NOT NULL,
	`position` text NOT NULL,
	`claim_id` integer NOT NULL,
	`retracted_at` text,
	`retracted_by` text,
	`retraction_reason` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`actor_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`claim_id`) REFERENCES `claims`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "attributions_role_check" CHECK(role IN ('perpetrator', 'sponsor', 'facilitator', 'other')),
	CONSTRAINT "attributions_position_check" CHECK(position IN ('asserts', 'denies', 'declines_to_comment', 'speculates', 'no_attribution')),
	CONSTRAINT "attributions_actor_position_check" CHECK((actor_id IS NULL) = (position = 'no_attribution'))
);
--> statement-breakpoint
INSERT INTO `__new_attributions`("id", "event_id", "actor_id", "role", "position", "claim_id", "retracted_at", "retracted_by", "retraction_reason", "created_at", "updated_at") SELECT "id", "event_id", "actor_id", "role", "position", "claim_id", "retracted_at", "retracted_by", "retraction_reason", "created_at", "updated_at" FROM `attributions`;--> statement-breakpoint
DROP TABLE `attributions`;--> statement-breakpoint
ALTER TABLE `__new_attributions` RENAME TO `attributions`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `attributions_event_idx` ON `attributions` (`event_id`,`id`);--> statement-breakpoint
CREATE INDEX `attributions_actor_idx` ON `attributions` (`actor_id`,`id`);--> statement-breakpoint
CREATE INDEX `attributions_position_idx` ON `attributions` (`position`,`id`);--> statement-breakpoint
CREATE INDEX `attributions_claim_idx` ON `attributions` (`claim_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `attributions_unique_idx` ON `attributions` (`claim_id`,`event_id`,`actor_id`,`role`);--> statement-breakpoint
CREATE UNIQUE INDEX `attributions_unattributed_unique_idx` ON `attributions` (`claim_id`,`event_id`,`role`) WHERE actor_id IS NULL;--> statement-breakpoint
ALTER TABLE `actors` ADD `identifiable` integer DEFAULT false NOT NULL;--> statement-breakpoint
-- Every kind but `group` is one identifiable body; a group is an unnamed collective until marked otherwise.
UPDATE `actors` SET `identifiable` = true WHERE `kind` <> 'group';
--> statement-breakpoint
-- The full-text index, rebuilt: English stemming (porter over unicode61), rowids in the order records were
-- made (so that reading the index backwards is "newest first" across claims and sources), and on each claim's
-- text row its claimant, on each source's row its publisher, as the token actor<id> in the column `names`.
-- Names and aliases themselves are in `actor_names` (rowid = actor id): a query word is looked up there and
-- becomes "the word, or names : (actor<id> OR ...)" (src/modules/search). So a rename changes one row of
-- `actor_names`, not every row of an actor's claims (30,000 rows for the busiest actor of the benchmark).
DROP TRIGGER `claims_search_ai`;
--> statement-breakpoint
DROP TRIGGER `claims_search_au`;
--> statement-breakpoint
DROP TRIGGER `claims_search_ad`;
--> statement-breakpoint
DROP TRIGGER `sources_search_ai`;
--> statement-breakpoint
DROP TRIGGER `sources_search_au`;
--> statement-breakpoint
DROP TRIGGER `sources_search_ad`;
--> statement-breakpoint
DROP TABLE `search_index`;
--> statement-breakpoint
-- What each index row holds: kind 0 a claim's text, 1 a claim's quote, 2 a source's title and text.
-- `id` is the index rowid.
CREATE TABLE `search_docs` (
  `id` integer PRIMARY KEY NOT NULL,
  `kind` integer NOT NULL CHECK (`kind` IN (0, 1, 2)),
  `ref_id` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `search_docs_ref_idx` ON `search_docs` (`ref_id`, `kind`);
--> statement-breakpoint
CREATE VIRTUAL TABLE `search_index` USING fts5(`body`, `names`, tokenize = 'porter unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE VIRTUAL TABLE `actor_names` USING fts5(`names`, tokenize = 'porter unicode61 remove_diacritics 2');
--> statement-breakpoint
INSERT INTO `actor_names` (rowid, `names`) SELECT `id`, `search_text` FROM `actors` ORDER BY `id`;
--> statement-breakpoint
INSERT INTO `search_docs` (`kind`, `ref_id`)
  SELECT `kind`, `ref_id` FROM (
    SELECT 2 AS `kind`, `id` AS `ref_id`, `created_at` FROM `sources`
    UNION ALL SELECT 0, `id`, `created_at` FROM `claims`
    UNION ALL SELECT 1, `id`, `created_at` FROM `claims`
  ) ORDER BY `created_at`, `kind` = 2 DESC, `ref_id`, `kind`;
--> statement-breakpoint
INSERT INTO `search_index` (rowid, `body`, `names`)
  SELECT d.`id`,
    CASE d.`kind` WHEN 0 THEN c.`text` WHEN 1 THEN c.`quote_exact` ELSE s.`title` || char(10) || s.`text` END,
    CASE d.`kind` WHEN 0 THEN coalesce('actor' || c.`claimant_id`, '') WHEN 1 THEN ''
      ELSE coalesce('actor' || s.`publisher_id`, '') END
  FROM `search_docs` d
  LEFT JOIN `claims` c ON d.`kind` IN (0, 1) AND c.`id` = d.`ref_id`
  LEFT JOIN `sources` s ON d.`kind` = 2 AND s.`id` = d.`ref_id`
  ORDER BY d.`id`;
--> statement-breakpoint
-- One segment: a bulk fill leaves many, and every query (and every snippet) seeks in each of them.
INSERT INTO `search_index` (`search_index`) VALUES ('optimize');
--> statement-breakpoint
CREATE TRIGGER `claims_search_ai` AFTER INSERT ON `claims` BEGIN
  INSERT INTO `search_docs` (`kind`, `ref_id`) VALUES (0, new.`id`), (1, new.`id`);
  INSERT INTO `search_index` (rowid, `body`, `names`) VALUES
    ((SELECT `id` FROM `search_docs` WHERE `ref_id` = new.`id` AND `kind` = 0), new.`text`,
     coalesce('actor' || new.`claimant_id`, '')),
    ((SELECT `id` FROM `search_docs` WHERE `ref_id` = new.`id` AND `kind` = 1), new.`quote_exact`, '');
END;
--> statement-breakpoint
CREATE TRIGGER `claims_search_text_au` AFTER UPDATE OF `text`, `claimant_id` ON `claims` BEGIN
  UPDATE `search_index` SET `body` = new.`text`, `names` = coalesce('actor' || new.`claimant_id`, '')
  WHERE rowid = (SELECT `id` FROM `search_docs` WHERE `ref_id` = new.`id` AND `kind` = 0);
END;
--> statement-breakpoint
CREATE TRIGGER `claims_search_quote_au` AFTER UPDATE OF `quote_exact` ON `claims` BEGIN
  UPDATE `search_index` SET `body` = new.`quote_exact`
  WHERE rowid = (SELECT `id` FROM `search_docs` WHERE `ref_id` = new.`id` AND `kind` = 1);
END;
--> statement-breakpoint
CREATE TRIGGER `claims_search_ad` AFTER DELETE ON `claims` BEGIN
  DELETE FROM `search_index` WHERE rowid IN (SELECT `id` FROM `search_docs` WHERE `ref_id` = old.`id` AND `kind` IN (0, 1));
  DELETE FROM `search_docs` WHERE `ref_id` = old.`id` AND `kind` IN (0, 1);
END;
--> statement-breakpoint
CREATE TRIGGER `sources_search_ai` AFTER INSERT ON `sources` BEGIN
  INSERT INTO `search_docs` (`kind`, `ref_id`) VALUES (2, new.`id`);
  INSERT INTO `search_index` (rowid, `body`, `names`) VALUES
    ((SELECT `id` FROM `search_docs` WHERE `ref_id` = new.`id` AND `kind` = 2), new.`title` || char(10) || new.`text`,
     coalesce('actor' || new.`publisher_id`, ''));
END;
--> statement-breakpoint
CREATE TRIGGER `sources_search_au` AFTER UPDATE OF `title`, `text`, `publisher_id` ON `sources` BEGIN
  UPDATE `search_index` SET `body` = new.`title` || char(10) || new.`text`,
    `names` = coalesce('actor' || new.`publisher_id`, '')
  WHERE rowid = (SELECT `id` FROM `search_docs` WHERE `ref_id` = new.`id` AND `kind` = 2);
END;
--> statement-breakpoint
CREATE TRIGGER `sources_search_ad` AFTER DELETE ON `sources` BEGIN
  DELETE FROM `search_index` WHERE rowid = (SELECT `id` FROM `search_docs` WHERE `ref_id` = old.`id` AND `kind` = 2);
  DELETE FROM `search_docs` WHERE `ref_id` = old.`id` AND `kind` = 2;
END;
--> statement-breakpoint
CREATE TRIGGER `actors_names_ai` AFTER INSERT ON `actors` BEGIN
  INSERT INTO `actor_names` (rowid, `names`) VALUES (new.`id`, new.`search_text`);
END;
--> statement-breakpoint
CREATE TRIGGER `actors_names_au` AFTER UPDATE OF `search_text` ON `actors` BEGIN
  UPDATE `actor_names` SET `names` = new.`search_text` WHERE rowid = new.`id`;
END;
--> statement-breakpoint
CREATE TRIGGER `actors_names_ad` AFTER DELETE ON `actors` BEGIN
  DELETE FROM `actor_names` WHERE rowid = old.`id`;
END;
