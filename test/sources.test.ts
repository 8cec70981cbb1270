import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { expectProblem, useFreshApp } from './helpers/app.js';
import { createActor, createClaim, createSource, WIRE_TEXT } from './helpers/factories.js';

const ctx = useFreshApp();

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

// CRLF, a no-break space, curly quotes, an en dash and an astral emoji (two UTF-16 units, one code point).
const TRICKY_TEXT =
  'Line one\r\nNo\u00a0break \u201ccurly\u201d \u2018single\u2019 \u2013 dash \u{1F680} end.\r\n';

const titles = (res: { body: { data: { title: string }[] } }) => res.body.data.map((s) => s.title);

describe('sources', () => {
  it('creates a source, stores its text byte for byte and hashes it', async () => {
    const publisher = await createActor(ctx.api, { name: 'Wire', kind: 'media_outlet' });
    const res = await ctx.api.post('/sources').send({
      title: 'Defence ministry statement',
      kind: 'official_statement',
      url: 'https://example.org/statement?id=1',
      publisherId: publisher.id,
      publishedAt: '2023-01-29T10:00:00+03:30',
      publishedAtPrecision: 'minute',
      retrievedAt: '2023-01-30T00:00:00Z',
      language: 'fa-IR',
      text: TRICKY_TEXT,
    });

    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/sources/${res.body.id}`);
    const stored = await ctx.api.get(res.headers.location as string);
    expect(stored.status).toBe(200);
    expect(stored.body).toEqual({
      id: res.body.id,
      title: 'Defence ministry statement',
      kind: 'official_statement',
      url: 'https://example.org/statement?id=1',
      publisherId: publisher.id,
      publisher: { id: publisher.id, name: 'Wire', kind: 'media_outlet' },
      copyOfId: null,
      copyOf: null,
      publishedAt: '2023-01-29T06:30:00.000Z',
      publishedAtPrecision: 'minute',
      retrievedAt: '2023-01-30T00:00:00.000Z',
      language: 'fa-IR',
      text: TRICKY_TEXT,
      sha256: sha256(TRICKY_TEXT),
      textLength: [...TRICKY_TEXT].length,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    // Byte for byte: the UTF-8 encodings are identical, and the emoji counts as one code point.
    expect(Buffer.from(stored.body.text, 'utf8').equals(Buffer.from(TRICKY_TEXT, 'utf8'))).toBe(true);
    expect(stored.body.textLength).toBe(TRICKY_TEXT.length - 1);
    expect(res.body).toEqual(stored.body);
  });

  it('refuses a text with a NUL character, which SQLite cannot measure, and stores nothing', async () => {
    const res = await ctx.api.post('/sources').send({ title: 'NUL', kind: 'other', text: 'ab\u0000cd' });
    expectProblem(res, 400, 'VALIDATION_FAILED', '/sources', {
      title: 'The request is not valid',
      detail: 'The body field /text is not valid: Contains a NUL character.',
      errors: [{ in: 'body', pointer: '/text', message: 'Contains a NUL character' }],
    });
    expect((await ctx.api.get('/sources')).body.data).toEqual([]);
  });

  it('defaults retrievedAt to now and leaves optional fields null', async () => {
    const before = new Date().toISOString();
    const res = await ctx.api.post('/sources').send({ title: 'Post', kind: 'social_post', text: 'Hello' });
    const after = new Date().toISOString();
    expect(res.status).toBe(201);

    const stored = (await ctx.api.get(`/sources/${res.body.id}`)).body;
    expect(stored.retrievedAt >= before && stored.retrievedAt <= after).toBe(true);
    expect(stored).toMatchObject({
      url: null,
      publisherId: null,
      publisher: null,
      publishedAt: null,
      publishedAtPrecision: null,
      language: null,
      text: 'Hello',
      sha256: sha256('Hello'),
      textLength: 5,
    });
  });

  it('lists sources without their text, in pages with a cursor and a Link header', async () => {
    for (const title of ['A', 'B', 'C']) await createSource(ctx.api, { title });
    const first = await ctx.api.get('/sources?limit=2');
    expect(first.status).toBe(200);
    expect(titles(first)).toEqual(['A', 'B']);
    for (const source of first.body.data) {
      expect(source).not.toHaveProperty('text');
      expect(source).toMatchObject({ sha256: sha256(WIRE_TEXT), textLength: [...WIRE_TEXT].length });
    }
    expect(first.body.nextCursor).toEqual(expect.any(String));
    expect(first.headers.link).toBe(`</sources?limit=2&cursor=${first.body.nextCursor}>; rel="next"`);

    const second = await ctx.api.get(`/sources?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toEqual({ data: [expect.objectContaining({ title: 'C' })], nextCursor: null });
    expect(second.body.data[0]).not.toHaveProperty('text');
    expect(second.headers.link).toBeUndefined();
  });

  it('finds sources by title, case-insensitively and literally', async () => {
    await createSource(ctx.api, { title: 'Drone strike on Isfahan workshop' });
    await createSource(ctx.api, { title: 'Ministry denies damage' });
    await createSource(ctx.api, { title: 'État de la situation' });

    expect(titles(await ctx.api.get('/sources').query({ q: 'ISFAHAN' }))).toEqual([
      'Drone strike on Isfahan workshop',
    ]);
    expect(titles(await ctx.api.get('/sources').query({ q: 'denies' }))).toEqual(['Ministry denies damage']);
    expect(titles(await ctx.api.get('/sources').query({ q: 'état' }))).toEqual(['État de la situation']);
    // The text is not searched, and LIKE wildcards are taken literally.
    expect((await ctx.api.get('/sources').query({ q: 'micro drones' })).body.data).toEqual([]);
    expect((await ctx.api.get('/sources').query({ q: '%' })).body.data).toEqual([]);
  });

  it('filters by publisher and by kind', async () => {
    const wire = await createActor(ctx.api, { name: 'Wire', kind: 'media_outlet' });
    const channel = await createActor(ctx.api, { name: 'Channel', kind: 'social_channel' });
    await createSource(ctx.api, { title: 'Wire story', publisherId: wire.id, kind: 'news_article' });
    await createSource(ctx.api, { title: 'Channel post', publisherId: channel.id, kind: 'social_post' });
    await createSource(ctx.api, {
      title: 'Wire statement',
      publisherId: wire.id,
      kind: 'official_statement',
    });

    expect(titles(await ctx.api.get('/sources').query({ publisher: wire.id }))).toEqual([
      'Wire story',
      'Wire statement',
    ]);
    expect(titles(await ctx.api.get('/sources').query({ kind: 'social_post' }))).toEqual(['Channel post']);
    expect(titles(await ctx.api.get('/sources').query({ publisher: wire.id, kind: 'news_article' }))).toEqual(
      ['Wire story'],
    );
    const byPublisher = await ctx.api.get('/sources').query({ publisher: channel.id });
    expect(byPublisher.body.data[0].publisher).toEqual({
      id: channel.id,
      name: 'Channel',
      kind: 'social_channel',
    });

    const badKind = await ctx.api.get('/sources').query({ kind: 'blog' });
    expect(badKind.status).toBe(400);
    expect(badKind.body.errors).toEqual([{ in: 'query', pointer: '/kind', message: expect.any(String) }]);
  });

  it('answers 422 for a publisher that does not exist, and stores nothing', async () => {
    const res = await ctx.api
      .post('/sources')
      .send({ title: 'Orphan', kind: 'other', text: 'x', publisherId: 424242 });
    expectProblem(res, 422, 'REFERENCE_NOT_FOUND', '/sources', {
      title: 'A referenced record does not exist',
      detail: 'Actor 424242 does not exist.',
      errors: [{ in: 'body', pointer: '/publisherId', message: 'Actor 424242 does not exist.' }],
    });
    expect((await ctx.api.get('/sources')).body.data).toEqual([]);
  });

  it('refuses a text with a lone surrogate, which has no UTF-8 form', async () => {
    const res = await ctx.api
      .post('/sources')
      .set('content-type', 'application/json')
      .send('{"title":"t","kind":"other","text":"a\\ud800b"}');
    expectProblem(res, 400, 'VALIDATION_FAILED', '/sources', {
      title: 'The request is not valid',
      detail: expect.any(String),
      errors: [{ in: 'body', pointer: '/text', message: expect.any(String) }],
    });
    expect((await ctx.api.get('/sources')).body.data).toEqual([]);
  });

  it('refuses urls that are not http(s), bad language tags, empty text and unknown kinds', async () => {
    const res = await ctx.api.post('/sources').send({
      title: 'Bad',
      kind: 'blog',
      text: '',
      url: 'javascript:alert(1)',
      language: 'english!',
    });
    expectProblem(res, 400, 'VALIDATION_FAILED', '/sources', {
      title: 'The request is not valid',
      detail: expect.any(String),
      errors: expect.arrayContaining([
        { in: 'body', pointer: '/url', message: expect.any(String) },
        { in: 'body', pointer: '/language', message: expect.any(String) },
        { in: 'body', pointer: '/text', message: expect.any(String) },
        { in: 'body', pointer: '/kind', message: expect.any(String) },
      ]),
    });

    const ftp = await ctx.api
      .post('/sources')
      .send({ title: 'F', kind: 'other', text: 'x', url: 'ftp://x.org/a' });
    expect(ftp.status).toBe(400);
    expect(ftp.body.errors).toEqual([{ in: 'body', pointer: '/url', message: expect.any(String) }]);

    const lang = await ctx.api.post('/sources').send({ title: 'L', kind: 'other', text: 'x', language: 'e' });
    expect(lang.status).toBe(400);
    expect(lang.body.errors).toEqual([{ in: 'body', pointer: '/language', message: expect.any(String) }]);

    const missing = await ctx.api.post('/sources').send({ kind: 'other' });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual(
      expect.arrayContaining([
        { in: 'body', pointer: '/title', message: expect.any(String) },
        { in: 'body', pointer: '/text', message: expect.any(String) },
      ]),
    );

    expect((await ctx.api.get('/sources')).body.data).toEqual([]);
  });

  it('rejects unknown fields such as a client-sent sha256 or id', async () => {
    const res = await ctx.api
      .post('/sources')
      .send({ title: 'T', kind: 'other', text: 'x', sha256: '00', id: 7, textLength: 1 });
    expectProblem(res, 400, 'VALIDATION_FAILED', '/sources', {
      title: 'The request is not valid',
      detail: expect.any(String),
      errors: expect.arrayContaining([
        { in: 'body', pointer: '/sha256', message: 'Unknown field' },
        { in: 'body', pointer: '/id', message: 'Unknown field' },
        { in: 'body', pointer: '/textLength', message: 'Unknown field' },
      ]),
    });
    expect((await ctx.api.get('/sources')).body.data).toEqual([]);

    const source = await createSource(ctx.api);
    const patch = await ctx.api.patch(`/sources/${source.id}`).send({ sha256: 'ff' });
    expect(patch.status).toBe(400);
    expect(patch.body.errors).toEqual([{ in: 'body', pointer: '/sha256', message: 'Unknown field' }]);
    expect((await ctx.api.get(`/sources/${source.id}`)).body.sha256).toBe(sha256(WIRE_TEXT));
  });

  it('updates metadata and clears optional fields with null', async () => {
    const publisher = await createActor(ctx.api, { name: 'Wire', kind: 'media_outlet' });
    const source = await createSource(ctx.api, {
      publisherId: publisher.id,
      language: 'en',
      url: 'https://a.org/',
    });
    const res = await ctx.api.patch(`/sources/${source.id}`).send({
      title: 'Corrected headline',
      publishedAt: '2023-01-29T23:59:00-05:00',
      publisherId: null,
      language: null,
      url: 'http://b.org/x',
    });
    expect(res.status).toBe(200);

    const stored = (await ctx.api.get(`/sources/${source.id}`)).body;
    expect(stored).toMatchObject({
      title: 'Corrected headline',
      publishedAt: '2023-01-30T04:59:00.000Z',
      publisherId: null,
      publisher: null,
      language: null,
      url: 'http://b.org/x',
      text: WIRE_TEXT,
      sha256: sha256(WIRE_TEXT),
      createdAt: source.createdAt,
    });
    expect(stored.updatedAt >= source.updatedAt).toBe(true);
    expect(res.body).toEqual(stored);
    // The search follows the new title.
    expect(titles(await ctx.api.get('/sources').query({ q: 'corrected' }))).toEqual(['Corrected headline']);
    expect((await ctx.api.get('/sources').query({ q: 'wire story' })).body.data).toEqual([]);

    const missingPublisher = await ctx.api.patch(`/sources/${source.id}`).send({ publisherId: 424242 });
    expect(missingPublisher.status).toBe(422);
    expect(missingPublisher.body).toMatchObject({
      code: 'REFERENCE_NOT_FOUND',
      errors: [{ in: 'body', pointer: '/publisherId', message: 'Actor 424242 does not exist.' }],
    });
  });

  it('changes the text while no claim quotes it, and recomputes the hash', async () => {
    const source = await createSource(ctx.api);
    const res = await ctx.api.patch(`/sources/${source.id}`).send({ text: TRICKY_TEXT });
    expect(res.status).toBe(200);
    const stored = (await ctx.api.get(`/sources/${source.id}`)).body;
    expect(stored.text).toBe(TRICKY_TEXT);
    expect(stored.sha256).toBe(sha256(TRICKY_TEXT));
    expect(stored.sha256).not.toBe(source.sha256);
    expect(stored.textLength).toBe([...TRICKY_TEXT].length);
  });

  it('locks the text once a claim quotes it, and keeps the stored text', async () => {
    const source = await createSource(ctx.api);
    await createClaim(ctx.api, { sourceId: source.id });
    const res = await ctx.api.patch(`/sources/${source.id}`).send({ text: 'Rewritten history.' });
    expectProblem(res, 409, 'SOURCE_TEXT_LOCKED', `/sources/${source.id}`, {
      title: 'The source text is anchored by claims',
      detail: expect.stringContaining('1 claim(s) quote this text'),
      errors: [{ in: 'body', pointer: '/text', message: expect.any(String) }],
    });
    const stored = (await ctx.api.get(`/sources/${source.id}`)).body;
    expect(stored.text).toBe(WIRE_TEXT);
    expect(stored.sha256).toBe(sha256(WIRE_TEXT));

    // Metadata can still change, and sending the same text is not a change.
    const meta = await ctx.api.patch(`/sources/${source.id}`).send({ title: 'Renamed', text: WIRE_TEXT });
    expect(meta.status).toBe(200);
    expect((await ctx.api.get(`/sources/${source.id}`)).body).toMatchObject({
      title: 'Renamed',
      text: WIRE_TEXT,
    });
  });

  it('deletes an unquoted source, then answers 404', async () => {
    const source = await createSource(ctx.api);
    const res = await ctx.api.delete(`/sources/${source.id}`);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    const gone = await ctx.api.get(`/sources/${source.id}`);
    expectProblem(gone, 404, 'SOURCE_NOT_FOUND', `/sources/${source.id}`, {
      title: 'Source not found',
      detail: `Source ${source.id} does not exist.`,
    });
    expect((await ctx.api.delete(`/sources/${source.id}`)).status).toBe(404);
    expect((await ctx.api.get('/sources')).body.data).toEqual([]);
  });

  it('refuses to delete a source that a claim quotes', async () => {
    const source = await createSource(ctx.api);
    await createClaim(ctx.api, { sourceId: source.id });
    const res = await ctx.api.delete(`/sources/${source.id}`);
    expectProblem(res, 409, 'RESOURCE_IN_USE', `/sources/${source.id}`, {
      title: 'The resource is still referenced',
      detail: `Source ${source.id} is still quoted by 1 claim(s).`,
    });
    const stored = await ctx.api.get(`/sources/${source.id}`);
    expect(stored.status).toBe(200);
    expect(stored.body.text).toBe(WIRE_TEXT);
  });

  it('answers 404 for a missing source on every item route, and 400 for a bad id', async () => {
    const missing = await ctx.api.get('/sources/424242');
    expectProblem(missing, 404, 'SOURCE_NOT_FOUND', '/sources/424242', {
      title: 'Source not found',
      detail: 'Source 424242 does not exist.',
    });
    const patch = await ctx.api.patch('/sources/424242').send({ title: 'x' });
    expect(patch.status).toBe(404);
    expect(patch.body.code).toBe('SOURCE_NOT_FOUND');
    const del = await ctx.api.delete('/sources/424242');
    expect(del.status).toBe(404);
    expect(del.body.code).toBe('SOURCE_NOT_FOUND');

    const bad = await ctx.api.get('/sources/abc');
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ in: 'params', pointer: '/sourceId', message: expect.any(String) }]);
  });
});
