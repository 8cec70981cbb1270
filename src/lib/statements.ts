import type Database from 'better-sqlite3';
import { getTableColumns, getTableName } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from '../db/client.js';
import { type RawQuery, rawRows } from './raw-rows.js';

/*
 * The write path compiles no SQL per request. Drizzle's query builders build a query object, render it to
 * SQL and have SQLite compile it on every call; at a few thousand writes per second that was about a quarter
 * of the CPU. Here each statement is prepared once per connection (and, for inserts and updates, per set of
 * columns given), with placeholders; a call only binds values and steps it.
 */

const caches = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/** The statement for `text` on this connection, prepared on first use. */
export function prepared(sqlite: Database.Database, text: string): Database.Statement {
  let cache = caches.get(sqlite);
  if (!cache) {
    cache = new Map();
    caches.set(sqlite, cache);
  }
  let statement = cache.get(text);
  if (!statement) {
    statement = sqlite.prepare(text);
    cache.set(text, statement);
  }
  return statement;
}

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

type Row<T extends SQLiteTable> = T['$inferInsert'];

/**
 * Inserts and updates by id for one table, as Drizzle's `insert().values()` and `update().set()` would write
 * them (camelCase keys mapped to columns, values encoded by each column, e.g. JSON columns stringified,
 * `undefined` left out, unknown keys ignored), from statements prepared once per set of columns. Columns are
 * taken in table order whatever the order of the keys, so there is one statement per subset of columns
 * written, bounded by the schema (in practice a handful per table), not by the order of a body's fields.
 */
export function tableWriter<T extends SQLiteTable>(db: Db, table: T) {
  const sqlite = db.$client;
  const name = quoted(getTableName(table));
  const columns = getTableColumns(table) as Record<string, SQLiteColumn>;
  for (const [key, column] of Object.entries(columns)) {
    // Nothing in the schema uses them; if something starts to, it must be handled here, not lost.
    if (column.defaultFn || column.onUpdateFn) {
      throw new Error(`tableWriter: ${getTableName(table)}.${key} has $defaultFn/$onUpdateFn`);
    }
  }
  const columnList = Object.entries(columns);
  const shapes = new Map<string, Database.Statement>();

  function statementFor(kind: 'insert' | 'update', keys: string[]): Database.Statement {
    const shapeKey = `${kind}:${keys.join(',')}`;
    let statement = shapes.get(shapeKey);
    if (!statement) {
      const names = keys.map((k) => quoted((columns[k] as SQLiteColumn).name));
      statement =
        kind === 'insert'
          ? sqlite
              .prepare(
                `INSERT INTO ${name} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')}) RETURNING "id"`,
              )
              .pluck()
          : sqlite.prepare(`UPDATE ${name} SET ${names.map((n) => `${n} = ?`).join(', ')} WHERE "id" = ?`);
      shapes.set(shapeKey, statement);
    }
    return statement;
  }

  function bind(values: Record<string, unknown>): { keys: string[]; params: unknown[] } {
    const keys: string[] = [];
    const params: unknown[] = [];
    for (const [key, column] of columnList) {
      const value = values[key];
      if (value === undefined) continue;
      keys.push(key);
      params.push(value === null ? null : column.mapToDriverValue(value));
    }
    return { keys, params };
  }

  return {
    /** Inserts one row; returns its id. */
    insert(row: Row<T>): number {
      const { keys, params } = bind(row as Record<string, unknown>);
      return statementFor('insert', keys).get(...params) as number;
    },

    /** Sets the given columns of row `id`; returns the number of rows changed (0 or 1). */
    update(id: number, changes: Partial<Row<T>>): number {
      const { keys, params } = bind(changes as Record<string, unknown>);
      if (keys.length === 0) return 0;
      return statementFor('update', keys).run(...params, id).changes;
    },
  };
}

/** A `SELECT 1` that tells whether `table` has a row with this value in `column`, prepared once. */
export function existsStatement(sqlite: Database.Database, table: string, column = 'id') {
  const statement = prepared(
    sqlite,
    `SELECT 1 FROM ${quoted(table)} WHERE ${quoted(column)} = ? LIMIT 1`,
  ).pluck();
  return (value: unknown) => statement.get(value) !== undefined;
}

/** A `count(*)` of the rows of `table` with this value in `column`, prepared once. */
export function countStatement(sqlite: Database.Database, table: string, column: string) {
  const statement = prepared(
    sqlite,
    `SELECT count(*) FROM ${quoted(table)} WHERE ${quoted(column)} = ?`,
  ).pluck();
  return (value: unknown) => statement.get(value) as number;
}

/** A Drizzle select (built once, with `sql.placeholder`s) as SQL text with its placeholder and field names. */
export function rawQuery(
  query: { toSQL(): { sql: string; params: unknown[] } },
  fields: readonly string[],
): RawQuery {
  const { sql, params } = query.toSQL();
  const names = params.map((p) => {
    const name = (p as { name?: unknown }).name;
    if (typeof name !== 'string') throw new Error(`rawQuery: every parameter must be a placeholder (${sql})`);
    return name;
  });
  return { sql, params: names, fields };
}

/**
 * A Drizzle select (built once, with `sql.placeholder`s) run as a bare prepared statement: rows come back as
 * arrays and are keyed by `fields` (the select's flat field names, in order), without Drizzle's per-row
 * mapping, which only matters for columns that need decoding (JSON, booleans, dates): use it for selects of
 * plain text and integer columns.
 */
export function rawSelect<Row>(
  sqlite: Database.Database,
  query: { toSQL(): { sql: string; params: unknown[] } },
  fields: readonly string[],
): (values?: Record<string, unknown>) => Row[] {
  return rawRows<Row>(sqlite, rawQuery(query, fields));
}
