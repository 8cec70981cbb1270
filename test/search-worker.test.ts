import { afterEach, describe, expect, it } from 'vitest';
import { createSourcesRepository } from '../src/modules/sources/sources.repository.js';
import { CreateSourceBody } from '../src/modules/sources/sources.schemas.js';
import { buildTestApp, type TestContext } from './helpers/app.js';
import { createActor, createClaim, createSource } from './helpers/factories.js';

// On a database file, search runs in worker threads with their own read-only connections (an in-memory
// database cannot be shared with another thread, so the other search tests run in-process).

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions themselves
type Json = any;

const opened: TestContext[] = [];
async function onDisk(options: Parameters<typeof buildTestApp>[0] = {}) {
  const ctx = await buildTestApp({ onDisk: true, ...options });
  opened.push(ctx);
  return ctx;
}
afterEach(async () => {
  for (const ctx of opened.splice(0)) await ctx.close();
});

async function search(ctx: TestContext, query: Record<string, string | number>): Promise<Json> {
  const res = await ctx.api.get('/search').query(query);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

describe('GET /search in a worker thread', () => {
  it('searches its own read-only connection: it sees committed writes and never an open transaction', async () => {
    const ctx = await onDisk();
    const envoy = await createActor(ctx.api, {
      name: 'Amir Saeid Iravani',
      kind: 'person',
      aliases: ['Iravani'],
    });
    const source = await createSource(ctx.api, {
      title: 'Letter',
      text: 'Iran reserves its right to respond.',
    });
    const claim = await createClaim(ctx.api, {
      sourceId: source.id,
      claimantId: envoy.id,
      text: 'Iran may respond.',
      quote: { exact: 'Iran reserves its right to respond' },
    });
    expect((await search(ctx, { q: 'Iravani' })).data.map((h: Json) => h.claim.id)).toEqual([claim.id]);

    // A write in progress on the service's connection is invisible to the worker's until it commits.
    const sqlite = ctx.app.db.$client;
    sqlite.exec('BEGIN IMMEDIATE');
    createSourcesRepository(ctx.app.db).create(
      CreateSourceBody.parse({
        title: 'Uncommitted',
        kind: 'other',
        text: 'Iravani again.',
      }),
    );
    expect((await search(ctx, { q: 'Uncommitted' })).data).toEqual([]);
    sqlite.exec('COMMIT');
    expect((await search(ctx, { q: 'Uncommitted' })).data).toHaveLength(1);

    const bad = await ctx.api.get('/search').query({ q: 'drones NOT' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('INVALID_SEARCH_QUERY');
  });

  it('stops at the time budget and says so, the cursor going on from there', async () => {
    const ctx = await onDisk({ searchTimeBudgetMs: 1 });
    const sources = createSourcesRepository(ctx.app.db);
    ctx.app.db.$client.transaction(() => {
      for (let i = 0; i < 3000; i++)
        sources.create(CreateSourceBody.parse({ title: `Filler ${i}`, kind: 'other', text: `Drone ${i}.` }));
    })();
    const kept = await createSource(ctx.api, { title: 'Kept', text: 'A drone over the hangar.' });
    const owner = await createActor(ctx.api, { name: 'Nobody', kind: 'person' });
    const first = await search(ctx, { q: 'drone', actor: owner.id });
    expect(first).toMatchObject({ data: [], complete: false, nextCursor: expect.any(String) });
    expect(first.notice).toContain('time budget (1 ms)');
    // Without the filter, the newest match comes at once.
    expect((await search(ctx, { q: 'drone', limit: 1 })).data[0].source.id).toBe(kept.id);
  });

  /** A source whose words share prefixes tens of thousands of times: FTS5 merges them all in one first step. */
  function wordList(ctx: TestContext) {
    const words = ['qw', 'qx', 'qy', 'qz'].flatMap((p) =>
      Array.from({ length: 60_000 }, (_, i) => `${p}${i.toString(36)}`),
    );
    createSourcesRepository(ctx.app.db).create(
      CreateSourceBody.parse({ title: 'Word list', kind: 'other', text: words.join(' ') }),
    );
  }
  const SLOW = 'qw* OR qx* OR qy* OR qz*';

  it('serves other requests while a query holds its worker', async () => {
    const ctx = await onDisk({ searchTimeBudgetMs: 1, searchGraceMs: 60_000 });
    wordList(ctx);
    const order: string[] = [];
    const slow = ctx.api
      .get('/search')
      .query({ q: SLOW })
      .then((res) => {
        order.push('search');
        return res;
      });
    const other = ctx.api.get('/actors').then((res) => {
      order.push('actors');
      return res;
    });
    const [found, actors] = await Promise.all([slow, other]);
    expect(actors.status).toBe(200);
    expect(order).toEqual(['actors', 'search']);
    // The query ran past its budget in its first step: it answers with what it had read by then.
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ complete: false });
    expect(found.body.data.length).toBeLessThanOrEqual(1);
  });

  it('answers a query stuck in one long step without results after budget and grace, and replaces its worker', async () => {
    // The stuck query reads for tens of milliseconds in its first step; the grace ends well before.
    const ctx = await onDisk({ searchTimeBudgetMs: 1, searchGraceMs: 20 });
    wordList(ctx);
    await createSource(ctx.api, { title: 'Plain', text: 'Nothing unusual here.' });
    const stuck = await search(ctx, { q: SLOW });
    expect(stuck).toMatchObject({ data: [], complete: false, nextCursor: null });
    expect(stuck.notice).toBe(
      'The search did not finish within its time budget (1 ms) and found nothing in time. Narrow the query: a very short prefix (a*) or a rare filter with common words reads most of the index.',
    );
    // A replacement worker answers the next queries once it has started (until then they run out of time too).
    let next: Json = null;
    for (let attempt = 0; attempt < 200 && !next?.complete; attempt++) {
      next = await search(ctx, { q: 'unusual' });
      if (!next.complete) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(next.complete).toBe(true);
    expect(next.data.map((h: Json) => h.source.title)).toEqual(['Plain']);
  });

  it('answers the searches in flight when the app closes, then closes its workers', async () => {
    const ctx = await onDisk({ searchTimeBudgetMs: 1, searchGraceMs: 60_000 });
    wordList(ctx);
    // supertest sends when the request is awaited: then() sends it now.
    const inFlight = ctx.api
      .get('/search')
      .query({ q: SLOW })
      .then((res) => res);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const [res] = await Promise.all([inFlight, ctx.close()]);
    opened.splice(opened.indexOf(ctx), 1);
    expect(res.status).toBe(200);
    expect(res.body.complete).toBe(false);
  });

  it('closes its workers with the app', async () => {
    const ctx = await onDisk();
    expect((await search(ctx, { q: 'anything' })).data).toEqual([]);
    await ctx.close();
    opened.splice(opened.indexOf(ctx), 1);
  });
});
