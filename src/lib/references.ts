import { eq, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db/client.js';
import { fieldProblem } from '../errors.js';

type TableWithId = SQLiteTable & { id: SQLiteColumn };

export function existsById(db: Db, table: TableWithId, id: number): boolean {
  return db.select({ id: table.id }).from(table).where(eq(table.id, id)).get() !== undefined;
}

/** Throws a 422 pointing at the body field when a referenced record is missing. */
export function requireReference(
  db: Db,
  table: TableWithId,
  id: number | null | undefined,
  pointer: string,
  label: string,
): void {
  if (id === null || id === undefined) return;
  if (!existsById(db, table, id)) {
    throw fieldProblem('REFERENCE_NOT_FOUND', pointer, `${label} ${id} does not exist.`);
  }
}

/**
 * True when making `parentId` the parent of `id` would close a loop,
 * i.e. `id` is `parentId` itself or one of its ancestors.
 */
export function wouldCycle(db: Db, tableName: 'actors' | 'events', id: number, parentId: number): boolean {
  const row = db.$client
    .prepare(
      `WITH RECURSIVE up(id, parent_id) AS (
         SELECT id, parent_id FROM ${tableName} WHERE id = ?
         UNION SELECT t.id, t.parent_id FROM ${tableName} t JOIN up ON t.id = up.parent_id
       ) SELECT 1 AS hit FROM up WHERE id = ? LIMIT 1`,
    )
    .get(parentId, id);
  return row !== undefined;
}

export function count(db: Db, query: SQL): number {
  return db.get<{ n: number }>(query)?.n ?? 0;
}
