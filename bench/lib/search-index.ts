import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { rebuildSearchIndex as rebuildFromTables } from '../../src/modules/search/search.index.js';
import { migrationsDir } from '../../src/paths.js';

/*
 * Filling the full-text index once after a bulk import instead of row by row through the triggers, for the
 * generator and for the raw-insert baseline it is compared with. The filling itself is the service's own
 * rebuildSearchIndex() (src/modules/search/search.index.ts, tested there against what the triggers keep): this
 * file only drops the triggers for the import, puts them back byte for byte, and checks the result.
 *
 * It is only done for the index layout that function writes: the triggers of migration 0004 (`search_docs`
 * numbers the index rows in the order records were made, `search_index` holds their texts and actor<id> tokens,
 * `actor_names` the actors' names). If a later migration has changed those triggers, the generator leaves them in
 * place and they fill the index as rows go in.
 *
 * The rebuild numbers rows by creation time, the triggers by insertion order: the two agree when records are
 * inserted in the order of their created_at, which checkCreationOrder() verifies.
 */

export interface SearchTrigger {
  name: string;
  sql: string;
}

type Sqlite = Database.Database;

/** The migration whose search triggers rebuildSearchIndex() reproduces. */
const LAYOUT_MIGRATION = '0004_board.sql';
const INDEX_TABLES = /\b(search_index|search_docs|actor_names)\b/;

const squash = (sql: string) => sql.replace(/\s+/g, ' ').trim().replace(/;$/, '');

export function readSearchTriggers(sqlite: Sqlite): SearchTrigger[] {
  return (
    sqlite
      .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
      .all() as SearchTrigger[]
  ).filter((t) => INDEX_TABLES.test(t.sql));
}

/** Whether the database's search triggers are exactly migration 0004's, whose layout the rebuild writes. */
export function searchIndexIsKnown(sqlite: Sqlite): boolean {
  const migration = readFileSync(join(migrationsDir, LAYOUT_MIGRATION), 'utf8');
  const known = migration
    .split('--> statement-breakpoint')
    .map((s) => s.replace(/^\s*--.*$/gm, ''))
    .filter((s) => /CREATE TRIGGER/i.test(s) && INDEX_TABLES.test(s))
    .map(squash)
    .sort();
  const current = readSearchTriggers(sqlite)
    .map((t) => squash(t.sql))
    .sort();
  return known.length > 0 && JSON.stringify(known) === JSON.stringify(current);
}

/** Drops the search triggers for the import, keeping their SQL verbatim to recreate them. */
export function dropSearchTriggers(sqlite: Sqlite): SearchTrigger[] {
  const triggers = readSearchTriggers(sqlite);
  if (triggers.length === 0) throw new Error('no search index triggers found: has the migration changed?');
  for (const t of triggers) sqlite.exec(`DROP TRIGGER "${t.name}"`);
  return triggers;
}

/** Fills the search index from the tables with the service's own rebuild, then puts the triggers back. */
export function rebuildSearchIndex(sqlite: Sqlite, triggers: SearchTrigger[]): void {
  sqlite.exec('BEGIN');
  try {
    rebuildFromTables(sqlite);
    for (const t of triggers) sqlite.exec(t.sql);
    sqlite.exec('COMMIT');
  } catch (error) {
    sqlite.exec('ROLLBACK');
    throw error;
  }
  const now = readSearchTriggers(sqlite);
  if (JSON.stringify(now) !== JSON.stringify(triggers)) {
    throw new Error("the recreated search triggers differ from the migration's");
  }
}

/**
 * The rebuild orders index rows by created_at (a source before its claims at the same instant), the triggers
 * by insertion: they agree only if every source and claim was inserted after all those created before it.
 * The generator inserts sources and claims in id order, so that holds when created_at grows strictly with the
 * id in each table and no claim shares an instant with a source. Throws otherwise.
 */
