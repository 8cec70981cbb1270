import { describe, expect, it } from 'vitest';
import { expectProblem, useFreshApp } from './helpers/app.js';
import {
  createActor,
  createAttribution,
  createClaim,
  createEvent,
  createSource,
} from './helpers/factories.js';

const ctx = useFreshApp();

const BLAMED = 'Local Telegram channels blamed Israel.';

/** A claim that blames Israel, carried by a chain, and the records around it. */
async function scene() {
  const channel = await createActor(ctx.api, { name: 'Telegram channel', kind: 'social_channel' });
  const agency = await createActor(ctx.api, { name: 'IRNA', kind: 'media_outlet' });
  const israel = await createActor(ctx.api, { name: 'Israel', kind: 'state' });
  const usa = await createActor(ctx.api, { name: 'United States', kind: 'state' });
  const source = await createSource(ctx.api, { title: 'Wire story', url: 'https://example.com/wire' });
  const event = await createEvent(ctx.api, { title: 'Drone attack in Isfahan' });
  const other = await createEvent(ctx.api, { title: 'Strike in Tabriz' });
  const claim = await createClaim(ctx.api, {
    sourceId: source.id,
    claimantId: channel.id,
    eventId: event.id,
    reportedViaIds: [agency.id],
    text: 'Israel was behind the attack.',
    quote: { exact: BLAMED, start: 0 },
  });
  const denial = await createClaim(ctx.api, {
    sourceId: source.id,
    stance: 'downplays',
    text: 'Operations continued.',
    quote: { exact: 'operations were not disrupted' },
  });
  return { channel, agency, israel, usa, source, event, other, claim, denial };
}

const idsOf = (body: { data: { id: number }[] }) => body.data.map((a) => a.id);

