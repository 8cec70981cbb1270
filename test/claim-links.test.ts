import { describe, expect, it } from 'vitest';
import { expectProblem, useFreshApp } from './helpers/app.js';
import { createActor, createClaim, createClaimLink, createSource } from './helpers/factories.js';

const ctx = useFreshApp();

/** Three claims in one source: the ministry's, Israel's denial, and a repetition. */
async function threeClaims() {
  const ministry = await createActor(ctx.api, { name: 'Iranian Ministry of Defence' });
  const agency = await createActor(ctx.api, { name: 'IRNA', kind: 'media_outlet' });
  const israel = await createActor(ctx.api, { name: 'Israel', kind: 'state' });
  const source = await createSource(ctx.api, {
    title: 'Wire story',
    text: 'The ministry said a workshop was hit by micro drones. Israel denied any involvement. A local paper repeated that micro drones hit a workshop.',
  });
  const said = await createClaim(ctx.api, {
    sourceId: source.id,
    claimantId: ministry.id,
    reportedViaIds: [agency.id],
    quote: { exact: 'a workshop was hit by micro drones' },
  });
  const denied = await createClaim(ctx.api, {
    sourceId: source.id,
    claimantId: israel.id,
    stance: 'denies',
    text: 'Israel was not involved.',
    quote: { exact: 'Israel denied any involvement' },
  });
  const repeated = await createClaim(ctx.api, {
    sourceId: source.id,
    quote: { exact: 'micro drones hit a workshop' },
  });
  return { said, denied, repeated };
}

const idsOf = (body: { data: { id: number }[] }) => body.data.map((l) => l.id);

