import type { FastifyInstance } from 'fastify';
import type supertest from 'supertest';

// Shared by the import, export and CLI tests.

export const NDJSON = 'application/x-ndjson';

/** NDJSON text from records (objects are serialized, strings sent as they are). */
export const ndjson = (lines: (object | string)[]) =>
  lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n');

export const postImport = (api: supertest.Agent, lines: (object | string)[] | string) =>
  api
    .post('/imports')
    .set('content-type', NDJSON)
    .send(typeof lines === 'string' ? lines : ndjson(lines));

/** Reads a response body as text whatever its content type (supertest only buffers the types it knows). */
export const asText = (res: unknown, done: (err: Error | null, body: string) => void) => {
  const stream = res as NodeJS.ReadableStream;
  let body = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    body += chunk;
  });
  stream.on('end', () => done(null, body));
};

export async function exportText(api: supertest.Agent): Promise<string> {
  const res = await api.get('/export').buffer(true).parse(asText);
  if (res.status !== 200) throw new Error(`GET /export answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as string;
}

export const parseLines = (text: string) =>
  text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

const TABLES = [
  'actors',
  'sources',
  'events',
  'event_parties',
  'claims',
  'claim_reported_via',
  'attributions',
  'claim_links',
  'audit_log',
  'search_index',
] as const;

/** Rows in every table an import writes to, the audit log and the search index included. */
export function tableCounts(app: FastifyInstance): Record<(typeof TABLES)[number], number> {
  return Object.fromEntries(
    TABLES.map((t) => [
      t,
      (app.db.$client.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n,
    ]),
  ) as Record<(typeof TABLES)[number], number>;
}

type Item = Record<string, unknown> & { id: number };

/** Every record of every type, as the API shows it (sources with their text, retracted records too). */
export async function wholeRecord(api: supertest.Agent): Promise<Record<string, Item[]>> {
  const all = async (path: string) => {
    const items: Item[] = [];
    let cursor: string | null = null;
    do {
      const query: Record<string, string> = { limit: '100', includeRetracted: 'true' };
      if (cursor) query.cursor = cursor;
      if (path !== '/claims' && path !== '/attributions') delete query.includeRetracted;
      const res = await api.get(path).query(query);
      if (res.status !== 200) throw new Error(`GET ${path}: ${res.status}`);
      items.push(...res.body.data);
      cursor = res.body.nextCursor;
    } while (cursor);
    return items;
  };
  const sources = await all('/sources');
  return {
    actors: await all('/actors'),
    sources: await Promise.all(sources.map(async (s) => (await api.get(`/sources/${s.id}`)).body as Item)),
    events: await all('/events'),
    claims: await all('/claims'),
    attributions: await all('/attributions'),
    claimLinks: await all('/claim-links'),
  };
}

// Which collection the id of an embedded reference (or an `...Id` field) points into.
const REF_KEYS: Record<string, string> = {
  claimant: 'actors',
  actor: 'actors',
  publisher: 'actors',
  publisherId: 'actors',
  reportedVia: 'actors',
  source: 'sources',
  copyOf: 'sources',
  copyOfId: 'sources',
  event: 'events',
  claim: 'claims',
  from: 'claims',
  to: 'claims',
};
const SERVER_TIMES = new Set(['createdAt', 'updatedAt', 'gradedAt', 'retractedAt']);

/**
 * The whole record with server-set times left out and every id replaced by the record's position in its
 * collection (in id order), so that two databases holding the same records compare equal whatever their ids.
 */
export function comparable(record: Record<string, Item[]>) {
  const rank = new Map<string, Map<number, number>>();
  for (const [collection, items] of Object.entries(record)) {
    rank.set(collection, new Map([...items].sort((a, b) => a.id - b.id).map((item, i) => [item.id, i])));
  }
  const position = (collection: string, id: unknown) =>
    typeof id === 'number' ? `${collection}#${rank.get(collection)?.get(id) ?? `missing ${id}`}` : id;
  const walk = (value: unknown, collection: string): unknown => {
    if (Array.isArray(value)) return value.map((v) => walk(v, collection));
    if (!value || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      if (SERVER_TIMES.has(key)) continue;
      if (key === 'id') out.id = position(collection, v);
      else if (key === 'parentId') out.parentId = position(collection, v);
      else if (key === 'parent') out.parent = walk(v, collection);
      else if (REF_KEYS[key] && typeof v === 'number') out[key] = position(REF_KEYS[key], v);
      else out[key] = walk(v, REF_KEYS[key] ?? collection);
    }
    return out;
  };
  return Object.fromEntries(
    Object.entries(record).map(([collection, items]) => [
      collection,
      [...items].sort((a, b) => a.id - b.id).map((item) => walk(item, collection)),
    ]),
  );
}