describe('attributions', () => {
  it('creates an attribution, perpetrator by default, with the event, actor and whole carrying claim embedded', async () => {
    const { israel, event, claim, channel, agency, source } = await scene();
    const res = await ctx.api
      .post('/attributions')
      .send({ eventId: event.id, actorId: israel.id, claimId: claim.id, position: 'asserts' });

    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/attributions/${res.body.id}`);
    const fullClaim = (await ctx.api.get(`/claims/${claim.id}`)).body;
    const expected = {
      id: res.body.id,
      role: 'perpetrator',
      position: 'asserts',
      event: { id: event.id, title: 'Drone attack in Isfahan' },
      actor: { id: israel.id, name: 'Israel', kind: 'state' },
      claim: fullClaim,
      retraction: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    };
    expect(res.body).toEqual(expected);
    // The embedded claim is the full representation, not a reference.
    expect(res.body.claim).toMatchObject({
      id: claim.id,
      claimant: { id: channel.id, name: 'Telegram channel', kind: 'social_channel' },
      source: { id: source.id, title: 'Wire story', url: 'https://example.com/wire', publishedAt: null },
      reportedVia: [{ id: agency.id, name: 'IRNA', kind: 'media_outlet' }],
      quote: { exact: BLAMED, start: claim.quote.start, end: claim.quote.end, verified: true },
    });

    const stored = await ctx.api.get(`/attributions/${res.body.id}`);
    expect(stored.status).toBe(200);
    expect(stored.body).toEqual(expected);
    expect(stored.body).toEqual(res.body);
  });

  it('stores an explicit role', async () => {
    const { usa, event, claim } = await scene();
    const created = await createAttribution(ctx.api, {
      eventId: event.id,
      actorId: usa.id,
      claimId: claim.id,
      role: 'sponsor',
      position: 'speculates',
    });
    const stored = await ctx.api.get(`/attributions/${created.id}`);
    expect(stored.body).toMatchObject({ role: 'sponsor', position: 'speculates', actor: { id: usa.id } });
  });

  it('filters by event, actor, position and claim, and pages with a Link header that keeps the filters', async () => {
    const { israel, usa, event, other, claim, denial } = await scene();
    const a = await createAttribution(ctx.api, { eventId: event.id, actorId: israel.id, claimId: claim.id });
    const b = await createAttribution(ctx.api, {
      eventId: event.id,
      actorId: usa.id,
      claimId: claim.id,
      position: 'speculates',
    });
    const c = await createAttribution(ctx.api, {
      eventId: other.id,
      actorId: israel.id,
      claimId: denial.id,
      position: 'denies',
    });
    const d = await createAttribution(ctx.api, {
      eventId: event.id,
      actorId: israel.id,
      claimId: denial.id,
      position: 'denies',
    });

    const list = (query: Record<string, unknown>) => ctx.api.get('/attributions').query(query);
    expect(idsOf((await list({})).body)).toEqual([a.id, b.id, c.id, d.id]);
    expect(idsOf((await list({ event: event.id })).body)).toEqual([a.id, b.id, d.id]);
    expect(idsOf((await list({ event: other.id })).body)).toEqual([c.id]);
    expect(idsOf((await list({ actor: israel.id })).body)).toEqual([a.id, c.id, d.id]);
    expect(idsOf((await list({ actor: usa.id })).body)).toEqual([b.id]);
    expect(idsOf((await list({ position: 'denies' })).body)).toEqual([c.id, d.id]);
    expect(idsOf((await list({ position: 'declines_to_comment' })).body)).toEqual([]);
    expect(idsOf((await list({ claim: claim.id })).body)).toEqual([a.id, b.id]);
    expect(idsOf((await list({ claim: denial.id, event: event.id })).body)).toEqual([d.id]);
    expect(idsOf((await list({ actor: israel.id, position: 'asserts' })).body)).toEqual([a.id]);

    const first = await ctx.api.get(`/attributions?actor=${israel.id}&limit=2`);
    expect(first.status).toBe(200);
    expect(idsOf(first.body)).toEqual([a.id, c.id]);
    expect(first.headers.link).toBe(
      `</attributions?actor=${israel.id}&limit=2&cursor=${first.body.nextCursor}>; rel="next"`,
    );
    const next = String(first.headers.link).match(/^<([^>]+)>/)?.[1] as string;
    const second = await ctx.api.get(next);
    expect(second.body).toEqual({ data: [expect.objectContaining({ id: d.id })], nextCursor: null });
    expect(second.headers.link).toBeUndefined();
  });

  it('answers 409 DUPLICATE for the same claim, event, actor and role, and stores nothing new', async () => {
    const { israel, event, claim } = await scene();
    const first = await createAttribution(ctx.api, {
      eventId: event.id,
      actorId: israel.id,
      claimId: claim.id,
    });

    const res = await ctx.api.post('/attributions').send({
      eventId: event.id,
      actorId: israel.id,
      claimId: claim.id,
      position: 'speculates',
      role: 'perpetrator',
    });
    expectProblem(res, 409, 'DUPLICATE', '/attributions', {
      title: 'The resource already exists',
      detail: `Attribution ${first.id} already records this: claim ${claim.id}, event ${event.id}, actor ${israel.id}, role perpetrator.`,
    });
    expect(idsOf((await ctx.api.get('/attributions')).body)).toEqual([first.id]);
    expect((await ctx.api.get(`/attributions/${first.id}`)).body.position).toBe('asserts');

    // Another role is another attribution.
    const sponsor = await createAttribution(ctx.api, {
      eventId: event.id,
      actorId: israel.id,
      claimId: claim.id,
      role: 'sponsor',
    });
    expect(idsOf((await ctx.api.get('/attributions')).body)).toEqual([first.id, sponsor.id]);

    // Nor can a PATCH turn one into the other's twin.
    const patched = await ctx.api.patch(`/attributions/${sponsor.id}`).send({ role: 'perpetrator' });
    expect(patched.status).toBe(409);
    expect(patched.body.code).toBe('DUPLICATE');
    expect((await ctx.api.get(`/attributions/${sponsor.id}`)).body.role).toBe('sponsor');
  });

  it('answers 422 pointing at /eventId, /actorId and /claimId for missing records, and stores nothing', async () => {
    const { israel, event, claim } = await scene();
    const cases = [
      {
        body: { eventId: 424242, actorId: israel.id, claimId: claim.id },
        pointer: '/eventId',
        label: 'Event',
      },
      {
        body: { eventId: event.id, actorId: 424242, claimId: claim.id },
        pointer: '/actorId',
        label: 'Actor',
      },
      {
        body: { eventId: event.id, actorId: israel.id, claimId: 424242 },
        pointer: '/claimId',
        label: 'Claim',
      },
    ];
    for (const { body, pointer, label } of cases) {
      const res = await ctx.api.post('/attributions').send({ ...body, position: 'asserts' });
      expect(res.status, pointer).toBe(422);
      const detail = `${label} 424242 does not exist.`;
      expectProblem(res, 422, 'REFERENCE_NOT_FOUND', '/attributions', {
        title: 'A referenced record does not exist',
        detail,
        errors: [{ in: 'body', pointer, message: detail }],
      });
    }
    expect((await ctx.api.get('/attributions')).body).toEqual({ data: [], nextCursor: null });
  });

  it('rejects a bad position, a bad role, a missing position and unknown fields with 400', async () => {
    const { israel, event, claim } = await scene();
    const base = { eventId: event.id, actorId: israel.id, claimId: claim.id };

    const res = await ctx.api.post('/attributions').send({ ...base, position: 'blames' });
    expectProblem(res, 400, 'VALIDATION_FAILED', '/attributions', {
      title: 'The request is not valid',
      detail: expect.any(String),
      errors: [{ in: 'body', pointer: '/position', message: expect.any(String) }],
    });

    const role = await ctx.api
      .post('/attributions')
      .send({ ...base, position: 'asserts', role: 'mastermind' });
    expect(role.status).toBe(400);
    expect(role.body.errors).toEqual([{ in: 'body', pointer: '/role', message: expect.any(String) }]);

    const missing = await ctx.api.post('/attributions').send(base);
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([{ in: 'body', pointer: '/position', message: expect.any(String) }]);

    const unknown = await ctx.api
      .post('/attributions')
      .send({ ...base, position: 'asserts', confidence: 0.9 });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([{ in: 'body', pointer: '/confidence', message: 'Unknown field' }]);

    const badFilter = await ctx.api.get('/attributions').query({ position: 'blames' });
    expect(badFilter.status).toBe(400);
    expect(badFilter.body.errors).toEqual([
      { in: 'query', pointer: '/position', message: expect.any(String) },
    ]);

    expect((await ctx.api.get('/attributions')).body.data).toEqual([]);
  });

  it('updates the position and stores it; a bad patch changes nothing', async () => {
    const { israel, event, claim } = await scene();
    const created = await createAttribution(ctx.api, {
      eventId: event.id,
      actorId: israel.id,
      claimId: claim.id,
    });

    const res = await ctx.api.patch(`/attributions/${created.id}`).send({ position: 'declines_to_comment' });
    expect(res.status).toBe(200);
    const stored = await ctx.api.get(`/attributions/${created.id}`);
    expect(stored.body).toEqual({
      ...created,
      position: 'declines_to_comment',
      updatedAt: expect.any(String),
    });
    expect(res.body).toEqual(stored.body);
    expect(
      idsOf((await ctx.api.get('/attributions').query({ position: 'declines_to_comment' })).body),
    ).toEqual([created.id]);

    const badRef = await ctx.api.patch(`/attributions/${created.id}`).send({ actorId: 424242 });
    expect(badRef.status).toBe(422);
    expect(badRef.body.errors).toEqual([
      { in: 'body', pointer: '/actorId', message: 'Actor 424242 does not exist.' },
    ]);
    const badPosition = await ctx.api.patch(`/attributions/${created.id}`).send({ position: 'maybe' });
    expect(badPosition.status).toBe(400);
    expect((await ctx.api.get(`/attributions/${created.id}`)).body).toEqual(stored.body);

    const missing = await ctx.api.patch('/attributions/424242').send({ position: 'denies' });
    expectProblem(missing, 404, 'ATTRIBUTION_NOT_FOUND', '/attributions/424242', {
      title: 'Attribution not found',
      detail: 'Attribution 424242 does not exist.',
    });
  });

  it('deletes an attribution with 204, then answers 404', async () => {
    const { israel, event, claim } = await scene();
    const created = await createAttribution(ctx.api, {
      eventId: event.id,
      actorId: israel.id,
      claimId: claim.id,
    });

    const res = await ctx.api.delete(`/attributions/${created.id}`);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');

    const gone = await ctx.api.get(`/attributions/${created.id}`);
    expectProblem(gone, 404, 'ATTRIBUTION_NOT_FOUND', `/attributions/${created.id}`, {
      title: 'Attribution not found',
      detail: `Attribution ${created.id} does not exist.`,
    });
    expect((await ctx.api.get('/attributions')).body.data).toEqual([]);
    const again = await ctx.api.delete(`/attributions/${created.id}`);
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('ATTRIBUTION_NOT_FOUND');
    // The claim it rested on is free to go now.
    expect((await ctx.api.delete(`/claims/${claim.id}`)).status).toBe(204);
  });
});

describe('attributions that name nobody (no_attribution)', () => {
  it('creates one without an actor, lists it by position, and stores it', async () => {
    const { event, claim, israel } = await scene();
    const res = await ctx.api
      .post('/attributions')
      .send({ eventId: event.id, claimId: claim.id, position: 'no_attribution' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ actor: null, position: 'no_attribution', role: 'perpetrator' });
    const stored = (await ctx.api.get(`/attributions/${res.body.id}`)).body;
    expect(stored).toEqual(res.body);
    const named = await createAttribution(ctx.api, {
      eventId: event.id,
      actorId: israel.id,
      claimId: claim.id,
    });

    expect(idsOf((await ctx.api.get('/attributions').query({ position: 'no_attribution' })).body)).toEqual([
      res.body.id,
    ]);
    expect(idsOf((await ctx.api.get('/attributions').query({ actor: israel.id })).body)).toEqual([named.id]);
    expect(idsOf((await ctx.api.get('/attributions').query({ event: event.id })).body)).toEqual([
      res.body.id,
      named.id,
    ]);
    const provenance = (await ctx.api.get(`/claims/${claim.id}/provenance`)).body;
    expect(provenance.attributions.map((a: { actor: unknown }) => a.actor)).toEqual([
      null,
      { id: israel.id, name: israel.name, kind: israel.kind },
    ]);

    // The same claim naming nobody twice for the same event and role is a duplicate (SQLite's NULLs are distinct,
    // so it has a unique index of its own).
    const twin = await ctx.api
      .post('/attributions')
      .send({ eventId: event.id, claimId: claim.id, actorId: null, position: 'no_attribution' });
    expectProblem(twin, 409, 'DUPLICATE', '/attributions', {
      title: 'The resource already exists',
      detail: `Attribution ${res.body.id} already records this: claim ${claim.id}, event ${event.id}, no actor named, role perpetrator.`,
    });
    expect(() =>
      ctx.app.db.$client
        .prepare(
          `INSERT INTO attributions (event_id, actor_id, role, position, claim_id, created_at, updated_at)
           VALUES (?, NULL, 'perpetrator', 'no_attribution', ?, 'now', 'now')`,
        )
        .run(event.id, claim.id),
    ).toThrow(/UNIQUE constraint failed/);
  });

  it('refuses an actor with no_attribution, and another position without an actor, pointing at the fields sent', async () => {
    const { event, claim, israel } = await scene();
    const base = { eventId: event.id, claimId: claim.id };

    const named = await ctx.api
      .post('/attributions')
      .send({ ...base, actorId: israel.id, position: 'no_attribution' });
    const namedDetail = `Position no_attribution names nobody, but actor ${israel.id} is named: leave actorId out (or null), or choose another position.`;
    expectProblem(named, 422, 'INCONSISTENT_FIELDS', '/attributions', {
      title: 'The fields do not agree',
      detail: namedDetail,
      errors: [
        { in: 'body', pointer: '/actorId', message: 'Must be null with position no_attribution' },
        { in: 'body', pointer: '/position', message: `Actor ${israel.id} is named` },
      ],
    });

    for (const body of [
      { ...base, position: 'asserts' },
      { ...base, actorId: null, position: 'asserts' },
    ]) {
      const res = await ctx.api.post('/attributions').send(body);
      expectProblem(res, 422, 'INCONSISTENT_FIELDS', '/attributions', {
        title: 'The fields do not agree',
        detail:
          'Position asserts needs the actor held responsible (actorId); when the claim names nobody, use position no_attribution.',
        errors: [
          { in: 'body', pointer: '/actorId', message: 'Required with position asserts' },
          { in: 'body', pointer: '/position', message: 'No actor is named: only no_attribution fits' },
        ],
      });
    }
    expect((await ctx.api.get('/attributions')).body.data).toEqual([]);

    // The database holds the rule too.
    expect(() =>
      ctx.app.db.$client
        .prepare(
          `INSERT INTO attributions (event_id, actor_id, role, position, claim_id, created_at, updated_at)
           VALUES (?, NULL, 'perpetrator', 'asserts', ?, 'now', 'now')`,
        )
        .run(event.id, claim.id),
    ).toThrow(/CHECK constraint failed: attributions_actor_position_check/);
  });

  it('patches between naming an actor and naming nobody only with both fields, and changes nothing otherwise', async () => {
    const { event, claim, israel } = await scene();
    const created = await createAttribution(ctx.api, {
      eventId: event.id,
      actorId: israel.id,
      claimId: claim.id,
    });
    const path = `/attributions/${created.id}`;

    const positionOnly = await ctx.api.patch(path).send({ position: 'no_attribution' });
    expectProblem(positionOnly, 422, 'INCONSISTENT_FIELDS', path, {
      title: 'The fields do not agree',
      detail: `Position no_attribution names nobody, but actor ${israel.id} is named: leave actorId out (or null), or choose another position.`,
      errors: [{ in: 'body', pointer: '/position', message: `Actor ${israel.id} is named` }],
    });
    const actorOnly = await ctx.api.patch(path).send({ actorId: null });
    expectProblem(actorOnly, 422, 'INCONSISTENT_FIELDS', path, {
      title: 'The fields do not agree',
      detail:
        'Position asserts needs the actor held responsible (actorId); when the claim names nobody, use position no_attribution.',
      errors: [{ in: 'body', pointer: '/actorId', message: 'Required with position asserts' }],
    });
    expect((await ctx.api.get(path)).body).toEqual(created);

    const both = await ctx.api.patch(path).send({ actorId: null, position: 'no_attribution' });
    expect(both.status, JSON.stringify(both.body)).toBe(200);
    expect(both.body).toMatchObject({ actor: null, position: 'no_attribution' });
    const back = await ctx.api.patch(path).send({ actorId: israel.id, position: 'denies' });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ actor: { id: israel.id }, position: 'denies' });
    const history = (await ctx.api.get(`${path}/history`)).body.data;
    expect(history.map((h: { operation: string }) => h.operation)).toEqual(['create', 'update', 'update']);
  });

  it('refuses a filter that can never match: an actor with position no_attribution', async () => {
    const { israel } = await scene();
    const res = await ctx.api.get('/attributions').query({ actor: israel.id, position: 'no_attribution' });
    expectProblem(res, 400, 'BAD_REQUEST', '/attributions', {
      title: 'Bad request',
      detail: 'Position no_attribution names no actor, so it cannot be combined with an actor filter.',
      errors: [
        { in: 'query', pointer: '/position', message: 'no_attribution cannot be combined with actor' },
      ],
    });
  });
});
