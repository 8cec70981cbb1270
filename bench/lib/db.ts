import type Database from 'better-sqlite3';
import { getTableColumns, getTableName, type InferInsertModel } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';

/**
 * A prepared INSERT for a Drizzle table, bound positionally: rows are typed as the table's insert model
 * (so a new NOT NULL column fails the type check here too) and each value goes through the column's own
 * driver mapping (JSON columns are serialized exactly as Drizzle would).
 */
export function inserter<T extends SQLiteTable>(
  sqlite: Database.Database,
  table: T,
  keys: readonly (keyof InferInsertModel<T> & string)[],
): (row: InferInsertModel<T>) => void {
  const all = getTableColumns(table) as Record<string, SQLiteColumn>;
  const columns = keys.map((k) => {
    const col = all[k];
    if (!col) throw new Error(`${getTableName(table)} has no column ${k}`);
    return col;
  });
  const names = columns.map((c) => `"${c.name}"`).join(', ');
  const marks = columns.map(() => '?').join(', ');
  const statement = sqlite.prepare(`INSERT INTO "${getTableName(table)}" (${names}) VALUES (${marks})`);
  const values: unknown[] = new Array(keys.length);
  return (row) => {
    const record = row as Record<string, unknown>;
    for (let i = 0; i < keys.length; i++) {
      const v = record[keys[i] as string];
      values[i] = v === undefined || v === null ? null : (columns[i] as SQLiteColumn).mapToDriverValue(v);
    }
    statement.run(values);
  };
}

/** Batches many inserts per transaction; `tick` after each unit of work commits when the batch is full. */
export class Batcher {
  private pending = 0;
  private readonly begin: Database.Statement;
  private readonly commit: Database.Statement;
  private open = false;

  constructor(
    sqlite: Database.Database,
    private readonly size: number,
  ) {
    this.begin = sqlite.prepare('BEGIN');
    this.commit = sqlite.prepare('COMMIT');
  }

  start(): void {
    if (!this.open) {
      this.begin.run();
      this.open = true;
    }
  }

  /** Counts rows written; commits once the batch holds `size` rows. */
  tick(rows: number): void {
    this.pending += rows;
    if (this.pending >= this.size) this.flush();
  }

  flush(): void {
    if (this.open) {
      this.commit.run();
      this.open = false;
    }
    this.pending = 0;
  }
}

export const count = (sqlite: Database.Database, sql: string, ...params: unknown[]): number =>
  (sqlite
    .prepare(sql)
    .pluck()
    .get(...params) as number | null) ?? 0;
