import { and, asc, eq, gt, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { webhookAttempts, webhookDeliveries, webhooks } from '../../db/schema.js';
import { type Page, toPage } from '../../lib/pagination.js';
import { nowIso } from '../../lib/schemas.js';
import type { Change } from '../changes/changes.schemas.js';
import type {
  CreateWebhookInput,
  Delivery,
  DeliveryDetail,
  UpdateWebhookInput,
  Webhook,
} from './webhooks.schemas.js';

type WebhookRow = typeof webhooks.$inferSelect;
type DeliveryRow = typeof webhookDeliveries.$inferSelect;

const toWebhook = ({ secret: _secret, ...row }: WebhookRow): Webhook => row;
const toDelivery = ({ windowStartedAt: _window, ...row }: DeliveryRow): Delivery => row;

/** A delivery the dispatcher may attempt now, with what it needs to send it. */
export interface DueDelivery {
  id: number;
  webhookId: number;
  messageId: string;
  eventType: string;
  nextAttemptAt: string;
  windowStartedAt: string;
  attempts: number;
  url: string;
  secret: string;
  change: Change;
}

export interface AttemptResult {
  at: string;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  responseExcerpt: string | null;
}

export interface Outcome {
  /** The delivery's next attempt, or null when it is done (delivered, or failed for good). */
  nextAttemptAt: string | null;
  succeeded: boolean;
  /** A 410 Gone: the receiver asks for no more deliveries; it is not retried. */
  gone: boolean;
}

export function createWebhooksRepository(db: Db) {
  const sqlite = db.$client;
  const dueStatement = sqlite.prepare(
    `SELECT d.id, d.webhook_id AS webhookId, d.message_id AS messageId, d.event_type AS eventType,
            d.next_attempt_at AS nextAttemptAt, d.window_started_at AS windowStartedAt, d.attempts,
            w.url, w.secret, a.id AS changeId, a.at AS time, a.resource, a.resource_id AS resourceId,
            a.operation, a.after AS record
     FROM webhook_deliveries d
     JOIN webhooks w ON w.id = d.webhook_id
     JOIN audit_log a ON a.id = d.change_id
     WHERE d.status = 'pending' AND d.next_attempt_at <= @now AND w.enabled = 1
       AND d.id NOT IN (SELECT value FROM json_each(@busy))
     ORDER BY d.next_attempt_at, d.id
     LIMIT @limit`,
  );
  const leaseStatement = sqlite.prepare(
    `UPDATE webhook_deliveries SET next_attempt_at = @until
     WHERE id = @id AND status = 'pending' AND next_attempt_at = @expected`,
  );

  const repo = {
    create(input: CreateWebhookInput & { secret: string }): { webhook: Webhook; secret: string } {
      const now = nowIso();
      const row = db
        .insert(webhooks)
        .values({
          url: input.url,
          description: input.description ?? null,
          eventTypes: [...new Set(input.eventTypes)],
          secret: input.secret,
          enabled: true,
          createdAt: now,
          updatedAt: now,
        })
        .returning()
        .get();
      return { webhook: toWebhook(row), secret: row.secret };
    },

    get(id: number): Webhook | null {
      const row = db.select().from(webhooks).where(eq(webhooks.id, id)).get();
      return row ? toWebhook(row) : null;
    },

    list(filter: { after?: number | undefined; limit: number }): Page<Webhook> {
      const rows = db
        .select()
        .from(webhooks)
        .where(filter.after === undefined ? undefined : gt(webhooks.id, filter.after))
        .orderBy(asc(webhooks.id))
        .limit(filter.limit + 1)
        .all();
      return toPage(rows.map(toWebhook), filter.limit);
    },

    update(id: number, patch: UpdateWebhookInput): Webhook | null {
      const now = nowIso();
      const changes: Partial<WebhookRow> = { updatedAt: now };
      if (patch.url !== undefined) changes.url = patch.url;
      if (patch.eventTypes !== undefined) changes.eventTypes = [...new Set(patch.eventTypes)];
      if (patch.description !== undefined) changes.description = patch.description;
      if (patch.enabled === true) {
        Object.assign(changes, {
          enabled: true,
          disabledAt: null,
          disabledReason: null,
          consecutiveFailures: 0,
          consecutiveGone: 0,
        });
      } else if (patch.enabled === false) {
        Object.assign(changes, { enabled: false, disabledAt: now, disabledReason: 'Disabled by an admin.' });
      }
      const row = db.update(webhooks).set(changes).where(eq(webhooks.id, id)).returning().get();
      return row ? toWebhook(row) : null;
    },

    /** Deletes the subscription with its queue and log. */
    delete(id: number): boolean {
      return db.delete(webhooks).where(eq(webhooks.id, id)).run().changes > 0;
    },

    deliveries(
      webhookId: number,
      filter: { status?: Delivery['status'] | undefined; after?: number | undefined; limit: number },
    ): Page<Delivery> {
      const where: (SQL | undefined)[] = [eq(webhookDeliveries.webhookId, webhookId)];
      if (filter.status) where.push(eq(webhookDeliveries.status, filter.status));
      if (filter.after !== undefined) where.push(gt(webhookDeliveries.id, filter.after));
      const rows = db
        .select()
        .from(webhookDeliveries)
        .where(and(...where))
        .orderBy(asc(webhookDeliveries.id))
        .limit(filter.limit + 1)
        .all();
      return toPage(rows.map(toDelivery), filter.limit);
    },

    delivery(webhookId: number, deliveryId: number): DeliveryDetail | null {
      const row = db
        .select()
        .from(webhookDeliveries)
        .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.webhookId, webhookId)))
        .get();
      if (!row) return null;
      const attemptLog = db
        .select({
          attemptedAt: webhookAttempts.attemptedAt,
          statusCode: webhookAttempts.statusCode,
          error: webhookAttempts.error,
          durationMs: webhookAttempts.durationMs,
          responseExcerpt: webhookAttempts.responseExcerpt,
        })
        .from(webhookAttempts)
        .where(eq(webhookAttempts.deliveryId, deliveryId))
        .orderBy(asc(webhookAttempts.id))
        .all();
      return { ...toDelivery(row), attemptLog };
    },

    /** Queues a delivery again, with the same message id, and a fresh retry window from now. */
    redeliver(deliveryId: number): void {
      const now = nowIso();
      db.update(webhookDeliveries)
        .set({ status: 'pending', nextAttemptAt: now, windowStartedAt: now })
        .where(eq(webhookDeliveries.id, deliveryId))
        .run();
    },

    /** Pending deliveries of enabled subscriptions that are due at `now`, leaving out those in flight. */
    due(now: string, limit: number, busy: number[]): DueDelivery[] {
      const rows = dueStatement.all({ now, limit, busy: JSON.stringify(busy) }) as (Omit<
        DueDelivery,
        'change'
      > & {
        changeId: number;
        time: string;
        resource: string;
        resourceId: number;
        operation: Change['operation'];
        record: string | null;
      })[];
      return rows.map(({ changeId, time, resource, resourceId, operation, record, ...d }) => ({
        ...d,
        change: {
          id: changeId,
          time,
          resource,
          resourceId,
          operation,
          record: record === null ? null : JSON.parse(record),
        },
      }));
    },

    /**
     * Takes a due delivery for one attempt: moves its next attempt to `until`, only if nobody took it
     * meanwhile. A dispatcher that dies mid-attempt leaves it to be taken again once `until` passes.
     */
    lease(id: number, expected: string, until: string): boolean {
      return leaseStatement.run({ id, expected, until }).changes === 1;
    },

    /** Logs an attempt and moves the delivery and its subscription on. */
    record(
      delivery: DueDelivery,
      result: AttemptResult,
      outcome: Outcome,
      limits: { disableAfterGone: number; disableAfterFailures: number },
    ): void {
      // The subscription may have been deleted (with its queue) while the attempt was in flight.
      if (
        !db
          .select({ id: webhookDeliveries.id })
          .from(webhookDeliveries)
          .where(eq(webhookDeliveries.id, delivery.id))
          .get()
      ) {
        return;
      }
      db.insert(webhookAttempts)
        .values({
          deliveryId: delivery.id,
          attemptedAt: result.at,
          statusCode: result.statusCode,
          error: result.error,
          durationMs: result.durationMs,
          responseExcerpt: result.responseExcerpt,
        })
        .run();
      const done = outcome.nextAttemptAt === null;
      db.update(webhookDeliveries)
        .set({
          attempts: delivery.attempts + 1,
          lastAttemptAt: result.at,
          lastStatusCode: result.statusCode,
          lastError: result.error,
          status: outcome.succeeded ? 'succeeded' : done ? 'failed' : 'pending',
          nextAttemptAt: outcome.nextAttemptAt,
          ...(outcome.succeeded ? { deliveredAt: result.at } : {}),
        })
        .where(eq(webhookDeliveries.id, delivery.id))
        .run();

      const hook = db.select().from(webhooks).where(eq(webhooks.id, delivery.webhookId)).get();
      if (!hook) return;
      const changes: Partial<WebhookRow> = {};
      if (outcome.succeeded) {
        changes.consecutiveFailures = 0;
        changes.consecutiveGone = 0;
      } else {
        changes.consecutiveGone = outcome.gone ? hook.consecutiveGone + 1 : 0;
        if (done && !outcome.gone) changes.consecutiveFailures = hook.consecutiveFailures + 1;
        const gone = changes.consecutiveGone ?? 0;
        const failures = changes.consecutiveFailures ?? hook.consecutiveFailures;
        if (hook.enabled && (gone >= limits.disableAfterGone || failures >= limits.disableAfterFailures)) {
          Object.assign(changes, {
            enabled: false,
            disabledAt: result.at,
            disabledReason:
              gone >= limits.disableAfterGone
                ? `The receiver answered 410 Gone ${gone} times in a row.`
                : `${failures} deliveries in a row failed after a day of retries.`,
          });
        }
      }
      db.update(webhooks).set(changes).where(eq(webhooks.id, delivery.webhookId)).run();
    },
  };
  return repo;
}

export type WebhooksRepository = ReturnType<typeof createWebhooksRepository>;
