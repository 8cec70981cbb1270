import net from 'node:net';
import { Writable } from 'node:stream';
import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildApp } from '../src/app.js';
import { BASELINE_SECURITY_HEADERS } from '../src/lib/http-server.js';
import { buildTestApp, expectProblem, type TestContext, useFreshApp } from './helpers/app.js';
import { createClaim, createSource } from './helpers/factories.js';

// The HTTP edges every route shares, whichever module registers it: headers on every response, router
// errors, 405, charsets, unknown query parameters, Idempotency-Key on every POST, slow clients, the log.

const ctx = useFreshApp();

const count = (table: string, on: TestContext = ctx) =>
  on.app.db.$client.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

/** helmet's headers that only mean something for a document, sent with pages only. */
const PAGE_ONLY = [
  'cross-origin-opener-policy',
  'origin-agent-cluster',
  'x-dns-prefetch-control',
  'x-xss-protection',
];

function expectEdgeHeaders(res: { headers: Record<string, unknown>; body: unknown }, where: string) {
  for (const [name, value] of Object.entries(BASELINE_SECURITY_HEADERS)) {
    expect(res.headers[name], `${where}: ${name}`).toBe(value);
  }
  expect(res.headers['x-request-id'], where).toEqual(expect.any(String));
  expect(res.headers['x-ratelimit-limit'], where).toBeDefined();
  const body = res.body as { requestId?: string };
  if (body && typeof body === 'object' && 'requestId' in body) {
    expect(body.requestId, where).toBe(res.headers['x-request-id']);
  }
}

describe('every response gets the same headers and counts against the rate limit', () => {
  it('an API response carries exactly the baseline security headers, and none of those meant for pages', async () => {
    const res = await ctx.anonymous.get('/health');
    const sent = Object.fromEntries(
      Object.keys(BASELINE_SECURITY_HEADERS).map((name) => [name, res.headers[name]]),
    );
    expect(sent).toEqual(BASELINE_SECURITY_HEADERS);
    for (const name of PAGE_ONLY) expect(res.headers[name], name).toBeUndefined();
  });

  it('the docs page carries the security headers of a page as well', async () => {
    const res = await ctx.anonymous.get('/docs/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(res.headers['origin-agent-cluster']).toBe('?1');
    expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'|default-src/);
  });

  it('a path the router cannot decode, or an over-long id, is a 400 naming the parameter, with every header', async () => {
    const cases: [url: string, instance: string, pointer: string][] = [
      ['/actors/%ZZ', '/actors/%ZZ', '/actorId'],
      ['/actors/%E0%A4%A', '/actors/%E0%A4%A', '/actorId'],
      ['/claims/%', '/claims/%', '/claimId'],
      [`/actors/${'9'.repeat(500)}`, `/actors/${'9'.repeat(500)}`, '/actorId'],
      ['/claims/%ZZ/history?limit=1', '/claims/%ZZ/history', '/claimId'],
    ];
    for (const [url, instance, pointer] of cases) {
      const res = await ctx.anonymous.get(url);
      expectProblem(res, 400, 'VALIDATION_FAILED', instance, {
        title: 'The request is not valid',
        detail: expect.any(String),
        errors: [{ in: 'params', pointer, message: expect.any(String) }],
      });
      expectEdgeHeaders(res, url);
    }
    const unknown = await ctx.anonymous.get('/nowhere/%ZZ');
    expectProblem(unknown, 404, 'ROUTE_NOT_FOUND', '/nowhere/%ZZ', {
      title: 'No such route',
      detail: 'No route matches GET /nowhere/%ZZ.',
    });
    expectEdgeHeaders(unknown, '/nowhere/%ZZ');
  });

  it('router errors, 404s, 405s and 415s count against the limit like any request', async () => {
    const limited = await buildTestApp({ rateLimitMax: 4 });
    try {
      const from = (method: 'GET' | 'PUT' | 'POST', url: string, headers: Record<string, string> = {}) =>
        limited.app.inject({
          method,
          url,
          headers,
          remoteAddress: '198.51.100.7',
          payload: method === 'GET' ? undefined : 'x',
        });
      const statuses = [
        (await from('GET', '/actors/%ZZ')).statusCode,
        (await from('GET', '/nowhere')).statusCode,
        (await from('PUT', '/actors')).statusCode,
        (await from('POST', '/actors', { 'content-type': 'text/plain' })).statusCode,
      ];
      expect(statuses).toEqual([400, 404, 405, 401]);
      const over = await from('GET', '/actors/%ZZ');
      expect(over.statusCode).toBe(429);
      expect(over.headers['retry-after']).toBeDefined();
      expect(over.headers['x-request-id']).toEqual(expect.any(String));
      expect(over.headers['x-content-type-options']).toBe('nosniff');
    } finally {
      await limited.close();
    }
  });
});

describe('methods', () => {
  it('a method a known path does not serve is a 405 with Allow; HEAD is not served', async () => {
    for (const [method, path, allow] of [
      ['head', '/actors', 'GET, POST'],
      ['head', '/health', 'GET'],
      ['put', '/claims/1', 'DELETE, GET, PATCH'],
      ['delete', '/health/ready', 'GET'],
      ['post', '/claims/1/history', 'GET'],
    ] as const) {
      const res = await ctx.api[method](path);
      expect(res.status, `${method} ${path}`).toBe(405);
      expect(res.headers.allow, `${method} ${path}`).toBe(allow);
      if (method !== 'head') {
        expect(res.body).toMatchObject({ code: 'METHOD_NOT_ALLOWED', status: 405, instance: path });
        expectEdgeHeaders(res, `${method} ${path}`);
      }
    }
    const doc = (await ctx.anonymous.get('/openapi.json')).body as { paths: Record<string, object> };
    for (const item of Object.values(doc.paths)) expect(Object.keys(item)).not.toContain('head');
  });
});

describe('JSON bodies are UTF-8', () => {
  it('application/json with another charset is a 415 and stores nothing; utf-8 in any spelling is fine', async () => {
    for (const type of [
      'application/json; charset=utf-16',
      'application/json; charset=bogus',
      'application/json;charset="latin1"',
      'APPLICATION/JSON; CHARSET=ISO-8859-1',
    ]) {
      const res = await ctx.api.post('/actors').set('content-type', type).send('{"name":"X","kind":"group"}');
      expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE', '/actors', {
        title: 'Unsupported media type',
        detail: 'Send JSON as UTF-8: application/json with no charset, or charset=utf-8.',
        errors: [{ in: 'headers', pointer: '/content-type', message: 'Only charset=utf-8 is accepted' }],
      });
    }
    expect(count('actors')).toBe(0);
    for (const type of [
      'application/json; charset=utf-8',
      'application/json; charset="UTF-8"',
      'application/json;charset=utf8',
    ]) {
      const res = await ctx.api
        .post('/actors')
        .set('content-type', type)
        .send(JSON.stringify({ name: type, kind: 'group' }));
      expect(res.status, type).toBe(201);
    }
  });
});

