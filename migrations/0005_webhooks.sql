CREATE TABLE `webhook_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`delivery_id` integer NOT NULL,
	`attempted_at` text NOT NULL,
	`status_code` integer,
	`error` text,
	`duration_ms` integer NOT NULL,
	`response_excerpt` text,
	FOREIGN KEY (`delivery_id`) REFERENCES `webhook_deliveries`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `webhook_attempts_delivery_idx` ON `webhook_attempts` (`delivery_id`,`id`);--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`webhook_id` integer NOT NULL,
	`change_id` integer NOT NULL,
	`event_type` text NOT NULL,
	`message_id` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` text,
	`window_started_at` text NOT NULL,
	`last_attempt_at` text,
	`last_status_code` integer,
	`last_error` text,
	`delivered_at` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`webhook_id`) REFERENCES `webhooks`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`change_id`) REFERENCES `audit_log`(`id`) ON UPDATE no action ON DELETE restrict,
	CONSTRAINT "webhook_deliveries_status_check" CHECK(status IN ('pending', 'succeeded', 'failed'))
);
--> statement-breakpoint
CREATE INDEX `webhook_deliveries_due_idx` ON `webhook_deliveries` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_webhook_idx` ON `webhook_deliveries` (`webhook_id`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_deliveries_message_idx` ON `webhook_deliveries` (`message_id`);--> statement-breakpoint
CREATE TABLE `webhooks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`url` text NOT NULL,
	`description` text,
	`event_types` text NOT NULL,
	`secret` text NOT NULL,
	`enabled` integer NOT NULL,
	`disabled_at` text,
	`disabled_reason` text,
	`consecutive_failures` integer DEFAULT 0 NOT NULL,
	`consecutive_gone` integer DEFAULT 0 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
-- The delivery queue is written in the change's own transaction: every audit record of a change to a
-- public resource queues one delivery per enabled subscription whose event types name it. (`key` and
-- `webhook` are the private resources of src/modules/audit/audit.service.ts.)
CREATE TRIGGER `audit_log_webhook_deliveries` AFTER INSERT ON `audit_log`
WHEN new.resource NOT IN ('key', 'webhook')
BEGIN
  INSERT INTO `webhook_deliveries`
    (`webhook_id`, `change_id`, `event_type`, `message_id`, `status`, `attempts`, `next_attempt_at`,
     `window_started_at`, `created_at`)
  SELECT w.id, new.id, t.event_type, 'msg_' || lower(hex(randomblob(16))), 'pending', 0,
         strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
         strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
  FROM `webhooks` w,
       (SELECT new.resource || '.' || CASE new.operation WHEN 'create' THEN 'created' WHEN 'update' THEN 'updated'
               WHEN 'retract' THEN 'retracted' ELSE 'deleted' END AS event_type) t
  WHERE w.enabled = 1
    AND EXISTS (SELECT 1 FROM json_each(w.event_types) e
                WHERE e.value IN ('*', new.resource || '.*', t.event_type));
END;
