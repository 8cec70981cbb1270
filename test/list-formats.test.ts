import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'csv-parse/sync';
import Fastify, { type FastifyInstance } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { csvField, sendList } from '../src/lib/list-formats.js';
import { pageOf } from '../src/lib/pagination.js';
import { serializerCompiler } from '../src/lib/serializer.js';
import { buildTestApp, expectProblem, type TestContext } from './helpers/app.js';
import { createActor, createClaim, createEvent, createSource } from './helpers/factories.js';

type Json = Record<string, unknown>;

/** Reads a response body as text whatever its content type. */
const asText = (req: supertest.Test) =>
  req.buffer(true).parse((stream, done) => {
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      text += chunk;
    });
    stream.on('end', () => done(null, text));
  });

/** Every record of a JSON list, following nextCursor. */
async function walkJson(api: supertest.Agent, path: string, query: Record<string, string> = {}) {
  const items: Json[] = [];
  let cursor: string | null = null;
  do {
    const res = await api.get(path).query({ ...query, limit: '100', ...(cursor ? { cursor } : {}) });
    expect(res.status).toBe(200);
    items.push(...(res.body.data as Json[]));
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
}

const csvRows = (text: string) =>
  parse(text, { columns: true, relax_column_count: false, skip_empty_lines: true }) as Record<
    string,
    string
  >[];

describe('lists as CSV and NDJSON on the seed case', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    // Small database pages, so that even the seed case streams across many of them.
    ctx = await buildTestApp({ seed: true, listStreamPageSize: 3 });
  });
  afterAll(() => ctx.close());

  it('CSV of every claim round-trips through a CSV parser, embeds flattened to readable columns', async () => {
    const json = await walkJson(ctx.api, '/claims', { includeRetracted: 'true' });
    const res = await asText(ctx.api.get('/claims?format=csv&includeRetracted=true'));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8; header=present');
    expect(res.headers['content-disposition']).toBe('attachment; filename="claims.csv"');
    expect(res.headers.vary).toMatch(/accept/);
    const text = res.body as string;
    expect(text.split('\r\n')[0]).toContain('claimant.name');
    const rows = csvRows(text);
    expect(rows).toHaveLength(json.length);
    expect(json.length).toBeGreaterThan(30);
    rows.forEach((row, i) => {
      const claim = json[i] as {
        id: number;
        text: string;
        claimant: { id: number; name: string } | null;
        source: { id: number; title: string; url: string | null };
        quote: {
          exact: string;
          prefix: string;
          suffix: string;
          start: number;
          end: number;
          verified: boolean;
        };
        reportedVia: { id: number; name: string }[];
        event: { title: string } | null;
      };
      expect(row.id).toBe(String(claim.id));
      expect(row.text).toBe(claim.text);
      expect(row['claimant.id']).toBe(claim.claimant ? String(claim.claimant.id) : '');
      expect(row['claimant.name']).toBe(claim.claimant?.name ?? '');
      expect(row['source.id']).toBe(String(claim.source.id));
      expect(row['source.title']).toBe(claim.source.title);
      expect(row['source.url']).toBe(claim.source.url ?? '');
      expect(row['event.title']).toBe(claim.event?.title ?? '');
      // Verbatim spans with line breaks and curly quotes survive the trip.
      expect(row['quote.exact']).toBe(claim.quote.exact);
      expect(row['quote.prefix']).toBe(claim.quote.prefix);
      expect(row['quote.suffix']).toBe(claim.quote.suffix);
      expect(row['quote.start']).toBe(String(claim.quote.start));
      expect(row['quote.end']).toBe(String(claim.quote.end));
      expect(row['quote.verified']).toBe(String(claim.quote.verified));
      expect(row['reportedVia.name']).toBe(claim.reportedVia.map((a) => a.name).join('; '));
      expect(row['reportedVia.id']).toBe(claim.reportedVia.map((a) => a.id).join('; '));
    });
    expect(rows.some((r) => r['quote.prefix']?.includes('\n'))).toBe(true);
    expect(rows.some((r) => r['reportedVia.name']?.includes('; '))).toBe(false);
    expect(rows.some((r) => r['reportedVia.name'] !== '')).toBe(true);
  });

  it('NDJSON streams every record with the same filters, one JSON record per line, as the JSON pages have it', async () => {
    const actor = (await ctx.api.get('/actors?q=ministry%20of%20defence')).body.data[0].id as number;
    const json = await walkJson(ctx.api, '/claims', { actor: String(actor), includeSubordinates: 'true' });
    const res = await asText(
      ctx.api.get(`/claims?actor=${actor}&includeSubordinates=true`).set('accept', 'application/x-ndjson'),
    );
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    expect(res.headers['transfer-encoding']).toBe('chunked');
    const text = res.body as string;
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l))).toEqual(json);
    expect(json.length).toBeGreaterThan(3);
  });

  it('streams from the cursor on, and every list route answers all three formats', async () => {
    const first = await ctx.api.get('/claims?limit=5');
    const rest = await walkJson(ctx.api, '/claims', { cursor: first.body.nextCursor });
    const res = await asText(ctx.api.get(`/claims?format=ndjson&cursor=${first.body.nextCursor}`));
    expect(
      (res.body as string)
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual(rest);

    const event = (await ctx.api.get('/events?q=isfahan')).body.data[0].id as number;
    const claim = (await ctx.api.get('/claims?limit=1')).body.data[0].id as number;
    const actor = (await ctx.api.get('/actors?limit=1')).body.data[0].id as number;
    const lists = [
      '/actors',
      '/sources',
      '/events',
      '/claims',
      '/attributions',
      '/claim-links',
      `/actors/${actor}/claims`,
      `/actors/${actor}/history`,
      `/claims/${claim}/history`,
      `/claims/${claim}/links`,
      `/events/${event}/links`,
      `/events/${event}/timeline`,
      '/search?q=drone',
      '/audit',
      '/keys',
    ];
    for (const path of lists) {
      const sep = path.includes('?') ? '&' : '?';
      const page = await ctx.api.get(path);
      expect(page.status, path).toBe(200);
      const all =
        path === '/keys' ? page.body.data : await walkJson(ctx.api, path.split('?')[0] ?? path, q(path));
      const ndjson = await asText(ctx.api.get(`${path}${sep}format=ndjson`));
      expect(ndjson.status, path).toBe(200);
      const lines = (ndjson.body as string).split('\n').filter(Boolean);
      expect(
        lines.map((l) => JSON.parse(l)),
        path,
      ).toEqual(all);
      const csv = await asText(ctx.api.get(path).set('accept', 'text/csv'));
      expect(csv.status, path).toBe(200);
      expect(csvRows(csv.body as string), path).toHaveLength(all.length);
    }
  });

  it('chooses by Accept with q-values; format= wins; JSON by default; 406 when nothing fits', async () => {
    const type = async (accept: string | null, query = '') => {
      const req = ctx.api.get(`/events${query}`);
      if (accept !== null) req.set('accept', accept);
      return String((await asText(req)).headers['content-type']).split(';')[0];
    };
    expect(await type(null)).toBe('application/json');
    expect(await type('*/*')).toBe('application/json');
    expect(await type('text/html,application/xhtml+xml,*/*;q=0.8')).toBe('application/json');
    expect(await type('text/csv')).toBe('text/csv');
    expect(await type('text/*')).toBe('text/csv');
    expect(await type('text/csv;q=0.5, application/x-ndjson')).toBe('application/x-ndjson');
    expect(await type('application/json;q=0.1, text/csv;q=0.9')).toBe('text/csv');
    expect(await type('text/csv', '?format=json')).toBe('application/json');
    expect(await type('application/json', '?format=csv')).toBe('text/csv');

    const res = await ctx.api.get('/events').set('accept', 'image/png, application/json;q=0');
    expectProblem(res, 406, 'NOT_ACCEPTABLE', '/events', {
      title: 'Not acceptable',
      detail:
        'This list is available as application/json, text/csv or application/x-ndjson; Accept names none of them.',
      errors: [{ in: 'headers', pointer: '/accept', message: 'No acceptable representation' }],
    });
    const bad = await ctx.api.get('/events?format=xml');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].pointer).toBe('/format');
  });

  it('a bad cursor or a missing parent record is still a problem response, not a cut stream', async () => {
    const res = await ctx.api.get('/claims?format=csv&cursor=nonsense');
    expectProblem(res, 400, 'INVALID_CURSOR', '/claims', {
      title: 'The cursor is not valid',
      detail: 'The cursor was not issued by this service or is damaged.',
      errors: [{ in: 'query', pointer: '/cursor', message: 'Not a cursor issued by this service' }],
    });
    const missing = await ctx.api.get('/events/999999/timeline?format=ndjson');
    expectProblem(missing, 404, 'EVENT_NOT_FOUND', '/events/999999/timeline', {
      title: 'Event not found',
      detail: 'Event 999999 does not exist.',
    });
    // Broken operator syntax (an unbalanced quote is only punctuation, searched as plain words).
    const search = await ctx.api.get('/search?q=drones%20NOT&format=csv');
    expect(search.status).toBe(400);
    expect(search.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

const q = (path: string): Record<string, string> =>
  Object.fromEntries(new URLSearchParams(path.split('?')[1] ?? '').entries());

describe('CSV is safe to open in a spreadsheet', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await buildTestApp();
  });
  afterAll(() => ctx.close());

  it('escapes text that a spreadsheet would run as a formula, and leaves numbers as numbers', async () => {
    const hostile = ['=HYPERLINK("http://evil.example","x")', '+1+1', '-2+3', '@SUM(A1)', '\tTab', '\rCR'];
    for (const name of hostile) await createActor(ctx.api, { name, aliases: [name] });
    await createEvent(ctx.api, { title: 'Far west', longitude: -33.5, latitude: -10 });
    const actors = csvRows((await asText(ctx.api.get('/actors?format=csv'))).body as string);
    expect(actors.map((r) => r.name)).toEqual(hostile.map((n) => `'${n}`));
    expect(actors.map((r) => r.aliases)).toEqual(hostile.map((n) => `'${n}`));
    const events = csvRows((await asText(ctx.api.get('/events?format=csv'))).body as string);
    expect(events[0]?.longitude).toBe('-33.5');
    expect(events[0]?.latitude).toBe('-10');
  });

  it('quotes fields per RFC 4180', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField('=A1,"x"')).toBe('"\'=A1,""x"""');
    expect(csvField(-3)).toBe('-3');
    expect(csvField(null)).toBe('');
    expect(csvField(false)).toBe('false');
    expect(csvField({ a: 1 })).toBe('"{""a"":1}"');
  });

  it('a claim created with awkward text reads back field for field', async () => {
    const source = await createSource(ctx.api);
    const claim = await createClaim(ctx.api, {
      sourceId: source.id,
      text: '-"Quoted", with commas,\r\nand a line break',
    });
    const [row] = csvRows((await asText(ctx.api.get('/claims?format=csv'))).body as string);
    expect(row?.text).toBe(`'${claim.text}`);
    expect(row?.['quote.exact']).toBe('targeted by micro drones');
  });
});

