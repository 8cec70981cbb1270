import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { migrationsDir } from '../../src/paths.js';

/*
 * Filling the full-text index once after a bulk import instead of row by row through the triggers, for the
 * generator and for the raw-insert baseline it is compared with. It is only done for the index this code
 * knows: the triggers of migration 0001 (rowid = claim id * 4 -> text, * 4 + 1 -> quote, source id * 4 + 2 ->
 * title and text). If a later migration has changed them, the index is filled by the triggers as rows go in.
 */

export interface SearchTrigger {
  name: string;
  sql: string;
}

type Sqlite = Database.Database;

const squash = (sql: string) => sql.replace(/\s+/g, ' ').trim();

export function readSearchTriggers(sqlite: Sqlite): SearchTrigger[] {
  return sqlite
    .prepare(
      "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%search_index%' ORDER BY name",
    )
    .all() as SearchTrigger[];
}

/** Whether the database's search triggers are exactly migration 0001's, whose encoding the rebuild writes. */
export function searchIndexIsKnown(sqlite: Sqlite): boolean {
  const migration = readFileSync(join(migrationsDir, '0001_search_index.sql'), 'utf8');
  const known = migration
    .split('--> statement-breakpoint')
    .map((s) => s.replace(/^\s*--.*$/gm, ''))
    .filter((s) => /CREATE TRIGGER/i.test(s))
    .map(squash)
    .sort();
  const current = readSearchTriggers(sqlite)
    .map((t) => squash(t.sql).replace(/;$/, ''))
    .sort();
  return (
    known.length > 0 && JSON.stringify(known.map((s) => s.replace(/;$/, ''))) === JSON.stringify(current)
  );
}

/** Drops the search triggers for the import, keeping their SQL verbatim to recreate them. */
export function dropSearchTriggers(sqlite: Sqlite): SearchTrigger[] {
  const triggers = readSearchTriggers(sqlite);
  if (triggers.length === 0) throw new Error('no search_index triggers found: has the migration changed?');
  for (const t of triggers) sqlite.exec(`DROP TRIGGER "${t.name}"`);
  return triggers;
}

/** Fills `search_index` with migration 0001's rowid encoding, then puts the triggers back, unchanged. */
export function rebuildSearchIndex(sqlite: Sqlite, triggers: SearchTrigger[]): void {
  sqlite.exec('BEGIN');
  sqlite.exec(`INSERT INTO search_index(rowid, body)
    SELECT id * 4 + 2, title || char(10) || text FROM sources ORDER BY id`);
  sqlite.exec(`INSERT INTO search_index(rowid, body)
    SELECT id * 4 + k, CASE k WHEN 0 THEN text ELSE quote_exact END
    FROM claims, (SELECT 0 AS k UNION ALL SELECT 1) ORDER BY id, k`);
  for (const t of triggers) sqlite.exec(t.sql);
  sqlite.exec('COMMIT');
  const now = readSearchTriggers(sqlite);
  if (JSON.stringify(now) !== JSON.stringify(triggers)) {
    throw new Error("the recreated search triggers differ from the migration's");
  }
}

/** Spot-checks the rowid encoding: what the index holds for a few claims and sources is their text. */
export function checkSearchEncoding(sqlite: Sqlite, claims: number, sources: number): void {
  const body = sqlite.prepare('SELECT body FROM search_index WHERE rowid = ?').pluck();
  const claim = sqlite.prepare('SELECT text, quote_exact AS quote FROM claims WHERE id = ?');
  const source = sqlite.prepare('SELECT title || char(10) || text FROM sources WHERE id = ?').pluck();
  for (const id of new Set([1, Math.ceil(claims / 2), claims])) {
    const c = claim.get(id) as { text: string; quote: string };
    if (body.get(id * 4) !== c.text || body.get(id * 4 + 1) !== c.quote) {
      throw new Error(`search_index does not hold claim ${id} at rowids ${id * 4} and ${id * 4 + 1}`);
    }
  }
  for (const id of new Set([1, Math.ceil(sources / 2), sources])) {
    if (body.get(id * 4 + 2) !== source.get(id)) throw new Error(`search_index does not hold source ${id}`);
  }
}
