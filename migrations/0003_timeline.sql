ALTER TABLE `claims` ADD `effective_at` text;--> statement-breakpoint
-- effective_at = when the claim was made as far as is known: its stated_at, else its source's published_at.
UPDATE `claims` SET `effective_at` = coalesce(`stated_at`, (SELECT `published_at` FROM `sources` WHERE `sources`.`id` = `claims`.`source_id`));
--> statement-breakpoint
CREATE TRIGGER `claims_effective_at_ai` AFTER INSERT ON `claims` BEGIN
  UPDATE `claims` SET `effective_at` = coalesce(new.stated_at, (SELECT `published_at` FROM `sources` WHERE `id` = new.source_id))
  WHERE `id` = new.id;
END;
--> statement-breakpoint
CREATE TRIGGER `claims_effective_at_au` AFTER UPDATE OF `stated_at`, `source_id` ON `claims` BEGIN
  UPDATE `claims` SET `effective_at` = coalesce(new.stated_at, (SELECT `published_at` FROM `sources` WHERE `id` = new.source_id))
  WHERE `id` = new.id;
END;
--> statement-breakpoint
CREATE TRIGGER `sources_effective_at_au` AFTER UPDATE OF `published_at` ON `sources` BEGIN
  UPDATE `claims` SET `effective_at` = coalesce(`stated_at`, new.published_at) WHERE `source_id` = new.id;
END;
--> statement-breakpoint
-- The timeline reads this index in order; undated claims last ('9999' sorts after every ISO date).
CREATE INDEX `claims_timeline_idx` ON `claims` (`event_id`, coalesce(`effective_at`, '9999'), `id`);