describe('unknown query parameters', () => {
  it('are a 400 naming the parameter, on lists, single records, health and everything else', async () => {
    const source = await createSource(ctx.api);
    const claim = await createClaim(ctx.api, { sourceId: source.id });
    for (const [path, query, name] of [
      ['/claims', 'stnce=denies', 'stnce'],
      ['/claims', 'stance=denies&limt=5', 'limt'],
      [`/claims/${claim.id}`, 'expand=all', 'expand'],
      ['/health', 'verbose=1', 'verbose'],
      ['/search', 'q=drone&kind=claim&sort=new', 'sort'],
      [`/events/1/attributions`, 'rollup=true', 'rollup'],
      ['/actors', 'api_key=whatever', 'api_key'],
    ] as const) {
      const res = await ctx.api.get(`${path}?${query}`);
      expectProblem(res, 400, 'VALIDATION_FAILED', path, {
        title: 'The request is not valid',
        detail: `The query field /${name} is not valid: Unknown query parameter.`,
        errors: [{ in: 'query', pointer: `/${name}`, message: 'Unknown query parameter' }],
      });
    }
    expect((await ctx.api.get('/claims?stance=denies&limit=5')).status).toBe(200);
  });
});

describe('Idempotency-Key on every POST', () => {
  it('POST /keys: a retry replays the record without creating a second key (the secret is never stored)', async () => {
    const body = { label: 'Night desk', role: 'editor' };
    const keysBefore = count('api_keys');
    const first = await ctx.api.post('/keys').set('idempotency-key', 'desk-key-1').send(body);
    expect(first.status).toBe(201);
    expect(first.body.key).toMatch(/^clk_/);
    const second = await ctx.api.post('/keys').set('idempotency-key', 'desk-key-1').send(body);
    expect(second.status).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.headers.location).toBe(first.headers.location);
    const { key: _secret, ...record } = first.body;
    expect(second.body).toEqual(record);
    expect(count('api_keys')).toBe(keysBefore + 1);
    expect(ctx.app.db.$client.serialize().includes(Buffer.from(first.body.key.slice(-43)))).toBe(false);

    const other = await ctx.api
      .post('/keys')
      .set('idempotency-key', 'desk-key-1')
      .send({ ...body, role: 'admin' });
    expectProblem(other, 422, 'IDEMPOTENCY_KEY_REUSED', '/keys', {
      title: 'The Idempotency-Key was used for another request',
      detail: 'This Idempotency-Key was already used with a different request.',
      errors: [{ in: 'headers', pointer: '/idempotency-key', message: 'Already used for another request' }],
    });
    expect(count('api_keys')).toBe(keysBefore + 1);
  });

  it('retraction routes: a retry replays the first 200 instead of a 409, with one audit record', async () => {
    const source = await createSource(ctx.api);
    const claim = await createClaim(ctx.api, { sourceId: source.id });
    const send = () =>
      ctx.api
        .post(`/claims/${claim.id}/retraction`)
        .set('idempotency-key', 'retract-1')
        .send({ reason: 'Misquoted' });
    const first = await send();
    expect(first.status).toBe(200);
    const again = await send();
    expect(again.status).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(again.body).toEqual(first.body);
    const retracts = ctx.app.db.$client
      .prepare("SELECT count(*) FROM audit_log WHERE operation = 'retract'")
      .pluck()
      .get();
    expect(retracts).toBe(1);
    // Without the key, the second attempt is what it always was.
    const plain = await ctx.api.post(`/claims/${claim.id}/retraction`).send({ reason: 'Misquoted' });
    expect(plain.status).toBe(409);
  });

  it('covers a POST route added by any module, and documents it', async () => {
    const app = await buildApp({ databasePath: ':memory:' });
    app.post(
      '/tally',
      {
        config: { public: true, role: undefined },
        schema: {
          operationId: 'addTally',
          tags: ['service'],
          summary: 'A route added after the fact',
          body: z.object({ n: z.number().int() }).strict(),
          response: { 201: z.object({ total: z.number() }) },
        },
      },
      async (request, reply) => {
        const total = await app.write(() => {
          app.db.$client.exec('CREATE TABLE IF NOT EXISTS tally (n INTEGER)');
          app.db.$client.prepare('INSERT INTO tally VALUES (?)').run((request.body as { n: number }).n);
          return app.db.$client.prepare('SELECT sum(n) FROM tally').pluck().get() as number;
        });
        return reply.code(201).send({ total });
      },
    );
    await app.ready();
    try {
      const { createKeysService } = await import('../src/modules/keys/keys.service.js');
      const key = createKeysService(app.db).create('t', 'editor').key;
      const api = supertest.agent(app.server).set('authorization', `Bearer ${key}`);
      const a = await api.post('/tally').set('idempotency-key', 'tally-1').send({ n: 5 });
      const b = await api.post('/tally').set('idempotency-key', 'tally-1').send({ n: 5 });
      expect([a.status, a.body, b.status, b.body]).toEqual([201, { total: 5 }, 201, { total: 5 }]);
      expect(b.headers['idempotent-replayed']).toBe('true');
      expect((await api.post('/tally').send({ n: 1 })).body).toEqual({ total: 6 });
      expect((await api.get('/tally?x=1')).status).toBe(405);
      expect((await api.post('/tally?x=1').send({ n: 1 })).status).toBe(400);

      const doc = (await api.get('/openapi.json')).body;
      const op = doc.paths['/tally'].post;
      expect(op.parameters).toContainEqual(
        expect.objectContaining({ in: 'header', name: 'idempotency-key' }),
      );
      expect(Object.keys(op.responses).sort()).toEqual(
        ['201', '400', '401', '403', '408', '409', '413', '415', '422', '429', '500', '503', '507'].sort(),
      );
      expect(op.responses['201'].headers).toHaveProperty('idempotent-replayed');
      expect(op.responses['503'].headers).toHaveProperty('retry-after');
    } finally {
      await app.close();
    }
  });
});

