import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import supertest from 'supertest';
import { describe, expect, it, vi } from 'vitest';
import { buildApp } from '../src/app.js';
import {
  buildTestApp,
  expectedProblem,
  expectProblem,
  type TestContext,
  useFreshApp,
} from './helpers/app.js';
import {
  createActor,
  createAttribution,
  createClaim,
  createClaimLink,
  createEvent,
  createSource,
} from './helpers/factories.js';

// The OWASP API Security Top 10 (2023), one describe per item. Key handling, roles, the audit log,
// ETags and Idempotency-Key are tested at length in trust.test.ts; here they appear only where an
// item needs them. Items that do not apply get one test asserting the property that makes them not apply.

const CHALLENGE = 'Bearer realm="claimledger"';
const PROBLEM_JSON = /^application\/problem\+json/;

const ctx = useFreshApp();

const withKey = (key: string, on: TestContext = ctx) =>
  supertest.agent(on.app.server).set('authorization', `Bearer ${key}`);

/** Row counts of every table a write could touch: equal before and after means nothing was stored. */
function tableCounts(on: TestContext = ctx): Record<string, number> {
  const db = on.app.db.$client;
  const tables = [
    'actors',
    'sources',
    'events',
    'claims',
    'claim_reported_via',
    'attributions',
    'claim_links',
    'api_keys',
    'audit_log',
    'idempotency_records',
  ];
  return Object.fromEntries(
    tables.map((t) => [t, (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n]),
  );
}

/** Every property name anywhere in a JSON value. */
function keysIn(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) keysIn(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.add(k);
      keysIn(v, out);
    }
  }
  return out;
}

