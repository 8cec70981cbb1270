import { and, asc, eq, gt, max, notInArray, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { type AUDIT_OPERATIONS, auditLog } from '../../db/schema.js';
import { type Page, toPage } from '../../lib/pagination.js';
import { nowIso } from '../../lib/schemas.js';
import { prepared } from '../../lib/statements.js';
import type { Principal } from '../keys/keys.service.js';

export interface AuditEntryInput {
  principal: Principal;
  resource: string;
  resourceId: number;
  operation: (typeof AUDIT_OPERATIONS)[number];
  before: unknown;
  after: unknown;
  requestId?: string | undefined;
}

/**
 * Records only an admin may see (API keys, webhook subscriptions): left out of the change feed and never
 * sent to webhooks. Migration 0005's delivery trigger names the same list.
 */
export const PRIVATE_RESOURCES = ['key', 'webhook'] as const;

export interface ChangeRow {
  id: number;
  time: string;
  resource: string;
  resourceId: number;
  operation: (typeof AUDIT_OPERATIONS)[number];
  record: unknown;
}

export interface AuditFilter {
  resource?: string | undefined;
  resourceId?: number | undefined;
  keyId?: number | undefined;
  operation?: (typeof AUDIT_OPERATIONS)[number] | undefined;
  after?: number | undefined;
  limit: number;
}

/** Writes and reads the append-only audit log. Callers write inside the transaction of the change. */
export function createAuditService(db: Db) {
  // Every write records one: prepared once, as the rest of the write path (src/lib/statements.ts).
  const insert = prepared(
    db.$client,
    `INSERT INTO audit_log (at, key_id, key_label, resource, resource_id, operation, before, after, request_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));
  return {
    record(entry: AuditEntryInput): void {
      insert.run(
        nowIso(),
        entry.principal.keyId,
        entry.principal.label,
        entry.resource,
        entry.resourceId,
        entry.operation,
        json(entry.before),
        json(entry.after),
        entry.requestId ?? null,
      );
    },

    /**
     * Committed changes after audit id `after`, oldest first, without the private resources: the change
     * feed. `limit + 1` rows are read to tell whether more follow.
     */
    changes(after: number, limit: number, resource?: string): { rows: ChangeRow[]; hasMore: boolean } {
      const where: (SQL | undefined)[] = [
        gt(auditLog.id, after),
        notInArray(auditLog.resource, [...PRIVATE_RESOURCES]),
      ];
      if (resource) where.push(eq(auditLog.resource, resource));
      const rows = db
        .select({
          id: auditLog.id,
          time: auditLog.at,
          resource: auditLog.resource,
          resourceId: auditLog.resourceId,
          operation: auditLog.operation,
          record: auditLog.after,
        })
        .from(auditLog)
        .where(and(...where))
        .orderBy(asc(auditLog.id))
        .limit(limit + 1)
        .all();
      return { rows: rows.slice(0, limit), hasMore: rows.length > limit };
    },

    /** The id of the latest audit record (0 when there is none). */
    latestId(): number {
      return (
        db
          .select({ id: max(auditLog.id) })
          .from(auditLog)
          .get()?.id ?? 0
      );
    },

    list(filter: AuditFilter): Page<typeof auditLog.$inferSelect> {
      const where: (SQL | undefined)[] = [];
      if (filter.resource) where.push(eq(auditLog.resource, filter.resource));
      if (filter.resourceId !== undefined) where.push(eq(auditLog.resourceId, filter.resourceId));
      if (filter.keyId !== undefined) where.push(eq(auditLog.keyId, filter.keyId));
      if (filter.operation) where.push(eq(auditLog.operation, filter.operation));
      if (filter.after !== undefined) where.push(gt(auditLog.id, filter.after));
      const rows = db
        .select()
        .from(auditLog)
        .where(and(...where))
        .orderBy(asc(auditLog.id))
        .limit(filter.limit + 1)
        .all();
      return toPage(rows, filter.limit);
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