describe('the OpenAPI document lists what every operation can answer', () => {
  it('401, 408, 429, 500, 503 everywhere; 413, 415, 507 on writes; response headers', async () => {
    const doc = (await ctx.anonymous.get('/openapi.json')).body as {
      paths: Record<
        string,
        Record<
          string,
          {
            parameters?: { name: string; in: string }[];
            responses: Record<string, { headers?: Record<string, unknown> }>;
          }
        >
      >;
    };
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const where = `${method} ${path}`;
        const statuses = Object.keys(op.responses);
        expect(statuses, where).toEqual(expect.arrayContaining(['400', '401', '408', '429', '500', '503']));
        if (method !== 'get')
          expect(statuses, where).toEqual(expect.arrayContaining(['403', '413', '415', '507']));
        if (method === 'post') {
          expect(statuses, where).toEqual(expect.arrayContaining(['409', '422']));
          expect(op.parameters, where).toContainEqual(
            expect.objectContaining({ name: 'idempotency-key', in: 'header' }),
          );
        }
        if (path.includes('{')) expect(statuses, where).toContain('404');
        for (const [status, response] of Object.entries(op.responses)) {
          expect(response.headers, `${where} ${status}`).toHaveProperty('x-request-id');
          expect(response.headers, `${where} ${status}`).toHaveProperty('x-ratelimit-remaining');
          if (['429', '503', '507'].includes(status))
            expect(response.headers, `${where} ${status}`).toHaveProperty('retry-after');
          if (status === '201') expect(response.headers, `${where} ${status}`).toHaveProperty('location');
        }
        if (op.responses['304']) expect(op.responses['200']?.headers, where).toHaveProperty('etag');
        if (method === 'get' && op.parameters?.some((p) => p.name === 'cursor'))
          expect(op.responses['200']?.headers, where).toHaveProperty('link');
      }
    }
    expect(doc.paths['/actors/{actorId}']?.get?.responses['200']?.headers).toHaveProperty('etag');
    expect(doc.paths['/actors']?.post?.responses['201']?.headers).toHaveProperty('etag');
  });
});

