import { and, asc, eq, gt, type SQL } from 'drizzle-orm';
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
