CREATE TABLE `candidates` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`source_id` integer NOT NULL,
	`fingerprint` text NOT NULL,
	`status` text NOT NULL,
	`rule` text NOT NULL,
	`quote_exact` text NOT NULL,
	`quote_prefix` text NOT NULL,
	`quote_suffix` text NOT NULL,
	`quote_start` integer NOT NULL,
	`quote_end` integer NOT NULL,
	`cue_text` text NOT NULL,
	`cue_start` integer NOT NULL,
	`cue_end` integer NOT NULL,
	`speaker` text NOT NULL,
	`stance` text NOT NULL,
	`modality` text NOT NULL,
	`text` text NOT NULL,
	`reported_via` text NOT NULL,
	`attributions` text NOT NULL,
	`confidence` real NOT NULL,
	`signals` text NOT NULL,
	`claim_id` integer,
	`decided_by` text,
	`decided_at` text,
	`reason` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`source_id`) REFERENCES `sources`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`claim_id`) REFERENCES `claims`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "candidates_status_check" CHECK(status IN ('pending', 'accepted', 'rejected')),
	CONSTRAINT "candidates_stance_check" CHECK(stance IN ('asserts', 'denies', 'downplays', 'speculates', 'declines_to_comment')),
	CONSTRAINT "candidates_modality_check" CHECK(modality IN ('direct_quote', 'paraphrase')),
	CONSTRAINT "candidates_confidence_check" CHECK(confidence BETWEEN 0 AND 1)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `candidates_fingerprint_idx` ON `candidates` (`source_id`,`fingerprint`);--> statement-breakpoint
CREATE INDEX `candidates_source_idx` ON `candidates` (`source_id`,`id`);--> statement-breakpoint
CREATE INDEX `candidates_status_idx` ON `candidates` (`status`,`id`);--> statement-breakpoint
CREATE INDEX `candidates_claim_idx` ON `candidates` (`claim_id`);