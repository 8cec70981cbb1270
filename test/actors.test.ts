import { describe, expect, it } from 'vitest';
import { expectProblem, useFreshApp } from './helpers/app.js';
import { createActor, createClaim, createSource } from './helpers/factories.js';

const ctx = useFreshApp();

describe('actors', () => {
  it('creates an actor under a parent and stores it', async () => {
    const iran = await createActor(ctx.api, { name: 'Iran', kind: 'state', wikidataId: 'Q794' });
    const res = await ctx.api.post('/actors').send({
      name: 'Iranian Ministry of Defence',
      kind: 'government_body',
      parentId: iran.id,
      aliases: ['MODAFL'],
    });

    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/actors/${res.body.id}`);
    const stored = await ctx.api.get(`/actors/${res.body.id}`);
    expect(stored.status).toBe(200);
    expect(stored.body).toEqual({
      id: res.body.id,
      name: 'Iranian Ministry of Defence',
      kind: 'government_body',
      aliases: ['MODAFL'],
      parentId: iran.id,
      parent: { id: iran.id, name: 'Iran', kind: 'state' },
      description: null,
      wikidataId: null,
      identifiable: true,
      reliability: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
  });

  it('finds actors by name or alias, case-insensitively', async () => {
    await createActor(ctx.api, {
      name: 'Islamic Republic News Agency',
      kind: 'media_outlet',
      aliases: ['IRNA'],
    });
    await createActor(ctx.api, {
      name: 'Israel Defense Forces',
      kind: 'military',
      aliases: ['IDF', 'Tsahal'],
    });

    const byAlias = await ctx.api.get('/actors').query({ q: 'irna' });
    expect(byAlias.body.data.map((a: { name: string }) => a.name)).toEqual(['Islamic Republic News Agency']);
    const byName = await ctx.api.get('/actors').query({ q: 'DEFENSE' });
    expect(byName.body.data.map((a: { name: string }) => a.name)).toEqual(['Israel Defense Forces']);
    const literal = await ctx.api.get('/actors').query({ q: '%' });
    expect(literal.body.data).toEqual([]);
  });

  it('pages through actors with a cursor and a Link header', async () => {
    for (const name of ['A', 'B', 'C']) await createActor(ctx.api, { name });
    const first = await ctx.api.get('/actors?limit=2');
    expect(first.body.data.map((a: { name: string }) => a.name)).toEqual(['A', 'B']);
    expect(first.headers.link).toBe(`</actors?limit=2&cursor=${first.body.nextCursor}>; rel="next"`);
    const second = await ctx.api.get(`/actors?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body).toEqual({ data: [expect.objectContaining({ name: 'C' })], nextCursor: null });
    expect(second.headers.link).toBeUndefined();
  });

  it('updates fields and clears optional ones with null', async () => {
    const actor = await createActor(ctx.api, { description: 'old', aliases: ['x'] });
    const res = await ctx.api.patch(`/actors/${actor.id}`).send({ description: null, aliases: ['MoD'] });
    expect(res.status).toBe(200);
    const stored = await ctx.api.get(`/actors/${actor.id}`);
    expect(stored.body).toMatchObject({ description: null, aliases: ['MoD'], name: actor.name });
    expect((await ctx.api.get('/actors?q=mod')).body.data).toHaveLength(1);
  });

  it('refuses a parent that would make a cycle, and changes nothing', async () => {
    const state = await createActor(ctx.api, { name: 'Iran', kind: 'state' });
    const ministry = await createActor(ctx.api, { parentId: state.id });
    const res = await ctx.api.patch(`/actors/${state.id}`).send({ parentId: ministry.id });
    expectProblem(res, 422, 'HIERARCHY_CYCLE', `/actors/${state.id}`, {
      title: 'The parent would make a cycle',
      detail: `Actor ${ministry.id} is actor ${state.id} or lies below it, so it cannot be its parent.`,
      errors: [{ in: 'body', pointer: '/parentId', message: expect.any(String) }],
    });
    expect((await ctx.api.get(`/actors/${state.id}`)).body.parentId).toBeNull();
  });

  it('rejects unknown fields, bad kinds and bad Wikidata ids with the fields at fault', async () => {
    const res = await ctx.api
      .post('/actors')
      .send({ name: 'X', kind: 'alien', wikidataId: 'Z1', id: 7, createdAt: '2020-01-01' });
    expectProblem(res, 400, 'VALIDATION_FAILED', '/actors', {
      title: 'The request is not valid',
      detail: expect.any(String),
      errors: expect.arrayContaining([
        { in: 'body', pointer: '/kind', message: expect.any(String) },
        { in: 'body', pointer: '/wikidataId', message: expect.any(String) },
        { in: 'body', pointer: '/id', message: 'Unknown field' },
        { in: 'body', pointer: '/createdAt', message: 'Unknown field' },
      ]),
    });
    expect((await ctx.api.get('/actors')).body.data).toEqual([]);
  });

  it('answers 422 for a parent that does not exist', async () => {
    const res = await ctx.api.post('/actors').send({ name: 'X', kind: 'group', parentId: 999 });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      code: 'REFERENCE_NOT_FOUND',
      errors: [{ in: 'body', pointer: '/parentId', message: 'Actor 999 does not exist.' }],
    });
  });

  it('answers 409 for a Wikidata id already used', async () => {
    await createActor(ctx.api, { name: 'Iran', kind: 'state', wikidataId: 'Q794' });
    const res = await ctx.api.post('/actors').send({ name: 'Persia', kind: 'state', wikidataId: 'Q794' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'DUPLICATE', errors: [{ pointer: '/wikidataId' }] });
  });

  it('deletes an unreferenced actor and refuses one that a claim names', async () => {
    const lone = await createActor(ctx.api, { name: 'Lone' });
    expect((await ctx.api.delete(`/actors/${lone.id}`)).status).toBe(204);
    expect((await ctx.api.get(`/actors/${lone.id}`)).status).toBe(404);

    const speaker = await createActor(ctx.api);
    const source = await createSource(ctx.api);
    await createClaim(ctx.api, { sourceId: source.id, claimantId: speaker.id });
    const res = await ctx.api.delete(`/actors/${speaker.id}`);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      code: 'RESOURCE_IN_USE',
      detail: `Actor ${speaker.id} is still referenced by 1 claims by it.`,
    });
    expect((await ctx.api.get(`/actors/${speaker.id}`)).status).toBe(200);
  });

  it('answers 404 problems for a missing actor and 400 for a bad id', async () => {
    const missing = await ctx.api.get('/actors/424242');
    expectProblem(missing, 404, 'ACTOR_NOT_FOUND', '/actors/424242', {
      title: 'Actor not found',
      detail: 'Actor 424242 does not exist.',
    });
    const bad = await ctx.api.get('/actors/-1');
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ in: 'params', pointer: '/actorId', message: expect.any(String) }]);
    expect((await ctx.api.patch('/actors/424242').send({ name: 'x' })).status).toBe(404);
    expect((await ctx.api.delete('/actors/424242')).status).toBe(404);
  });
});