/** A local HTTP listener that records every request it receives. */
async function startListener() {
  const received: string[] = [];
  const server = http.createServer((req, res) => {
    received.push(`${req.method} ${req.url}`);
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 250));

/** One record of every kind, with claim ids 1-5 and one attribution and one claim link. */
async function world(on: TestContext = ctx) {
  const source = await createSource(on.api);
  const claimant = await createActor(on.api, { name: 'Iranian Ministry of Defence' });
  const blamed = await createActor(on.api, { name: 'Israel', kind: 'state' });
  const event = await createEvent(on.api);
  const quotes = [
    'targeted by micro drones',
    'minor damage to the roof',
    'operations were not disrupted',
    'a workshop was',
    '23:30 local time',
  ];
  const claims = [];
  for (const [i, exact] of quotes.entries()) {
    claims.push(
      await createClaim(on.api, {
        sourceId: source.id,
        claimantId: claimant.id,
        eventId: event.id,
        text: `Claim number ${i + 1}.`,
        quote: { exact },
      }),
    );
  }
  const [c1, c2] = claims as [{ id: number }, { id: number }];
  const attribution = await createAttribution(on.api, {
    eventId: event.id,
    actorId: blamed.id,
    claimId: c1.id,
  });
  const link = await createClaimLink(on.api, { fromClaimId: c1.id, toClaimId: c2.id });
  return { source, claimant, blamed, event, claims, attribution, link };
}

describe('API1:2023 Broken Object Level Authorization', () => {
  it('a reader or anonymous caller cannot modify, retract or delete any object by id', async () => {
    const w = await world();
    const keys = (await ctx.api.get('/keys')).body.data as { id: number; label: string }[];
    const adminKeyId = keys.find((k) => k.label === 'test admin')?.id;
    const objects = [
      `/actors/${w.claimant.id}`,
      `/sources/${w.source.id}`,
      `/events/${w.event.id}`,
      `/claims/${w.claims[0].id}`,
      `/attributions/${w.attribution.id}`,
      `/claim-links/${w.link.id}`,
    ];
    const before = await Promise.all(objects.map(async (p) => (await ctx.api.get(p)).body));
    const counts = tableCounts();

    const reader = withKey(ctx.keys.reader);
    for (const [agent, status, code] of [
      [reader, 403, 'FORBIDDEN'],
      [ctx.anonymous, 401, 'UNAUTHORIZED'],
    ] as const) {
      type Attempt = { method: 'post' | 'patch' | 'delete'; path: string; send?: object };
      const attempts: Attempt[] = [
        ...objects.flatMap((p): Attempt[] => [
          { method: 'patch', path: p, send: { text: 'x', name: 'x', title: 'x' } },
          { method: 'delete', path: p },
        ]),
        { method: 'post', path: `/claims/${w.claims[0].id}/retraction`, send: { reason: 'x' } },
        { method: 'post', path: `/attributions/${w.attribution.id}/retraction`, send: { reason: 'x' } },
        { method: 'delete', path: `/keys/${adminKeyId}` },
      ];
      for (const a of attempts) {
        const req = agent[a.method](a.path);
        const res = await (a.send ? req.send(a.send) : req);
        expect(res.status, `${a.method} ${a.path}`).toBe(status);
        expect(res.body.code).toBe(code);
        if (status === 401) expect(res.headers['www-authenticate']).toBe(CHALLENGE);
      }
    }

    const after = await Promise.all(objects.map(async (p) => (await ctx.api.get(p)).body));
    expect(after).toEqual(before);
    expect(tableCounts()).toEqual(counts);
    expect((await ctx.api.get('/keys')).body.data.every((k: { revokedAt: unknown }) => !k.revokedAt)).toBe(
      true,
    );
  });

  it('an id only ever reaches the record of its route’s type', async () => {
    const w = await world();
    const claim5 = w.claims[4] as { id: number };
    expect(claim5.id).toBe(5);
    expect(w.attribution.id).toBe(1);
    expect(w.link.id).toBe(1);

    // No attribution, claim link or event has the id 5: asking for one by a claim's id is a 404.
    for (const [path, code] of [
      [`/attributions/${claim5.id}`, 'ATTRIBUTION_NOT_FOUND'],
      [`/claim-links/${claim5.id}`, 'CLAIM_LINK_NOT_FOUND'],
      [`/events/${claim5.id}`, 'EVENT_NOT_FOUND'],
      [`/actors/${claim5.id}`, 'ACTOR_NOT_FOUND'],
      [`/sources/${claim5.id}`, 'SOURCE_NOT_FOUND'],
    ] as const) {
      const res = await ctx.api.get(path);
      expect(res.status, path).toBe(404);
      expect(res.body).toMatchObject(expectedProblem(404, code, path));
      expect(res.body.text).toBeUndefined();
    }

    // /claims/{attributionId} answers about the claim that has that id, never about the attribution.
    const res = await ctx.api.get(`/claims/${w.attribution.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(w.claims[0]);
    expect(res.body).not.toHaveProperty('position');
    expect(res.body).not.toHaveProperty('actor');

    // Writes through the wrong route touch nothing.
    const counts = tableCounts();
    expect((await ctx.api.delete(`/attributions/${claim5.id}`)).status).toBe(404);
    expect((await ctx.api.patch(`/claim-links/${claim5.id}`).send({ relation: 'contradicts' })).status).toBe(
      404,
    );
    expect((await ctx.api.post(`/attributions/${claim5.id}/retraction`).send({ reason: 'x' })).status).toBe(
      404,
    );
    expect(tableCounts()).toEqual(counts);
    const still = await ctx.api.get(`/claims/${claim5.id}`);
    expect(still.body).toEqual(w.claims[4]);
    expect(still.body.retraction).toBeNull();

    // Nested routes are scoped to their parent's type too: claim 1's history holds claim entries only,
    // though actor 1, event 1, source 1, attribution 1 and claim link 1 all exist.
    const history = await ctx.api.get(`/claims/${w.claims[0].id}/history`);
    expect(history.status).toBe(200);
    expect(
      history.body.data.map((e: { resource: string; resourceId: number }) => [e.resource, e.resourceId]),
    ).toEqual([['claim', w.claims[0].id]]);
    const provenance = await ctx.api.get(`/claims/${claim5.id}/provenance`);
    expect(provenance.status).toBe(200);
    const notAClaim = await ctx.api.get('/claims/6/provenance');
    expect(notAClaim.status).toBe(404);
    expect(notAClaim.body.code).toBe('CLAIM_NOT_FOUND');
  });
});

describe('API2:2023 Broken Authentication', () => {
  it('unknown, malformed and revoked keys are 401 with a Bearer challenge', async () => {
    const revoked = await ctx.api.post('/keys').send({ label: 'Revoked', role: 'admin' });
    expect((await ctx.api.delete(`/keys/${revoked.body.id}`)).status).toBe(204);
    const tokens = [
      `clk_000000000000_${'A'.repeat(43)}`, // unknown
      'not-a-key', // malformed
      `${ctx.keys.admin}x`, // malformed: one character too many
      revoked.body.key as string, // revoked
    ];
    for (const token of tokens) {
      for (const req of [
        () => withKey(token).get('/actors'),
        () => withKey(token).post('/actors').send({ name: 'X', kind: 'group' }),
      ]) {
        const res = await req();
        expect(res.status, token).toBe(401);
        expect(res.headers['www-authenticate']).toBe(CHALLENGE);
        expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
        expect(res.body.code).toBe('UNAUTHORIZED');
      }
    }
    expect(tableCounts().actors).toBe(0);
  });

  it('keys are stored hashed: no secret is in the database', async () => {
    const db = ctx.app.db.$client;
    const rows = db.prepare('SELECT * FROM api_keys').all() as Record<string, unknown>[];
    expect(rows).toHaveLength(3);
    const hashes = rows.map((r) => r.hash);
    for (const key of Object.values(ctx.keys)) {
      expect(hashes).toContain(createHash('sha256').update(key).digest('hex'));
      const secret = key.split('_').slice(2).join('_');
      expect(secret).toHaveLength(43);
      expect(db.serialize().includes(Buffer.from(secret))).toBe(false);
    }
  });

  it('failed key guesses are rate limited by address: the 6th bad guess is 429, not 401', async () => {
    const limited = await buildTestApp({ rateLimitMax: 5 });
    try {
      const guesses = [];
      for (let i = 0; i < 6; i++) {
        // A different guess each time: the counter is the address's, not the guessed key's.
        guesses.push(
          await withKey(`clk_${String(i).padStart(12, '0')}_${'B'.repeat(43)}`, limited).get('/actors'),
        );
      }
      expect(guesses.map((r) => r.status)).toEqual([401, 401, 401, 401, 401, 429]);
      const sixth = guesses[5];
      expect(sixth?.body).toMatchObject(expectedProblem(429, 'RATE_LIMITED', '/actors'));
      expect(sixth?.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(Number(sixth?.headers['retry-after'])).toBeGreaterThan(0);

      // Spoofed forwarding headers do not buy a fresh counter.
      const spoofed = await limited.anonymous
        .get('/actors')
        .set('x-forwarded-for', '198.51.100.9')
        .set('authorization', `Bearer clk_999999999999_${'C'.repeat(43)}`);
      expect(spoofed.status).toBe(429);

      // A valid key has its own counter: the guesser does not lock out the newsroom.
      expect((await withKey(limited.keys.editor, limited).get('/actors')).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('API3:2023 Broken Object Property Level Authorization', () => {
  it('mass assignment of server-owned properties is a 400 with pointers, and nothing is stored', async () => {
    const w = await world();
    const claimBody = {
      sourceId: w.source.id,
      text: 'A workshop was hit.',
      stance: 'asserts',
      modality: 'paraphrase',
      quote: { exact: 'targeted by micro drones' },
    };
    const grade = { gradedBy: 'Desk', gradedAt: '2000-01-01T00:00:00.000Z' };
    const retraction = { retractedAt: '2000-01-01T00:00:00.000Z', retractedBy: 'me', reason: 'x' };
    const cases: [method: 'post' | 'patch', path: string, body: object, pointers: string[]][] = [
      ['post', '/actors', { name: 'X', kind: 'group', id: 99 }, ['/id']],
      [
        'post',
        '/actors',
        { name: 'X', kind: 'group', createdAt: '2000-01-01T00:00:00Z', updatedAt: '2000-01-01T00:00:00Z' },
        ['/createdAt', '/updatedAt'],
      ],
      [
        'post',
        '/actors',
        { name: 'X', kind: 'group', reliability: { grade: 'A', ...grade } },
        ['/reliability/gradedAt'],
      ],
      [
        'post',
        '/sources',
        { title: 'T', kind: 'other', text: 'abc', sha256: '0'.repeat(64), textLength: 1 },
        ['/sha256', '/textLength'],
      ],
      [
        'post',
        '/claims',
        { ...claimBody, quote: { exact: 'targeted by micro drones', verified: true, end: 3 } },
        ['/quote/verified', '/quote/end'],
      ],
      ['post', '/claims', { ...claimBody, retraction }, ['/retraction']],
      ['post', '/claims', { ...claimBody, credibility: { grade: '1', ...grade } }, ['/credibility/gradedAt']],
      [
        'post',
        '/attributions',
        {
          eventId: w.event.id,
          actorId: w.claimant.id,
          claimId: w.claims[1].id,
          position: 'asserts',
          retraction,
        },
        ['/retraction'],
      ],
      ['post', '/keys', { label: 'Mine', role: 'reader', hash: '0'.repeat(64) }, ['/hash']],
      [
        'patch',
        `/actors/${w.claimant.id}`,
        { id: 42, createdAt: '2000-01-01T00:00:00Z' },
        ['/id', '/createdAt'],
      ],
      [
        'patch',
        `/sources/${w.source.id}`,
        { sha256: '0'.repeat(64), textLength: 3 },
        ['/sha256', '/textLength'],
      ],
      [
        'patch',
        `/claims/${w.claims[0].id}`,
        { retraction: null, updatedAt: 'x' },
        ['/retraction', '/updatedAt'],
      ],
      [
        'patch',
        `/claims/${w.claims[0].id}`,
        { quote: { exact: 'targeted by micro drones', verified: false } },
        ['/quote/verified'],
      ],
      ['patch', `/attributions/${w.attribution.id}`, { retraction }, ['/retraction']],
    ];
    const counts = tableCounts();
    const stored = await Promise.all(
      [`/actors/${w.claimant.id}`, `/sources/${w.source.id}`, `/claims/${w.claims[0].id}`].map(
        async (p) => (await ctx.api.get(p)).body,
      ),
    );

    for (const [method, path, body, pointers] of cases) {
      const res = await ctx.api[method](path).send(body);
      const label = `${method} ${path} ${JSON.stringify(body)}`;
      expect(res.status, label).toBe(400);
      expect(res.body.code, label).toBe('VALIDATION_FAILED');
      const sent = (res.body.errors as { in: string; pointer: string }[]).map((e) => `${e.in}:${e.pointer}`);
      for (const pointer of pointers) expect(sent, label).toContain(`body:${pointer}`);
    }

    expect(tableCounts()).toEqual(counts);
    const now = await Promise.all(
      [`/actors/${w.claimant.id}`, `/sources/${w.source.id}`, `/claims/${w.claims[0].id}`].map(
        async (p) => (await ctx.api.get(p)).body,
      ),
    );
    expect(now).toEqual(stored);
  });

  it('a __proto__ key in a body is refused and pollutes nothing', async () => {
    const res = await ctx.api
      .post('/actors')
      .set('content-type', 'application/json')
      .send('{"name":"X","kind":"group","__proto__":{"isAdmin":true}}');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(tableCounts().actors).toBe(0);
  });

  it('responses never expose internal columns (searchText, key hash, idempotency body hash)', async () => {
    const seeded = await buildTestApp({ seed: true });
    try {
      const api = seeded.api;
      const firstId = async (path: string) => ((await api.get(path)).body.data[0] as { id: number }).id;
      const claimId = await firstId('/claims');
      const eventId = await firstId('/events');
      const actorId = await firstId('/actors');
      const sourceId = await firstId('/sources');
      const paths = [
        '/actors?limit=100',
        `/actors/${actorId}`,
        `/actors/${actorId}/claims`,
        `/actors/${actorId}/history`,
        '/sources',
        `/sources/${sourceId}`,
        '/events?limit=100',
        `/events/${eventId}`,
        `/events/${eventId}/attributions`,
        `/events/${eventId}/links`,
        `/events/${eventId}/timeline`,
        '/claims?limit=100',
        `/claims/${claimId}`,
        `/claims/${claimId}/links`,
        `/claims/${claimId}/provenance`,
        '/attributions?limit=100',
        '/claim-links?limit=100',
        '/search?q=drone',
        '/audit?limit=100',
        '/keys',
      ];
      const created = await api.post('/keys').send({ label: 'Shown once', role: 'reader' });
      expect(created.status).toBe(201);
      expect(Object.keys(created.body).sort()).toEqual([
        'createdAt',
        'id',
        'key',
        'label',
        'prefix',
        'revokedAt',
        'role',
      ]);
      const secrets = [...Object.values(seeded.keys), created.body.key as string];
      for (const path of paths) {
        const res = await api.get(path);
        expect(res.status, path).toBe(200);
        const keys = keysIn(res.body);
        for (const internal of ['searchText', 'search_text', 'hash', 'bodyHash', 'body_hash']) {
          expect(keys.has(internal), `${path} exposes ${internal}`).toBe(false);
        }
        for (const secret of secrets) expect(res.text).not.toContain(secret.slice(-43));
      }
    } finally {
      await seeded.close();
    }
  });
});

describe('API4:2023 Unrestricted Resource Consumption', () => {
  it('page size is capped: limit=101 is 400, limit=100 returns at most 100', async () => {
    for (let i = 0; i < 103; i++) {
      expect((await ctx.api.post('/events').send({ title: `Event ${i}`, kind: 'other' })).status).toBe(201);
    }
    const tooMany = await ctx.api.get('/events?limit=101');
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors).toEqual([{ in: 'query', pointer: '/limit', message: expect.any(String) }]);

    const page = await ctx.api.get('/events?limit=100');
    expect(page.status).toBe(200);
    expect(page.body.data).toHaveLength(100);
    expect(page.body.nextCursor).toEqual(expect.any(String));
    expect((await ctx.api.get('/events')).body.data).toHaveLength(20);
    for (const path of ['/audit?limit=101', '/claims?limit=101', '/search?q=x&limit=101']) {
      expect((await ctx.api.get(path)).status, path).toBe(400);
    }
  });

  it('bodies over bodyLimit are 413 and nothing is stored', async () => {
    const small = await buildTestApp({ bodyLimit: 1024 });
    try {
      const res = await small.api
        .post('/sources')
        .send({ title: 'Big', kind: 'other', text: 'x'.repeat(2000) });
      expect(res.status).toBe(413);
      expect(res.body).toMatchObject(expectedProblem(413, 'BODY_TOO_LARGE', '/sources'));
      expect(tableCounts(small).sources).toBe(0);
    } finally {
      await small.close();
    }
  });

  it('string and array lengths are bounded (400 with a pointer)', async () => {
    const source = await createSource(ctx.api);
    const actor = await createActor(ctx.api);
    const claim = {
      sourceId: source.id,
      text: 'Short.',
      stance: 'asserts',
      modality: 'paraphrase',
      quote: { exact: 'targeted by micro drones' },
    };
    const cases: [path: string, body: object, pointer: string][] = [
      ['/actors', { name: 'n'.repeat(301), kind: 'group' }, '/name'],
      [
        '/actors',
        { name: 'X', kind: 'group', aliases: Array.from({ length: 51 }, (_, i) => `a${i}`) },
        '/aliases',
      ],
      ['/claims', { ...claim, text: 't'.repeat(10_001) }, '/text'],
      ['/claims', { ...claim, quote: { exact: 'q'.repeat(10_001) } }, '/quote/exact'],
      [
        '/claims',
        { ...claim, reportedViaIds: Array.from({ length: 21 }, () => actor.id) },
        '/reportedViaIds',
      ],
      ['/sources', { title: 't'.repeat(1001), kind: 'other', text: 'x' }, '/title'],
      ['/events', { title: 'E', kind: 'other', description: 'd'.repeat(10_001) }, '/description'],
    ];
    const counts = tableCounts();
    for (const [path, body, pointer] of cases) {
      const res = await ctx.api.post(path).send(body);
      expect(res.status, `${path} ${pointer}`).toBe(400);
      expect(res.body.errors).toContainEqual({ in: 'body', pointer, message: expect.any(String) });
    }
    expect(tableCounts()).toEqual(counts);
    const search = await ctx.api.get('/search').query({ q: 'q'.repeat(501) });
    expect(search.status).toBe(400);
    const name = await ctx.api.get('/actors').query({ q: 'q'.repeat(201) });
    expect(name.status).toBe(400);
  });

  it('rate limits hold per key and per address (rateLimitMax: 3)', async () => {
    const limited = await buildTestApp({ rateLimitMax: 3 });
    try {
      const editor = withKey(limited.keys.editor, limited);
      for (let i = 0; i < 3; i++) {
        const res = await editor.get('/actors');
        expect(res.status).toBe(200);
        expect(res.headers['x-ratelimit-limit']).toBe('3');
      }
      const fourth = await editor.get('/actors');
      expectProblem(fourth, 429, 'RATE_LIMITED', '/actors', {
        title: 'Too many requests',
        detail: expect.any(String),
      });
      expect(Number(fourth.headers['retry-after'])).toBeGreaterThan(0);
      expect(fourth.headers['x-ratelimit-remaining']).toBe('0');

      // Per key: another key from the same address still passes.
      expect((await withKey(limited.keys.reader, limited).get('/actors')).status).toBe(200);

      // Per address: anonymous callers share their address's allowance, other addresses keep theirs.
      const from = (remoteAddress: string) =>
        limited.app.inject({ method: 'GET', url: '/actors', remoteAddress });
      for (let i = 0; i < 3; i++) expect((await from('203.0.113.1')).statusCode).toBe(200);
      const over = await from('203.0.113.1');
      expect(over.statusCode).toBe(429);
      expect(over.headers['retry-after']).toBeDefined();
      expect((await from('203.0.113.2')).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('the rate limit covers every path: unknown routes and problem type pages too', async () => {
    const limited = await buildTestApp({ rateLimitMax: 3 });
    try {
      for (const [i, url] of ['/no-such-route', '/problems/unauthorized', '/actors'].entries()) {
        const statuses: number[] = [];
        for (let n = 0; n < 4; n++) {
          statuses.push(
            (await limited.app.inject({ method: 'GET', url, remoteAddress: `198.51.100.${i + 1}` }))
              .statusCode,
          );
        }
        expect.soft(statuses.at(-1), `${url}: ${statuses.join(', ')}`).toBe(429);
      }
    } finally {
      await limited.close();
    }
  });
});

describe('API5:2023 Broken Function Level Authorization', () => {
  it('a reader cannot call any write operation of the API description (403); anonymous callers get 401', async () => {
    const doc = (await ctx.anonymous.get('/openapi.json')).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const writes = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((m) => ['post', 'patch', 'put', 'delete'].includes(m))
        .map((method) => ({
          method: method as 'post' | 'patch' | 'delete',
          path: path.replace(/\{\w+\}/g, '1'),
        })),
    );
    expect(writes.length).toBeGreaterThanOrEqual(20);
    const reader = withKey(ctx.keys.reader);
    for (const { method, path } of writes) {
      const r = await reader[method](path).send({});
      expect(r.status, `reader ${method} ${path}`).toBe(403);
      expect(r.body.code).toBe('FORBIDDEN');
      const a = await ctx.anonymous[method](path).send({});
      expect(a.status, `anonymous ${method} ${path}`).toBe(401);
    }
    expect(tableCounts()).toMatchObject({ actors: 0, api_keys: 3, audit_log: 0 });
  });

  it('an editor cannot manage keys, read /audit or hard-delete; an admin can', async () => {
    const actor = await createActor(ctx.api);
    const editor = withKey(ctx.keys.editor);
    for (const [res, what] of [
      [await editor.post('/keys').send({ label: 'Escalate', role: 'admin' }), 'POST /keys'],
      [await editor.get('/keys'), 'GET /keys'],
      [await editor.delete('/keys/1'), 'DELETE /keys/1'],
      [await editor.get('/audit'), 'GET /audit'],
      [await editor.delete(`/actors/${actor.id}`), 'DELETE /actors/{id}'],
    ] as const) {
      expect(res.status, what).toBe(403);
      expect(res.body.detail, what).toBe('This request needs a key with the admin role; this key is editor.');
    }
    expect((await editor.patch(`/actors/${actor.id}`).send({ name: 'Editable' })).status).toBe(200);

    expect((await ctx.api.post('/keys').send({ label: 'New desk', role: 'editor' })).status).toBe(201);
    expect((await ctx.api.get('/audit')).status).toBe(200);
    expect((await ctx.api.delete(`/actors/${actor.id}`)).status).toBe(204);
  });
});

describe('API6:2023 Unrestricted Access to Sensitive Business Flows', () => {
  it('bulk creation is bounded by the per-key rate limit, and other keys keep working', async () => {
    const limited = await buildTestApp({ rateLimitMax: 5 });
    try {
      const editor = withKey(limited.keys.editor, limited);
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) {
        statuses.push((await editor.post('/actors').send({ name: `Bulk ${i}`, kind: 'group' })).status);
      }
      expect(statuses).toEqual([201, 201, 201, 201, 201, 429, 429, 429]);
      expect(tableCounts(limited).actors).toBe(5);
      expect(tableCounts(limited).audit_log).toBe(5);
      expect(
        (await withKey(limited.keys.admin, limited).post('/actors').send({ name: 'Desk', kind: 'group' }))
          .status,
      ).toBe(201);
    } finally {
      await limited.close();
    }
  });

  it('retries with one Idempotency-Key create one record (see trust.test.ts for the details)', async () => {
    const body = { name: 'Retried', kind: 'group' };
    const ids = new Set<number>();
    for (let i = 0; i < 5; i++) {
      const res = await ctx.api.post('/actors').set('idempotency-key', 'flaky-network-1').send(body);
      expect(res.status).toBe(201);
      ids.add(res.body.id);
    }
    expect(ids.size).toBe(1);
    expect(tableCounts().actors).toBe(1);
  });
});

describe('API7:2023 Server Side Request Forgery', () => {
  it('does not apply: the server never fetches a URL it is given', async () => {
    const listener = await startListener();
    const connect = vi.spyOn(net.Socket.prototype, 'connect');
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    try {
      const port = new URL(listener.url).port;
      const url = `${listener.url}/internal/metadata`;
      const created = await ctx.app.inject({
        method: 'POST',
        url: '/sources',
        headers: { authorization: `Bearer ${ctx.keys.admin}` },
        payload: { title: 'Points inside', kind: 'other', text: 'Some text.', url },
      });
      expect(created.statusCode).toBe(201);
      expect(created.json().url).toBe(url);
      const id = created.json().id as number;
      const patched = await ctx.app.inject({
        method: 'PATCH',
        url: `/sources/${id}`,
        headers: { authorization: `Bearer ${ctx.keys.admin}` },
        payload: { url: `${listener.url}/other` },
      });
      expect(patched.statusCode).toBe(200);
      for (const path of [`/sources/${id}`, '/sources', '/search?q=text']) {
        expect((await ctx.app.inject({ method: 'GET', url: path })).statusCode).toBe(200);
      }
      // Only http(s) URLs are taken at all, and even those are stored as text.
      const file = await ctx.app.inject({
        method: 'POST',
        url: '/sources',
        headers: { authorization: `Bearer ${ctx.keys.admin}` },
        payload: { title: 'File', kind: 'other', text: 'x', url: 'file:///etc/passwd' },
      });
      expect(file.statusCode).toBe(400);

      await settle();
      expect(listener.received).toEqual([]);
      expect(fetchSpy).not.toHaveBeenCalled();
      const targets = connect.mock.calls.map((args) => JSON.stringify(args[0]));
      expect(targets.filter((t) => t.includes(port))).toEqual([]);
      expect(connect).not.toHaveBeenCalled();
    } finally {
      connect.mockRestore();
      fetchSpy.mockRestore();
      await listener.close();
    }
  });
});

describe('API8:2023 Security Misconfiguration', () => {
  it('sends security headers and no x-powered-by, on successes and errors alike', async () => {
    const responses = [
      await ctx.anonymous.get('/actors'),
      await ctx.anonymous.get('/health'),
      await ctx.anonymous.get('/nope'),
      await ctx.anonymous.post('/actors').send({ name: 'X', kind: 'group' }),
      await ctx.api.post('/actors').send({ name: '' }),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 200, 404, 401, 400]);
    for (const res of responses) {
      const where = `${res.status} ${res.headers['x-request-id']}`;
      expect(res.headers['x-content-type-options'], where).toBe('nosniff');
      const csp = res.headers['content-security-policy'] as string;
      expect(csp, where).toContain("default-src 'none'");
      const framing = res.headers['x-frame-options'] ?? '';
      expect(framing !== '' || csp.includes("frame-ancestors 'none'"), where).toBe(true);
      expect(res.headers['referrer-policy'], where).toBe('no-referrer');
      expect(res.headers['x-powered-by'], where).toBeUndefined();
      expect(res.headers.server, where).toBeUndefined();
    }
  });

  it('sends security headers on 429 responses too', async () => {
    const limited = await buildTestApp({ rateLimitMax: 1 });
    try {
      await limited.anonymous.get('/actors');
      const res = await limited.anonymous.get('/actors');
      expect(res.status).toBe(429);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    } finally {
      await limited.close();
    }
  });

  it('CORS is closed by default: a preflight from another origin gets no access-control-allow-origin', async () => {
    const preflight = await ctx.anonymous
      .options('/actors')
      .set('origin', 'https://evil.example')
      .set('access-control-request-method', 'POST')
      .set('access-control-request-headers', 'authorization,content-type');
    expect(preflight.status).toBeGreaterThanOrEqual(400);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.headers['access-control-allow-methods']).toBeUndefined();
    expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
    const simple = await ctx.anonymous.get('/actors').set('origin', 'https://evil.example');
    expect(simple.status).toBe(200);
    expect(simple.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('CORS opens for a configured origin only', async () => {
    const open = await buildTestApp({ corsOrigins: ['https://newsroom.example'] });
    try {
      const preflight = await open.anonymous
        .options('/actors')
        .set('origin', 'https://newsroom.example')
        .set('access-control-request-method', 'PATCH')
        .set('access-control-request-headers', 'authorization,content-type,if-match');
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('https://newsroom.example');
      expect(preflight.headers['access-control-allow-methods']).toContain('PATCH');
      expect(preflight.headers['access-control-allow-headers']).toContain('authorization');
      expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
      const simple = await open.anonymous.get('/actors').set('origin', 'https://newsroom.example');
      expect(simple.headers['access-control-allow-origin']).toBe('https://newsroom.example');
      expect(simple.headers['access-control-expose-headers']).toContain('etag');

      const evil = await open.anonymous
        .options('/actors')
        .set('origin', 'https://evil.example')
        .set('access-control-request-method', 'POST');
      expect(evil.headers['access-control-allow-origin']).toBeUndefined();
      const evilGet = await open.anonymous.get('/actors').set('origin', 'https://evil.example');
      expect(evilGet.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await open.close();
    }
  });

  it('a 500 leaks no stack, message or path', async () => {
    const app = await buildApp({ databasePath: ':memory:' });
    const secret = 'SQLITE_CORRUPT at /var/lib/claimledger/private.db: table api_keys';
    app.get('/boom', async () => {
      throw new Error(secret);
    });
    app.get('/boom-sql', async () => {
      throw Object.assign(new Error(`no such column: hash in ${secret}`), { code: 'SQLITE_ERROR' });
    });
    await app.ready();
    try {
      for (const url of ['/boom', '/boom-sql']) {
        const res = await app.inject({ method: 'GET', url });
        expect(res.statusCode, url).toBe(500);
        expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
        expect(res.json()).toEqual({
          ...expectedProblem(500, 'INTERNAL_ERROR', url),
          title: 'Internal server error',
          detail: 'The server failed to handle the request. It has been logged.',
          requestId: res.headers['x-request-id'],
        });
        for (const leak of ['SQLITE', '/var/lib', 'private.db', 'api_keys', 'at ', 'node_modules', '.ts:']) {
          expect(res.body, `${url} leaks ${leak}`).not.toContain(leak);
        }
        expect(res.json()).not.toHaveProperty('stack');
        expect(res.json()).not.toHaveProperty('message');
      }
    } finally {
      await app.close();
    }
  });

  it('malformed JSON and invalid values are not echoed back', async () => {
    const canary = 'CANARY<script>alert(1)</script>';
    const broken = await ctx.api
      .post('/actors')
      .set('content-type', 'application/json')
      .send(`{"name": "${canary}", "kind": `);
    expect(broken.status).toBe(400);
    expect(broken.body.code).toBe('MALFORMED_JSON');
    expect(broken.text).not.toContain('CANARY');
    expect(broken.text).not.toContain('script');

    const invalid = await ctx.api.post('/actors').send({ name: 'X', kind: canary });
    expect(invalid.status).toBe(400);
    expect(invalid.text).not.toContain('CANARY');
    const path = await ctx.api.get(`/actors/${encodeURIComponent(canary)}`);
    expect(path.status).toBe(400);
    expect(path.headers['content-type']).toMatch(PROBLEM_JSON);
  });
});

/** Method and path of every route in a printRoutes({ commonPrefix: false }) tree. */
function routesOf(tree: string): { method: string; path: string }[] {
  const out: { method: string; path: string }[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([│\s]*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = (m[1] as string).length / 4;
    stack.length = depth;
    stack.push(m[2] as string);
    for (const method of m[3]?.split(', ') ?? []) out.push({ method, path: stack.join('') });
  }
  return out;
}

describe('API9:2023 Improper Inventory Management', () => {
  it('every registered route is in /openapi.json, except the docs and desk pages and problem type pages', async () => {
    const registered = routesOf(ctx.app.printRoutes({ commonPrefix: false }));
    expect(registered.length).toBeGreaterThan(50);
    const doc = (await ctx.anonymous.get('/openapi.json')).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, item]) =>
        Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`),
      ),
    );
    const undocumented = registered
      .filter(({ path }) => !path.startsWith('/docs') && path !== '/problems/:slug')
      // The desk is a page for people beside the API (src/plugins/desk.ts), like the docs page.
      .filter(({ path }) => path !== '/' && !path.startsWith('/desk/'))
      // The CORS preflight answers OPTIONS on every path.
      .filter(({ method, path }) => !(method === 'OPTIONS' && path === '*'))
      .map(({ method, path }) => {
        const openapiPath = path.replace(/:(\w+)/g, '{$1}');
        // HEAD is Fastify's automatic twin of a GET.
        return `${method === 'HEAD' ? 'GET' : method} ${openapiPath}`;
      })
      .filter((route) => !documented.has(route));
    expect(undocumented).toEqual([]);

    // And the other way: every documented operation is served.
    const served = new Set(
      registered.map(({ method, path }) => `${method} ${path.replace(/:(\w+)/g, '{$1}')}`),
    );
    expect([...documented].filter((op) => !served.has(op))).toEqual([]);
  });

  it('unknown paths are 404 problems; unserved methods on known paths are 405 with Allow', async () => {
    const unknown: [method: 'get' | 'post', path: string][] = [
      ['get', '/admin'],
      ['get', '/v1/actors'],
      ['get', '/api/actors'],
      ['get', '/.env'],
      ['get', '/debug/vars'],
      ['post', '/graphql'],
      ['get', '/actors/1/secrets'],
    ];
    for (const [method, path] of unknown) {
      const res = await ctx.api[method](path);
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(res.body).toMatchObject(expectedProblem(404, 'ROUTE_NOT_FOUND', path));
    }
    const unserved: [method: 'get' | 'put' | 'post' | 'patch' | 'delete', path: string, allow: string][] = [
      ['get', '/keys/1', 'DELETE'],
      ['put', '/actors/1', 'DELETE, GET, PATCH'],
      ['delete', '/actors', 'GET, POST'],
      ['patch', '/claims', 'GET, POST'],
      ['post', '/health', 'GET'],
      ['delete', '/audit', 'GET'],
      ['patch', '/keys/1', 'DELETE'],
    ];
    const counts = tableCounts();
    for (const [method, path, allow] of unserved) {
      const res = await ctx.api[method](path);
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.allow, `${method} ${path}`).toBe(allow);
      expect(res.body).toMatchObject(expectedProblem(405, 'METHOD_NOT_ALLOWED', path));
    }
    expect(tableCounts()).toEqual(counts);
  });
});

