import { getTableName, type SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db/client.js';
import { fieldProblem } from '../errors.js';
import { existsStatement, prepared } from './statements.js';

type TableWithId = SQLiteTable & { id: SQLiteColumn };

export function existsById(db: Db, table: TableWithId, id: number): boolean {
  return existsStatement(db.$client, getTableName(table))(id);
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
const HIERARCHIES = {
  actors: 'parent_id',
  events: 'parent_id',
  sources: 'copy_of_id',
} as const;

export function wouldCycle(
  db: Db,
  tableName: keyof typeof HIERARCHIES,
  id: number,
  parentId: number,
): boolean {
  const up = HIERARCHIES[tableName];
  const row = prepared(
    db.$client,
    `WITH RECURSIVE up(id, next) AS (
       SELECT id, ${up} FROM ${tableName} WHERE id = ?
       UNION SELECT t.id, t.${up} FROM ${tableName} t JOIN up ON t.id = up.next
     ) SELECT 1 AS hit FROM up WHERE id = ? LIMIT 1`,
  ).get(parentId, id);
  return row !== undefined;
}

export function count(db: Db, query: SQL): number {
  return db.get<{ n: number }>(query)?.n ?? 0;
}
