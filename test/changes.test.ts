import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, expectProblem, type TestContext } from './helpers/app.js';
import { createActor, createClaim, createSource } from './helpers/factories.js';

interface Change {
  id: number;
  time: string;
  resource: string;
  resourceId: number;
  operation: string;
  record: Record<string, unknown> | null;
}

let ctx: TestContext;
beforeEach(async () => {
  ctx = await buildTestApp();
});
afterEach(() => ctx.close());

async function readFeed(after?: string, limit = 100, query: Record<string, string> = {}) {
  const changes: Change[] = [];
  let cursor = after;
  for (;;) {
    const res = await ctx.api
      .get('/changes')
      .query({ limit, ...query, ...(cursor ? { after: cursor } : {}) });
    expect(res.status).toBe(200);
    changes.push(...res.body.data);
    expect(typeof res.body.nextCursor).toBe('string');
    cursor = res.body.nextCursor;
    if (!res.body.hasMore) return { changes, cursor: cursor as string };
  }
}

describe('GET /changes', () => {
  it('lists every create, update, retraction and delete in commit order, with the record after', async () => {
    const actor = await createActor(ctx.api);
    const patched = (await ctx.api.patch(`/actors/${actor.id}`).send({ description: 'Ministry' })).body;
    const source = await createSource(ctx.api);
    const claim = await createClaim(ctx.api, { sourceId: source.id, claimantId: actor.id });
    const retracted = (await ctx.api.post(`/claims/${claim.id}/retraction`).send({ reason: 'Misread' })).body;
    expect((await ctx.api.delete(`/claims/${claim.id}`)).status).toBe(204);
    await ctx.api.post('/keys').send({ label: 'Not in the feed', role: 'reader' }).expect(201);

    const { changes } = await readFeed();
    expect(changes.map((c) => [c.resource, c.resourceId, c.operation])).toEqual([
      ['actor', actor.id, 'create'],
      ['actor', actor.id, 'update'],
      ['source', source.id, 'create'],
      ['claim', claim.id, 'create'],
      ['claim', claim.id, 'retract'],
      ['claim', claim.id, 'delete'],
    ]);
    expect(changes.map((c) => c.record)).toEqual([actor, patched, source, claim, retracted, null]);
    const ids = changes.map((c) => c.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    for (const c of changes) expect(new Date(c.time).toISOString()).toBe(c.time);
    // The same entries as the audit log holds, without who made them or what was before.
    const audit = (await ctx.api.get('/audit?resource=claim')).body.data;
    expect(changes.filter((c) => c.resource === 'claim').map((c) => c.id)).toEqual(
      audit.map((a: { id: number }) => a.id),
    );
    expect(Object.keys(changes[0] ?? {}).sort()).toEqual(
      ['id', 'operation', 'record', 'resource', 'resourceId', 'time'].sort(),
    );
  });

  it('pages by keyset; the last page still carries a cursor to poll with, which sees only later changes', async () => {
    for (let i = 0; i < 7; i++) await createActor(ctx.api, { name: `Actor ${i}` });
    const all = await readFeed(undefined, 100);
    const paged = await readFeed(undefined, 2);
    expect(paged.changes).toEqual(all.changes);
    expect(all.changes).toHaveLength(7);

    const idle = await ctx.api.get('/changes').query({ after: paged.cursor });
    expect(idle.body).toEqual({ data: [], nextCursor: paged.cursor, hasMore: false });

    const later = await createActor(ctx.api, { name: 'Later' });
    const next = await ctx.api.get('/changes').query({ after: paged.cursor });
    expect(next.body.data.map((c: Change) => c.resourceId)).toEqual([later.id]);
    expect(next.body.hasMore).toBe(false);

    const first = await ctx.api.get('/changes?limit=3');
    expect(first.body.hasMore).toBe(true);
    expect(first.headers.link).toContain('rel="next"');
  });

  it('`after=latest` starts at the current end; `resource` filters', async () => {
    await createActor(ctx.api);
    const now = await ctx.api.get('/changes?after=latest');
    expect(now.body.data).toEqual([]);
    expect(now.body.hasMore).toBe(false);
    const source = await createSource(ctx.api);
    await createActor(ctx.api, { name: 'Another' });
    const sinceNow = await readFeed(now.body.nextCursor, 100, { resource: 'source' });
    expect(sinceNow.changes.map((c) => [c.resource, c.resourceId])).toEqual([['source', source.id]]);
  });

  it('never skips a change while writes commit concurrently with the reader', async () => {
    const seen: Change[] = [];
    let cursor: string | undefined;
    let writing = true;
    const reader = (async () => {
      while (writing || cursor === undefined) {
        const res = await ctx.api.get('/changes').query({ limit: 3, ...(cursor ? { after: cursor } : {}) });
        seen.push(...res.body.data);
        cursor = res.body.nextCursor;
      }
    })();
    const writes = Array.from({ length: 40 }, (_, i) => createActor(ctx.api, { name: `Concurrent ${i}` }));
    const created = await Promise.all(writes);
    writing = false;
    await reader;
    const rest = await readFeed(cursor);
    seen.push(...rest.changes);
    expect(seen.map((c) => c.resourceId).sort((a, b) => a - b)).toEqual(
      created.map((a) => a.id).sort((a, b) => a - b),
    );
    const ids = seen.map((c) => c.id);
    expect(ids).toEqual([...new Set(ids)].sort((a, b) => a - b));
  });

  it('streams as NDJSON from `after` to the current end', async () => {
    for (let i = 0; i < 5; i++) await createActor(ctx.api, { name: `Actor ${i}` });
    const all = await readFeed();
    const res = await ctx.api
      .get('/changes?format=ndjson')
      .buffer(true)
      .parse((stream, done) => {
        let text = '';
        stream.on('data', (c: Buffer) => {
          text += c;
        });
        stream.on('end', () => done(null, text));
      });
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = String(res.body)
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toEqual(all.changes);
  });

  it('needs a key even when reads are public; a bad cursor is a 400 naming `after`', async () => {
    const anonymous = await ctx.anonymous.get('/changes');
    expect(anonymous.status).toBe(401);
    const reader = await ctx.anonymous.get('/changes').set('authorization', `Bearer ${ctx.keys.reader}`);
    expect(reader.status).toBe(200);
    const bad = await ctx.api.get('/changes?after=garbage');
    expectProblem(bad, 400, 'INVALID_CURSOR', '/changes', {
      title: 'The cursor is not valid',
      detail: 'The cursor was not issued by this service or is damaged.',
      errors: [{ in: 'query', pointer: '/after', message: 'Not a cursor issued by this service' }],
    });
  });
});