describe('API10:2023 Unsafe Consumption of APIs', () => {
  it('does not apply: the service consumes no third-party API and makes no outbound request', async () => {
    // No HTTP client among the dependencies.
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    for (const client of [
      'axios',
      'got',
      'node-fetch',
      'undici',
      'superagent',
      'request',
      'ky',
      'cross-fetch',
    ]) {
      expect(pkg.dependencies).not.toHaveProperty(client);
    }

    const listener = await startListener();
    const connect = vi.spyOn(net.Socket.prototype, 'connect');
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const httpRequest = vi.spyOn(http, 'request');
    const seeded = await buildTestApp({ seed: true });
    try {
      const inject = (method: 'GET' | 'POST', url: string, payload?: object) =>
        seeded.app.inject({
          method,
          url,
          headers: { authorization: `Bearer ${seeded.keys.admin}` },
          ...(payload ? { payload } : {}),
        });
      const claimId = (await inject('GET', '/claims')).json().data[0].id as number;
      const eventId = (await inject('GET', '/events')).json().data[0].id as number;
      for (const url of [
        '/health',
        '/actors?limit=100',
        '/sources',
        `/events/${eventId}/attributions`,
        `/events/${eventId}/timeline`,
        `/events/${eventId}/links`,
        `/claims/${claimId}/provenance`,
        `/claims/${claimId}/links`,
        '/search?q=drone',
        '/openapi.json',
        '/docs/',
      ]) {
        expect((await inject('GET', url)).statusCode, url).toBe(200);
      }
      const source = await inject('POST', '/sources', {
        title: 'Linked',
        kind: 'other',
        text: 'Linked text.',
        url: `${listener.url}/callback`,
      });
      expect(source.statusCode).toBe(201);
      await settle();
      expect(listener.received).toEqual([]);
      expect(fetchSpy).not.toHaveBeenCalled();
      expect(httpRequest).not.toHaveBeenCalled();
      expect(connect).not.toHaveBeenCalled();
    } finally {
      connect.mockRestore();
      fetchSpy.mockRestore();
      httpRequest.mockRestore();
      await seeded.close();
      await listener.close();
    }
  });
});
