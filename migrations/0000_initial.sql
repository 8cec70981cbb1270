CREATE TABLE `actors` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`aliases` text NOT NULL,
	`parent_id` integer,
	`description` text,
	`wikidata_id` text,
	`search_text` text NOT NULL,
	`reliability_grade` text,
	`reliability_graded_by` text,
	`reliability_graded_at` text,
	`reliability_rationale` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`parent_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "actors_kind_check" CHECK(kind IN ('state', 'government_body', 'military', 'person', 'media_outlet', 'social_channel', 'group')),
	CONSTRAINT "actors_reliability_check" CHECK(reliability_grade IN ('A', 'B', 'C', 'D', 'E', 'F'))
);
--> statement-breakpoint
CREATE INDEX `actors_parent_idx` ON `actors` (`parent_id`,`id`);--> statement-breakpoint
CREATE INDEX `actors_kind_idx` ON `actors` (`kind`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `actors_wikidata_idx` ON `actors` (`wikidata_id`);--> statement-breakpoint
CREATE TABLE `attributions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`event_id` integer NOT NULL,
	`actor_id` integer NOT NULL,
	`role` text NOT NULL,
	`position` text NOT NULL,
	`claim_id` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`actor_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`claim_id`) REFERENCES `claims`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "attributions_role_check" CHECK(role IN ('perpetrator', 'sponsor', 'facilitator', 'other')),
	CONSTRAINT "attributions_position_check" CHECK(position IN ('asserts', 'denies', 'declines_to_comment', 'speculates'))
);
--> statement-breakpoint
CREATE INDEX `attributions_event_idx` ON `attributions` (`event_id`,`id`);--> statement-breakpoint
CREATE INDEX `attributions_actor_idx` ON `attributions` (`actor_id`,`id`);--> statement-breakpoint
CREATE INDEX `attributions_position_idx` ON `attributions` (`position`,`id`);--> statement-breakpoint
CREATE INDEX `attributions_claim_idx` ON `attributions` (`claim_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `attributions_unique_idx` ON `attributions` (`claim_id`,`event_id`,`actor_id`,`role`);--> statement-breakpoint
CREATE TABLE `claim_links` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`from_claim_id` integer NOT NULL,
	`to_claim_id` integer NOT NULL,
	`relation` text NOT NULL,
	`note` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`from_claim_id`) REFERENCES `claims`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`to_claim_id`) REFERENCES `claims`(`id`) ON UPDATE no action ON DELETE cascade,
	CONSTRAINT "claim_links_relation_check" CHECK(relation IN ('corroborates', 'contradicts', 'repeats', 'responds_to')),
	CONSTRAINT "claim_links_not_self_check" CHECK("claim_links"."from_claim_id" <> "claim_links"."to_claim_id")
);
--> statement-breakpoint
CREATE UNIQUE INDEX `claim_links_unique_idx` ON `claim_links` (`from_claim_id`,`to_claim_id`,`relation`);--> statement-breakpoint
CREATE INDEX `claim_links_to_idx` ON `claim_links` (`to_claim_id`);--> statement-breakpoint
CREATE INDEX `claim_links_relation_idx` ON `claim_links` (`relation`,`id`);--> statement-breakpoint
CREATE TABLE `claim_reported_via` (
	`claim_id` integer NOT NULL,
	`position` integer NOT NULL,
	`actor_id` integer NOT NULL,
	PRIMARY KEY(`claim_id`, `position`),
	FOREIGN KEY (`claim_id`) REFERENCES `claims`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`actor_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE restrict
);
--> statement-breakpoint
CREATE INDEX `claim_reported_via_actor_idx` ON `claim_reported_via` (`actor_id`);--> statement-breakpoint
CREATE TABLE `claims` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source_id` integer NOT NULL,
	`claimant_id` integer,
	`event_id` integer,
	`text` text NOT NULL,
	`stance` text NOT NULL,
	`modality` text NOT NULL,
	`quote_exact` text NOT NULL,
	`quote_prefix` text NOT NULL,
	`quote_suffix` text NOT NULL,
	`quote_start` integer NOT NULL,
	`quote_end` integer NOT NULL,
	`stated_at` text,
	`stated_at_precision` text,
	`credibility_grade` text,
	`credibility_graded_by` text,
	`credibility_graded_at` text,
	`credibility_rationale` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`source_id`) REFERENCES `sources`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`claimant_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "claims_stance_check" CHECK(stance IN ('asserts', 'denies', 'downplays', 'speculates', 'declines_to_comment')),
	CONSTRAINT "claims_credibility_check" CHECK(credibility_grade IN ('1', '2', '3', '4', '5', '6')),
	CONSTRAINT "claims_modality_check" CHECK(modality IN ('direct_quote', 'paraphrase')),
	CONSTRAINT "claims_precision_check" CHECK(stated_at_precision IN ('minute', 'hour', 'day', 'month', 'year')),
	CONSTRAINT "claims_quote_span_check" CHECK("claims"."quote_start" >= 0 AND "claims"."quote_end" > "claims"."quote_start")
);
--> statement-breakpoint
CREATE INDEX `claims_claimant_idx` ON `claims` (`claimant_id`,`id`);--> statement-breakpoint
CREATE INDEX `claims_event_idx` ON `claims` (`event_id`,`id`);--> statement-breakpoint
CREATE INDEX `claims_source_idx` ON `claims` (`source_id`,`id`);--> statement-breakpoint
CREATE INDEX `claims_stance_idx` ON `claims` (`stance`,`id`);--> statement-breakpoint
CREATE INDEX `claims_stated_at_idx` ON `claims` (`stated_at`);--> statement-breakpoint
CREATE TABLE `event_parties` (
	`event_id` integer NOT NULL,
	`actor_id` integer NOT NULL,
	`role` text NOT NULL,
	PRIMARY KEY(`event_id`, `actor_id`, `role`),
	FOREIGN KEY (`event_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`actor_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "event_parties_role_check" CHECK(role IN ('target', 'accused', 'perpetrator', 'victim', 'mediator', 'other'))
);
--> statement-breakpoint
CREATE INDEX `event_parties_actor_idx` ON `event_parties` (`actor_id`);--> statement-breakpoint
CREATE TABLE `events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`title` text NOT NULL,
	`summary` text,
	`kind` text NOT NULL,
	`starts_at` text,
	`ends_at` text,
	`time_precision` text,
	`place_name` text,
	`latitude` real,
	`longitude` real,
	`parent_id` integer,
	`search_text` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`parent_id`) REFERENCES `events`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "events_precision_check" CHECK(time_precision IN ('minute', 'hour', 'day', 'month', 'year')),
	CONSTRAINT "events_latitude_check" CHECK("events"."latitude" IS NULL OR "events"."latitude" BETWEEN -90 AND 90),
	CONSTRAINT "events_longitude_check" CHECK("events"."longitude" IS NULL OR "events"."longitude" BETWEEN -180 AND 180)
);
--> statement-breakpoint
CREATE INDEX `events_parent_idx` ON `events` (`parent_id`,`id`);--> statement-breakpoint
CREATE INDEX `events_kind_idx` ON `events` (`kind`,`id`);--> statement-breakpoint
CREATE TABLE `seed_loads` (
	`name` text PRIMARY KEY NOT NULL,
	`sha256` text NOT NULL,
	`loaded_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sources` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`title` text NOT NULL,
	`url` text,
	`publisher_id` integer,
	`copy_of_id` integer,
	`published_at` text,
	`published_at_precision` text,
	`retrieved_at` text NOT NULL,
	`language` text,
	`kind` text NOT NULL,
	`text` text NOT NULL,
	`sha256` text NOT NULL,
	`search_text` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`publisher_id`) REFERENCES `actors`(`id`) ON UPDATE no action ON DELETE restrict,
	FOREIGN KEY (`copy_of_id`) REFERENCES `sources`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "sources_kind_check" CHECK(kind IN ('news_article', 'official_statement', 'social_post', 'other')),
	CONSTRAINT "sources_precision_check" CHECK(published_at_precision IN ('minute', 'hour', 'day', 'month', 'year'))
);
--> statement-breakpoint
CREATE INDEX `sources_publisher_idx` ON `sources` (`publisher_id`,`id`);--> statement-breakpoint
CREATE INDEX `sources_kind_idx` ON `sources` (`kind`,`id`);--> statement-breakpoint
CREATE INDEX `sources_sha256_idx` ON `sources` (`sha256`);--> statement-breakpoint
CREATE INDEX `sources_copy_of_idx` ON `sources` (`copy_of_id`);