describe('slow clients are cut off at REQUEST_TIMEOUT_MS', () => {
  /** Sends `parts` one every `everyMs` on a raw socket; resolves with what came back and when the socket closed. */
  function trickle(port: number, parts: string[], everyMs: number) {
    return new Promise<{ response: string; sentAll: boolean }>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      let response = '';
      let sent = 0;
      socket.setEncoding('utf8').on('data', (chunk: string) => {
        response += chunk;
      });
      socket.on('error', () => {});
      const timer = setInterval(() => {
        if (sent < parts.length && !socket.destroyed) socket.write(parts[sent++] as string);
      }, everyMs);
      socket.on('close', () => {
        clearInterval(timer);
        resolve({ response, sentAll: sent === parts.length });
      });
    });
  }

  it('cuts trickled headers and a trickled body (authenticated or not) with a 408 problem carrying the usual headers', async () => {
    const slow = await buildTestApp({ requestTimeoutMs: 1_000 });
    try {
      await slow.app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = slow.app.server.address() as net.AddressInfo;
      // 100 characters, one every 50 ms: 5 s of headers.
      const headers = `GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ${'a'.repeat(70)}`.split('');
      const body = '{"name":"Slow","kind":"group"}';
      const head = (auth: string) =>
        `POST /actors HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
      const [byHeaders, byBody, anonymous] = await Promise.all([
        trickle(port, headers, 50),
        trickle(port, [head(`Authorization: Bearer ${slow.keys.editor}\r\n`), ...body.split('')], 200),
        trickle(port, [...`GET /actors HTTP/1.1\r\nHost: x\r\n`.split('')], 150),
      ]);
      for (const [what, run] of Object.entries({ byHeaders, byBody, anonymous })) {
        expect(run.sentAll, `${what}: cut off before it finished sending`).toBe(false);
        expect(run.response, what).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
        expect(run.response, what).toMatch(/\r\nx-request-id: [0-9a-f-]{36}\r\n/);
        expect(run.response, what).toContain('\r\nx-content-type-options: nosniff\r\n');
        const problem = JSON.parse(run.response.slice(run.response.indexOf('\r\n\r\n') + 4));
        expect(problem).toMatchObject({
          type: '/problems/request-timeout',
          status: 408,
          code: 'REQUEST_TIMEOUT',
          detail: 'The request did not arrive whole within 1000 ms (REQUEST_TIMEOUT_MS); send it faster.',
        });
      }
      expect(count('actors', slow)).toBe(0);
    } finally {
      await slow.close();
    }
  });
});

describe('the log', () => {
  it('redacts an API key sent in the query string (or anywhere in the URL)', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logged = await buildTestApp({ logger: { level: 'info', stream } });
    try {
      const secret = logged.keys.admin;
      for (const url of [
        `/actors?api_key=${secret}`,
        `/actors?key=${encodeURIComponent(secret)}&limit=5`,
        `/actors?limit=5&token=abc123`,
        `/actors/${secret}`,
      ]) {
        const res = await logged.anonymous.get(url);
        expect(res.status, url).toBe(400);
      }
      // Even where the parameter is a real one: a key pasted into a search box.
      expect((await logged.anonymous.get(`/actors?q=${secret}`)).status).toBe(200);
      const log = lines.join('');
      expect(log).toContain('incoming request');
      expect(log).not.toContain(secret.slice(-43));
      expect(log).not.toContain('abc123');
      expect(log).toContain('api_key=[REDACTED]');
      expect(log).toContain('/actors/clk_[REDACTED]');
    } finally {
      await logged.close();
    }
  });
});

describe('readiness', () => {
  it('GET /health/ready answers ready while writes are taken', async () => {
    const res = await ctx.anonymous.get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', writes: 'accepted' });
  });
});