export function checkCreationOrder(sqlite: Sqlite): void {
  const bad = (sql: string) => (sqlite.prepare(sql).pluck().get() as number | null) ?? 0;
  for (const table of ['claims', 'sources']) {
    const n = bad(
      `SELECT count(*) FROM (SELECT created_at, lag(created_at) OVER (ORDER BY id) AS before FROM ${table})
       WHERE created_at <= before`,
    );
    if (n > 0) throw new Error(`${n} ${table} were created no later than the one before them`);
  }
  const shared = bad('SELECT count(*) FROM claims c JOIN sources s ON s.created_at = c.created_at');
  if (shared > 0) throw new Error(`${shared} claims share their created_at with a source`);
}

/**
 * Checks the rebuilt index against the tables: one document per claim text, claim quote and source; the
 * rows of a few claims and sources hold their texts and names; the documents follow the records' creation
 * order; every actor's names are in `actor_names`.
 */
export function checkSearchLayout(sqlite: Sqlite, claims: number, sources: number, actors: number): void {
  const one = <T>(sql: string, ...args: unknown[]) => sqlite.prepare(sql).get(...args) as T | undefined;
  const docs = one<{ n: number }>('SELECT count(*) AS n FROM search_docs')?.n ?? 0;
  if (docs !== 2 * claims + sources) {
    throw new Error(`search_docs holds ${docs} rows, expected ${2 * claims + sources}`);
  }
  const names = one<{ n: number }>('SELECT count(*) AS n FROM actor_names')?.n ?? 0;
  if (names !== actors) throw new Error(`actor_names holds ${names} rows, expected ${actors}`);
  const row = sqlite.prepare(
    `SELECT i.rowid AS rowid, i.body AS body, i.names AS names FROM search_docs d
     JOIN search_index i ON i.rowid = d.id WHERE d.ref_id = ? AND d.kind = ?`,
  );
  type IndexRow = { rowid: number; body: string; names: string };
  for (const id of new Set([1, Math.ceil(claims / 2), claims])) {
    const c = one<{ text: string; quote: string; claimant: number | null }>(
      'SELECT text, quote_exact AS quote, claimant_id AS claimant FROM claims WHERE id = ?',
      id,
    );
    const text = row.get(id, 0) as IndexRow | undefined;
    const quote = row.get(id, 1) as IndexRow | undefined;
    const expectedNames = c?.claimant == null ? '' : `actor${c.claimant}`;
    if (!c || text?.body !== c.text || text.names !== expectedNames || quote?.body !== c.quote) {
      throw new Error(`search_index does not hold claim ${id}'s text and quote`);
    }
    if (quote.rowid !== text.rowid + 1) throw new Error(`claim ${id}'s quote does not follow its text`);
  }
  for (const id of new Set([1, Math.ceil(sources / 2), sources])) {
    const s = one<{ body: string; publisher: number | null }>(
      'SELECT title || char(10) || text AS body, publisher_id AS publisher FROM sources WHERE id = ?',
      id,
    );
    const indexed = row.get(id, 2) as IndexRow | undefined;
    if (
      !s ||
      indexed?.body !== s.body ||
      indexed.names !== (s.publisher === null ? '' : `actor${s.publisher}`)
    ) {
      throw new Error(`search_index does not hold source ${id}`);
    }
  }
  // Newest first means reading rowids backwards: the last claim made is the highest row.
  const last = one<{ kind: number; ref: number }>(
    'SELECT kind, ref_id AS ref FROM search_docs ORDER BY id DESC LIMIT 1',
  );
  const lastClaim = one<{ id: number }>('SELECT max(id) AS id FROM claims')?.id;
  const lastSource = one<{ id: number; late: number }>(
    `SELECT s.id, s.created_at > (SELECT max(created_at) FROM claims) AS late FROM sources s
     ORDER BY s.created_at DESC LIMIT 1`,
  );
  const expected = lastSource?.late ? { kind: 2, ref: lastSource.id } : { kind: 1, ref: lastClaim };
  if (last?.kind !== expected.kind || last.ref !== expected.ref) {
    throw new Error(`the newest index row is ${JSON.stringify(last)}, expected ${JSON.stringify(expected)}`);
  }
}
