import type Database from 'better-sqlite3';

/*
 * Bare prepared statements whose rows come back as arrays and are keyed here. No imports but the type of the
 * driver, so that a search worker can run SQL text that Drizzle built on the main thread (statements.ts turns
 * a Drizzle select into a RawQuery) without loading Drizzle or the schema.
 */

/** A select's SQL text, the names of its placeholders in order, and the names of its columns in order. */
export interface RawQuery {
  sql: string;
  params: readonly string[];
  fields: readonly string[];
}

/**
 * A function from a raw row (an array) to an object keyed by `fields`, as one object literal. Keying in a
 * loop (`row[field] = value`) grows each object one property at a time, about 5% of the CPU of a 20-claim
 * page; a literal is built with its shape at once. The field names come from code, never from a request,
 * and must be plain identifiers.
 */
export function rowBuilder<Row>(fields: readonly string[]): (array: unknown[]) => Row {
  for (const field of fields) {
    if (!/^[A-Za-z_$][\w$]*$/.test(field)) throw new Error(`rowBuilder: "${field}" is not an identifier`);
  }
  const body = fields.map((field, i) => `${field}: a[${i}]`).join(', ');
  return new Function('a', `return { ${body} };`) as (array: unknown[]) => Row;
}

/** Prepares `query` once on `sqlite`; each call binds the named values and answers keyed rows. */
export function rawRows<Row>(
  sqlite: Database.Database,
  query: RawQuery,
): (values?: Record<string, unknown>) => Row[] {
  const statement = sqlite.prepare(query.sql).raw();
  const toRow = rowBuilder<Row>(query.fields);
  const names = query.params;
  return (values = {}) => {
    const rows = statement.all(...names.map((n) => values[n])) as unknown[][];
    const out = new Array<Row>(rows.length);
    for (let r = 0; r < rows.length; r++) out[r] = toRow(rows[r] as unknown[]);
    return out;
  };
}
