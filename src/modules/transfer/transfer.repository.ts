import type { Db } from '../../db/client.js';
import type { RecordType } from './transfer.format.js';

/** Names compare case-insensitively, with runs of white space as one space. */
export const foldName = (s: string) => s.normalize('NFC').trim().replace(/\s+/gu, ' ').toLowerCase();

interface Named {
  id: number;
  name: string;
  kind: string;
  aliases: string[];
}

/**
 * Finds actors by name or alias for `"match": "name"` lines. The index of every actor's names is built on
 * the first match of an import (most imports have none) and kept up to date with the actors it creates.
 */
export function createActorMatcher(db: Db) {
  let index: Map<string, { id: number; kind: string; by: 'name' | 'alias' }[]> | null = null;

  function put(a: Named) {
    if (!index) return;
    const names = new Map<string, 'name' | 'alias'>([[foldName(a.name), 'name']]);
    for (const alias of a.aliases) if (!names.has(foldName(alias))) names.set(foldName(alias), 'alias');
    for (const [key, by] of names) {
      const list = index.get(key) ?? [];
      list.push({ id: a.id, kind: a.kind, by });
      index.set(key, list);
    }
  }

  function build() {
    index = new Map();
    const rows = db.$client
      .prepare('SELECT id, name, kind, aliases FROM actors ORDER BY id')
      .iterate() as Iterable<{
      id: number;
      name: string;
      kind: string;
      aliases: string;
    }>;
    for (const row of rows) put({ ...row, aliases: JSON.parse(row.aliases) as string[] });
    return index;
  }

  return {
    /** Actors whose name is `name`, else those with it as an alias; narrowed to `kind` when given. */
    match(name: string, kind?: string): { ids: number[]; by: 'name' | 'alias' } {
      const found = (index ?? build()).get(foldName(name)) ?? [];
      const ofKind = kind === undefined ? found : found.filter((e) => e.kind === kind);
      const byName = ofKind.filter((e) => e.by === 'name');
      const chosen = byName.length > 0 ? byName : ofKind;
      return { ids: [...new Set(chosen.map((e) => e.id))], by: byName.length > 0 ? 'name' : 'alias' };
    },
    /** Tells the index about an actor the import has just created. */
    add: put,
  };
}

const TABLE_NAMES: Record<RecordType, string> = {
  actor: 'actors',
  source: 'sources',
  event: 'events',
  claim: 'claims',
  attribution: 'attributions',
  claim_link: 'claim_links',
};

export function createTransferRepository(db: Db) {
  const texts = db.$client.prepare(
    'SELECT id, text FROM sources WHERE id IN (SELECT value FROM json_each(?))',
  );
  return {
    /** How many records of each type there are (retracted ones included). */
    counts(): Record<RecordType, number> {
      const out = {} as Record<RecordType, number>;
      for (const [type, table] of Object.entries(TABLE_NAMES) as [RecordType, string][]) {
        out[type] = (db.$client.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
      }
      return out;
    },

    /** The texts of a page of sources, in one query. */
    sourceTexts(ids: number[]): Map<number, string> {
      const rows = texts.all(JSON.stringify(ids)) as { id: number; text: string }[];
      return new Map(rows.map((r) => [r.id, r.text]));
    },
  };
}
