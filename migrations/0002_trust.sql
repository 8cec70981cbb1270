CREATE TABLE `api_keys` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`label` text NOT NULL,
	`role` text NOT NULL,
	`prefix` text NOT NULL,
	`hash` text NOT NULL,
	`created_at` text NOT NULL,
	`revoked_at` text,
	CONSTRAINT "api_keys_role_check" CHECK(role IN ('reader', 'editor', 'admin'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_prefix_idx` ON `api_keys` (`prefix`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` text NOT NULL,
	`key_id` integer,
	`key_label` text NOT NULL,
	`resource` text NOT NULL,
	`resource_id` integer NOT NULL,
	`operation` text NOT NULL,
	`before` text,
	`after` text,
	`request_id` text,
	CONSTRAINT "audit_log_operation_check" CHECK(operation IN ('create', 'update', 'retract', 'delete'))
);
--> statement-breakpoint
CREATE INDEX `audit_log_resource_idx` ON `audit_log` (`resource`,`resource_id`,`id`);--> statement-breakpoint
CREATE INDEX `audit_log_key_idx` ON `audit_log` (`key_id`,`id`);--> statement-breakpoint
CREATE TABLE `idempotency_records` (
	`key` text NOT NULL,
	`principal` text NOT NULL,
	`method` text NOT NULL,
	`path` text NOT NULL,
	`body_hash` text NOT NULL,
	`status` integer NOT NULL,
	`location` text,
	`body` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`principal`, `key`)
);
--> statement-breakpoint
ALTER TABLE `attributions` ADD `retracted_at` text;--> statement-breakpoint
ALTER TABLE `attributions` ADD `retracted_by` text;--> statement-breakpoint
ALTER TABLE `attributions` ADD `retraction_reason` text;--> statement-breakpoint
ALTER TABLE `claims` ADD `retracted_at` text;--> statement-breakpoint
ALTER TABLE `claims` ADD `retracted_by` text;--> statement-breakpoint
ALTER TABLE `claims` ADD `retraction_reason` text;--> statement-breakpoint
-- The audit log is evidence: rows are only ever added.
CREATE TRIGGER `audit_log_no_update` BEFORE UPDATE ON `audit_log` BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `audit_log_no_delete` BEFORE DELETE ON `audit_log` BEGIN
  SELECT RAISE(ABORT, 'audit_log is append-only');
END;
