import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { buildTestApp, expectProblem, useFreshApp } from './helpers/app.js';
import { createActor } from './helpers/factories.js';

const ctx = useFreshApp();

const PROBLEM_JSON = /^application\/problem\+json/;

const cursorOf = (state: unknown) => Buffer.from(JSON.stringify(state)).toString('base64url');

/** Every list stays empty: nothing was stored by a failed request. */
async function expectNothingStored() {
  for (const path of ['/actors', '/sources', '/events', '/claims']) {
    const res = await ctx.api.get(path);
    expect(res.status, path).toBe(200);
    expect(res.body.data, path).toEqual([]);
  }
}

describe("Fastify's own errors leave as problem+json", () => {
  it('answers 404 ROUTE_NOT_FOUND for an unknown route', async () => {
    const res = await ctx.api.get('/nope?x=1');
    expectProblem(res, 404, 'ROUTE_NOT_FOUND', '/nope', {
      title: 'No such route',
      detail: 'No route matches GET /nope.',
    });
  });

  it('answers 405 METHOD_NOT_ALLOWED with Allow for a method a known path does not serve', async () => {
    const res = await ctx.api.put('/actors').send({ name: 'X', kind: 'state' });
    expectProblem(res, 405, 'METHOD_NOT_ALLOWED', '/actors', {
      title: 'Method not allowed',
      detail: 'PUT is not served on /actors; it answers GET, POST.',
    });
    expect(res.headers.allow).toBe('GET, POST');
    await expectNothingStored();
  });

  it('answers 400 MALFORMED_JSON for a body that is not JSON', async () => {
    const res = await ctx.api.post('/actors').set('content-type', 'application/json').send('{"name": "X",');
    expectProblem(res, 400, 'MALFORMED_JSON', '/actors', {
      title: 'The request body is not valid JSON',
      detail: expect.any(String),
    });
    expect(res.body.detail).not.toBe('');
    await expectNothingStored();
  });

  it('answers 400 EMPTY_BODY for an empty JSON body', async () => {
    const res = await ctx.api.post('/actors').set('content-type', 'application/json').send('');
    expectProblem(res, 400, 'EMPTY_BODY', '/actors', {
      title: 'The request body is empty',
      detail: expect.any(String),
    });
    await expectNothingStored();
  });

  it('answers 415 UNSUPPORTED_MEDIA_TYPE for a text/plain body', async () => {
    const res = await ctx.api.post('/sources').set('content-type', 'text/plain').send('just some text');
    expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE', '/sources', {
      title: 'Unsupported media type',
      detail: expect.any(String),
    });
    await expectNothingStored();
  });

  it('answers 413 BODY_TOO_LARGE for a body over the limit', async () => {
    const small = await buildTestApp({ bodyLimit: 2048 });
    try {
      const res = await small.api
        .post('/sources')
        .send({ title: 'Big', kind: 'other', text: 'x'.repeat(4096) });
      expectProblem(res, 413, 'BODY_TOO_LARGE', '/sources', {
        title: 'The request body is too large',
        detail: expect.any(String),
      });
      expect((await small.api.get('/sources')).body.data).toEqual([]);
      // Under the limit the same route works.
      const ok = await small.api
        .post('/sources')
        .send({ title: 'Small', kind: 'other', text: 'x'.repeat(100) });
      expect(ok.status).toBe(201);
    } finally {
      await small.close();
    }
  });

  it.each(['0', '101', 'abc', '-5', '2.5'])(
    'answers 400 for limit=%s, pointing at /limit in the query',
    async (limit) => {
      const res = await ctx.api.get(`/actors?limit=${limit}`);
      expectProblem(res, 400, 'VALIDATION_FAILED', '/actors', {
        title: 'The request is not valid',
        detail: expect.stringContaining('/limit'),
        errors: [{ in: 'query', pointer: '/limit', message: expect.any(String) }],
      });
    },
  );

  it('accepts the limits at the edges of the range', async () => {
    await createActor(ctx.api, { name: 'A' });
    await createActor(ctx.api, { name: 'B' });
    const one = await ctx.api.get('/actors?limit=1');
    expect(one.status).toBe(200);
    expect(one.body.data).toHaveLength(1);
    const hundred = await ctx.api.get('/actors?limit=100');
    expect(hundred.status).toBe(200);
    expect(hundred.body.data).toHaveLength(2);
  });

  it.each([
    ['garbage', 'garbage'],
    ['a negative after', cursorOf({ v: 1, after: -1 })],
    ['a fractional after', cursorOf({ v: 1, after: 1.5 })],
    ['a string after', cursorOf({ v: 1, after: '1' })],
    ['another version', cursorOf({ v: 2, after: 1 })],
    ['JSON that is not an object', cursorOf(null)],
  ])('answers 400 INVALID_CURSOR for a forged cursor (%s)', async (_what, cursor) => {
    const res = await ctx.api.get('/sources').query({ cursor });
    expectProblem(res, 400, 'INVALID_CURSOR', '/sources', {
      title: 'The cursor is not valid',
      detail: expect.any(String),
      errors: [{ in: 'query', pointer: '/cursor', message: expect.any(String) }],
    });
  });

  it('accepts a cursor the service issued', async () => {
    await createActor(ctx.api, { name: 'A' });
    const b = await createActor(ctx.api, { name: 'B' });
    const res = await ctx.api.get('/actors').query({ cursor: cursorOf({ v: 1, after: b.id - 1 }) });
    expect(res.status).toBe(200);
    expect(res.body.data.map((a: { id: number }) => a.id)).toEqual([b.id]);
  });

  it.each(['1e3', '0x10', '1.0', '99999999999999999999', '-1', '0', 'abc'])(
    'answers 400 for the id %s in the path, pointing at the param',
    async (id) => {
      const res = await ctx.api.get(`/actors/${id}`);
      expectProblem(res, 400, 'VALIDATION_FAILED', `/actors/${id}`, {
        title: 'The request is not valid',
        detail: expect.any(String),
        errors: expect.arrayContaining([{ in: 'params', pointer: '/actorId', message: expect.any(String) }]),
      });
      for (const error of res.body.errors) expect(error).toMatchObject({ in: 'params', pointer: '/actorId' });
    },
  );

  it.each([
    ['an array', '[{"name":"X","kind":"state"}]'],
    ['null', 'null'],
    ['a string', '"X"'],
    ['a number', '42'],
  ])('answers 400 for %s as the body', async (_what, body) => {
    const res = await ctx.api.post('/actors').set('content-type', 'application/json').send(body);
    expectProblem(res, 400, 'VALIDATION_FAILED', '/actors', {
      title: 'The request is not valid',
      detail: expect.any(String),
      errors: [{ in: 'body', pointer: '', message: expect.any(String) }],
    });
    await expectNothingStored();
  });

  it('puts the request id of the response header in the problem body, fresh for each request', async () => {
    const first = await ctx.api.get('/actors/424242');
    const second = await ctx.api.get('/actors/424242');
    expect(first.headers['x-request-id']).toEqual(expect.any(String));
    expect(first.body.requestId).toBe(first.headers['x-request-id']);
    expect(second.body.requestId).toBe(second.headers['x-request-id']);
    expect(first.body.requestId).not.toBe(second.body.requestId);

    // A client cannot choose the request id.
    const forged = await ctx.api.get('/nope').set('x-request-id', 'forged-id');
    expect(forged.body.requestId).toBe(forged.headers['x-request-id']);
    expect(forged.body.requestId).not.toBe('forged-id');

    // Successful responses carry it too.
    const ok = await ctx.api.get('/actors');
    expect(ok.headers['x-request-id']).toEqual(expect.any(String));
  });

  it('describes problem types at their type URI, and 404s unknown ones', async () => {
    const res = await ctx.api.get('/problems/quote-ambiguous');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      type: '/problems/quote-ambiguous',
      code: 'QUOTE_AMBIGUOUS',
      status: 422,
      title: 'The quote occurs more than once in the source text',
    });

    // The type of a problem the service answers with is itself dereferenceable.
    const missing = await ctx.api.get('/actors/424242');
    const described = await ctx.api.get(missing.body.type);
    expect(described.body).toEqual({
      type: missing.body.type,
      code: 'ACTOR_NOT_FOUND',
      status: 404,
      title: 'Actor not found',
    });

    const nope = await ctx.api.get('/problems/nope');
    expectProblem(nope, 404, 'ROUTE_NOT_FOUND', '/problems/nope', {
      title: 'No such route',
      detail: 'No problem type is named nope.',
    });
  });

  it('stores nothing after any failed POST', async () => {
    const failures = [
      ctx.api.post('/actors').send({ name: 'X', kind: 'alien' }),
      ctx.api.post('/actors').send({ name: 'X', kind: 'state', parentId: 424242 }),
      ctx.api.post('/sources').send({ title: 'S', kind: 'other', text: 'x', publisherId: 424242 }),
      ctx.api.post('/sources').send({ title: 'S', kind: 'other', text: 'x', sha256: 'ab' }),
      ctx.api.post('/events').send({ title: 'E', kind: 'x', parentId: 424242 }),
      ctx.api
        .post('/events')
        .send({ title: 'E', kind: 'x', startsAt: '2023-01-02T00:00:00Z', endsAt: '2023-01-01T00:00:00Z' }),
      ctx.api.post('/claims').send({
        sourceId: 424242,
        text: 'c',
        stance: 'asserts',
        modality: 'paraphrase',
        quote: { exact: 'x' },
      }),
      ctx.api.post('/events').set('content-type', 'application/json').send('{'),
    ];
    for (const res of await Promise.all(failures)) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    }
    await expectNothingStored();
  });
});

describe('unexpected errors', () => {
  it('leave as a 500 INTERNAL_ERROR problem without the stack or the internal message', async () => {
    const app = await buildApp({ databasePath: ':memory:' });
    app.get('/boom', async () => {
      throw new Error('secret internals at /etc/passwd');
    });
    await app.ready();
    try {
      const res = await supertest(app.server).get('/boom');
      expectProblem(res, 500, 'INTERNAL_ERROR', '/boom', {
        title: 'Internal server error',
        detail: expect.any(String),
        requestId: res.headers['x-request-id'],
      });
      expect(res.text).not.toContain('secret');
      expect(res.text).not.toContain('passwd');
      expect(res.text).not.toMatch(/stack|at .*\.ts:\d+/);
    } finally {
      await app.close();
    }
  });
});