describe('streaming holds about one page in memory, whatever the length of the list', () => {
  // A bare Fastify app whose list never ends on its own: the count of pages read shows how far the
  // server runs ahead of a client that is not reading.
  const Item = z.object({ id: z.number().int(), text: z.string() }).meta({ id: 'StreamItem' });
  const ItemPage = pageOf(Item, 'StreamItemPage');
  const PAGES = 2_000;
  const PAGE_SIZE = 50;
  let pagesRead = 0;
  let app: FastifyInstance;
  let port: number;

  beforeAll(async () => {
    app = Fastify({ forceCloseConnections: true });
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    app.decorate('listStreaming', { pageSize: PAGE_SIZE });
    app.get('/items', async (request, reply) =>
      sendList(request, reply, {
        fetch: (cursor, limit) => {
          pagesRead++;
          const start = cursor === undefined ? 0 : Number(cursor);
          const data = Array.from({ length: limit }, (_, i) => ({
            id: start + i + 1,
            text: 'x'.repeat(200),
          }));
          const end = start + limit;
          return { data, nextCursor: end < PAGES * PAGE_SIZE ? String(end) : null };
        },
        cursor: undefined,
        limit: 20,
        format: 'ndjson',
        page: ItemPage,
        name: 'items',
      }),
    );
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(() => app.close());

  it('reads the next page only as the client takes the previous one, then delivers all of it', async () => {
    pagesRead = 0;
    const response = await new Promise<http.IncomingMessage>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: '/items', agent: false }, resolve).on('error', reject);
    });
    response.pause();
    // The client reads nothing for a while: the server fills the socket buffers and stops.
    await new Promise((r) => setTimeout(r, 300));
    const whilePaused = pagesRead;
    // The 2,000 pages are 22 MB. What is read ahead fills the kernel's socket buffers (a few MB on
    // loopback, outside the process) and Node's 16 KB: then the server stops reading.
    expect(whilePaused).toBeLessThan(PAGES / 2);
    await new Promise((r) => setTimeout(r, 200));
    expect(pagesRead).toBe(whilePaused);

    let lines = 0;
    let lastId = 0;
    let rest = '';
    response.setEncoding('utf8');
    for await (const chunk of response) {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      for (const line of parts) {
        lastId = (JSON.parse(line) as { id: number }).id;
        lines++;
      }
    }
    expect(rest).toBe('');
    expect(lines).toBe(PAGES * PAGE_SIZE);
    expect(lastId).toBe(PAGES * PAGE_SIZE);
    expect(pagesRead).toBe(PAGES);
  });

  it('stops reading pages when the client goes away', async () => {
    pagesRead = 0;
    await new Promise<void>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/items', agent: false }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => {});
      req.on('close', () => resolve());
      setTimeout(() => reject(new Error('no data')), 5_000);
    });
    await new Promise((r) => setTimeout(r, 300));
    const after = pagesRead;
    await new Promise((r) => setTimeout(r, 200));
    expect(pagesRead).toBe(after);
    expect(after).toBeLessThan(PAGES);
  });
});