describe('claim links', () => {
  it('creates a link with both claims embedded in full, and stores it', async () => {
    const { said, denied } = await threeClaims();
    const res = await ctx.api.post('/claim-links').send({
      fromClaimId: denied.id,
      toClaimId: said.id,
      relation: 'contradicts',
      note: 'Denial of the claim',
    });

    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/claim-links/${res.body.id}`);
    const expected = {
      id: res.body.id,
      relation: 'contradicts',
      note: 'Denial of the claim',
      from: (await ctx.api.get(`/claims/${denied.id}`)).body,
      to: (await ctx.api.get(`/claims/${said.id}`)).body,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    };
    expect(res.body).toEqual(expected);
    expect(res.body.from).toMatchObject({ id: denied.id, stance: 'denies', claimant: { name: 'Israel' } });
    expect(res.body.to).toMatchObject({
      id: said.id,
      reportedVia: [{ name: 'IRNA' }],
      quote: { exact: 'a workshop was hit by micro drones', verified: true },
    });

    const stored = await ctx.api.get(`/claim-links/${res.body.id}`);
    expect(stored.status).toBe(200);
    expect(stored.body).toEqual(expected);
  });

  it('stores a link without a note as note null', async () => {
    const { said, repeated } = await threeClaims();
    const link = await createClaimLink(ctx.api, {
      fromClaimId: repeated.id,
      toClaimId: said.id,
      relation: 'repeats',
    });
    expect((await ctx.api.get(`/claim-links/${link.id}`)).body).toMatchObject({
      note: null,
      relation: 'repeats',
    });
  });

  it('lists the links of a claim in both directions, filters by relation and pages', async () => {
    const { said, denied, repeated } = await threeClaims();
    const contradicts = await createClaimLink(ctx.api, {
      fromClaimId: denied.id,
      toClaimId: said.id,
      relation: 'contradicts',
    });
    const repeats = await createClaimLink(ctx.api, {
      fromClaimId: repeated.id,
      toClaimId: said.id,
      relation: 'repeats',
    });
    const responds = await createClaimLink(ctx.api, {
      fromClaimId: said.id,
      toClaimId: denied.id,
      relation: 'responds_to',
    });
    const corroborates = await createClaimLink(ctx.api, { fromClaimId: repeated.id, toClaimId: denied.id });

    const list = (query: Record<string, unknown>) => ctx.api.get('/claim-links').query(query);
    expect(idsOf((await list({ claim: said.id })).body)).toEqual([contradicts.id, repeats.id, responds.id]);
    expect(idsOf((await list({ claim: denied.id })).body)).toEqual([
      contradicts.id,
      responds.id,
      corroborates.id,
    ]);
    expect(idsOf((await list({ claim: repeated.id })).body)).toEqual([repeats.id, corroborates.id]);
    expect(idsOf((await list({ relation: 'contradicts' })).body)).toEqual([contradicts.id]);
    expect(idsOf((await list({ relation: 'corroborates' })).body)).toEqual([corroborates.id]);
    expect(idsOf((await list({ claim: said.id, relation: 'repeats' })).body)).toEqual([repeats.id]);
    expect(idsOf((await list({ claim: repeated.id, relation: 'contradicts' })).body)).toEqual([]);

    const first = await ctx.api.get(`/claim-links?claim=${said.id}&limit=2`);
    expect(idsOf(first.body)).toEqual([contradicts.id, repeats.id]);
    expect(first.headers.link).toBe(
      `</claim-links?claim=${said.id}&limit=2&cursor=${first.body.nextCursor}>; rel="next"`,
    );
    const second = await ctx.api.get(String(first.headers.link).match(/^<([^>]+)>/)?.[1] as string);
    expect(second.body).toEqual({ data: [expect.objectContaining({ id: responds.id })], nextCursor: null });

    const bad = await list({ relation: 'agrees' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ in: 'query', pointer: '/relation', message: expect.any(String) }]);
  });

  it('refuses to link a claim to itself with 422 SELF_LINK', async () => {
    const { said } = await threeClaims();
    const res = await ctx.api
      .post('/claim-links')
      .send({ fromClaimId: said.id, toClaimId: said.id, relation: 'corroborates' });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const detail = `Claim ${said.id} cannot be linked to itself.`;
    expectProblem(res, 422, 'SELF_LINK', '/claim-links', {
      title: 'A claim cannot be linked to itself',
      detail,
      errors: [{ in: 'body', pointer: '/toClaimId', message: detail }],
    });
    expect((await ctx.api.get('/claim-links')).body).toEqual({ data: [], nextCursor: null });
  });

  it('answers 409 DUPLICATE for the same link twice, and stores nothing new', async () => {
    const { said, denied } = await threeClaims();
    const first = await createClaimLink(ctx.api, {
      fromClaimId: denied.id,
      toClaimId: said.id,
      relation: 'contradicts',
    });

    const res = await ctx.api
      .post('/claim-links')
      .send({ fromClaimId: denied.id, toClaimId: said.id, relation: 'contradicts', note: 'again' });
    expectProblem(res, 409, 'DUPLICATE', '/claim-links', {
      title: 'The resource already exists',
      detail: `Link ${first.id} already says claim ${denied.id} contradicts claim ${said.id}.`,
    });
    expect(idsOf((await ctx.api.get('/claim-links')).body)).toEqual([first.id]);
    expect((await ctx.api.get(`/claim-links/${first.id}`)).body.note).toBeNull();

    // The other direction is another statement.
    const reverse = await createClaimLink(ctx.api, {
      fromClaimId: said.id,
      toClaimId: denied.id,
      relation: 'contradicts',
    });
    expect(idsOf((await ctx.api.get('/claim-links')).body)).toEqual([first.id, reverse.id]);
  });

  it('answers 422 pointing at /fromClaimId or /toClaimId for a missing claim', async () => {
    const { said } = await threeClaims();
    for (const [body, pointer] of [
      [{ fromClaimId: 424242, toClaimId: said.id }, '/fromClaimId'],
      [{ fromClaimId: said.id, toClaimId: 424242 }, '/toClaimId'],
    ] as const) {
      const res = await ctx.api.post('/claim-links').send({ ...body, relation: 'corroborates' });
      expectProblem(res, 422, 'REFERENCE_NOT_FOUND', '/claim-links', {
        title: 'A referenced record does not exist',
        detail: 'Claim 424242 does not exist.',
        errors: [{ in: 'body', pointer, message: 'Claim 424242 does not exist.' }],
      });
    }
    expect((await ctx.api.get('/claim-links')).body.data).toEqual([]);
  });

  it('rejects a bad relation and unknown fields with 400', async () => {
    const { said, denied } = await threeClaims();
    const res = await ctx.api
      .post('/claim-links')
      .send({ fromClaimId: said.id, toClaimId: denied.id, relation: 'agrees', weight: 1 });
    expectProblem(res, 400, 'VALIDATION_FAILED', '/claim-links', {
      title: 'The request is not valid',
      detail: expect.any(String),
      errors: expect.arrayContaining([
        { in: 'body', pointer: '/relation', message: expect.any(String) },
        { in: 'body', pointer: '/weight', message: 'Unknown field' },
      ]),
    });
    expect((await ctx.api.get('/claim-links')).body.data).toEqual([]);
  });

  it('updates the note and the relation, and refuses a patch that would make a self-link or a twin', async () => {
    const { said, denied, repeated } = await threeClaims();
    const link = await createClaimLink(ctx.api, { fromClaimId: repeated.id, toClaimId: said.id });
    const twin = await createClaimLink(ctx.api, {
      fromClaimId: repeated.id,
      toClaimId: said.id,
      relation: 'repeats',
    });

    const res = await ctx.api
      .patch(`/claim-links/${link.id}`)
      .send({ note: 'Same wording', relation: 'responds_to' });
    expect(res.status).toBe(200);
    const stored = await ctx.api.get(`/claim-links/${link.id}`);
    expect(stored.body).toEqual({
      ...link,
      note: 'Same wording',
      relation: 'responds_to',
      updatedAt: expect.any(String),
    });
    expect(res.body).toEqual(stored.body);

    const cleared = await ctx.api.patch(`/claim-links/${link.id}`).send({ note: null });
    expect(cleared.status).toBe(200);
    expect((await ctx.api.get(`/claim-links/${link.id}`)).body.note).toBeNull();

    const self = await ctx.api.patch(`/claim-links/${link.id}`).send({ toClaimId: repeated.id });
    expect(self.status).toBe(422);
    expect(self.body).toMatchObject({
      code: 'SELF_LINK',
      errors: [{ in: 'body', pointer: '/toClaimId', message: expect.any(String) }],
    });
    const dup = await ctx.api.patch(`/claim-links/${link.id}`).send({ relation: 'repeats' });
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({
      code: 'DUPLICATE',
      detail: `Link ${twin.id} already says claim ${repeated.id} repeats claim ${said.id}.`,
    });
    const missingRef = await ctx.api.patch(`/claim-links/${link.id}`).send({ fromClaimId: 424242 });
    expect(missingRef.status).toBe(422);
    expect(missingRef.body.errors).toEqual([
      { in: 'body', pointer: '/fromClaimId', message: 'Claim 424242 does not exist.' },
    ]);
    const after = (await ctx.api.get(`/claim-links/${link.id}`)).body;
    expect(after).toMatchObject({
      relation: 'responds_to',
      note: null,
      from: { id: repeated.id },
      to: { id: said.id },
    });

    const moved = await ctx.api.patch(`/claim-links/${link.id}`).send({ toClaimId: denied.id });
    expect(moved.status).toBe(200);
    expect((await ctx.api.get(`/claim-links/${link.id}`)).body.to).toEqual(
      (await ctx.api.get(`/claims/${denied.id}`)).body,
    );

    const missing = await ctx.api.patch('/claim-links/424242').send({ note: 'x' });
    expectProblem(missing, 404, 'CLAIM_LINK_NOT_FOUND', '/claim-links/424242', {
      title: 'Claim link not found',
      detail: 'Claim link 424242 does not exist.',
    });
  });

  it('deletes a link with 204, then answers 404, and leaves the claims alone', async () => {
    const { said, denied } = await threeClaims();
    const link = await createClaimLink(ctx.api, {
      fromClaimId: denied.id,
      toClaimId: said.id,
      relation: 'contradicts',
    });

    const res = await ctx.api.delete(`/claim-links/${link.id}`);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    const gone = await ctx.api.get(`/claim-links/${link.id}`);
    expectProblem(gone, 404, 'CLAIM_LINK_NOT_FOUND', `/claim-links/${link.id}`, {
      title: 'Claim link not found',
      detail: `Claim link ${link.id} does not exist.`,
    });
    expect((await ctx.api.delete(`/claim-links/${link.id}`)).status).toBe(404);
    expect((await ctx.api.get('/claim-links')).body.data).toEqual([]);
    expect((await ctx.api.get(`/claims/${said.id}`)).status).toBe(200);
    expect((await ctx.api.get(`/claims/${denied.id}`)).status).toBe(200);
  });
});