describe('identifiable groups', () => {
  it('makes a group an unnamed collective unless marked, and every other kind identifiable', async () => {
    const officials = await createActor(ctx.api, { name: 'US officials', kind: 'group' });
    expect(officials.identifiable).toBe(false);
    const channel = await createActor(ctx.api, { name: 'Vahid Online', kind: 'group', identifiable: true });
    expect(channel.identifiable).toBe(true);
    const ministry = await createActor(ctx.api, { name: 'Ministry', kind: 'government_body' });
    expect(ministry.identifiable).toBe(true);
    expect((await ctx.api.get(`/actors/${channel.id}`)).body.identifiable).toBe(true);

    // Changing a group into another kind makes it identifiable; back into a group, unnamed again unless said.
    const toOutlet = await ctx.api.patch(`/actors/${channel.id}`).send({ kind: 'social_channel' });
    expect(toOutlet.body.identifiable).toBe(true);
    const toGroup = await ctx.api.patch(`/actors/${channel.id}`).send({ kind: 'group' });
    expect(toGroup.body.identifiable).toBe(false);
    const marked = await ctx.api.patch(`/actors/${channel.id}`).send({ kind: 'group', identifiable: true });
    expect(marked.body.identifiable).toBe(true);
    // Other changes keep the mark.
    const renamed = await ctx.api.patch(`/actors/${channel.id}`).send({ name: 'Vahid Online (Telegram)' });
    expect(renamed.body.identifiable).toBe(true);
  });

  it('refuses an unidentifiable actor of another kind, pointing at /identifiable, and stores nothing', async () => {
    const detail =
      'Only a group can be an unnamed collective; an actor of kind state is always identifiable.';
    const res = await ctx.api.post('/actors').send({ name: 'Iran', kind: 'state', identifiable: false });
    expectProblem(res, 422, 'INCONSISTENT_FIELDS', '/actors', {
      title: 'The fields do not agree',
      detail,
      errors: [{ in: 'body', pointer: '/identifiable', message: detail }],
    });
    expect((await ctx.api.get('/actors')).body.data).toEqual([]);
    const iran = await createActor(ctx.api, { name: 'Iran', kind: 'state' });
    const patch = await ctx.api.patch(`/actors/${iran.id}`).send({ identifiable: false });
    expect(patch.status).toBe(422);
    expect((await ctx.api.get(`/actors/${iran.id}`)).body.identifiable).toBe(true);
    const bad = await ctx.api.post('/actors').send({ name: 'X', kind: 'group', identifiable: 'yes' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ in: 'body', pointer: '/identifiable', message: expect.any(String) }]);
  });
});
