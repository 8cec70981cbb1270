import { describe, expect, it } from 'vitest';
import { expectedProblem, type Json, useFreshApp } from './helpers/app.js';
import {
  createActor,
  createAttribution,
  createClaim,
  createEvent,
  createSource,
} from './helpers/factories.js';

const ctx = useFreshApp();

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** A grade the server stamped between `before` and now. */
function expectStampedBetween(grade: Json, before: string) {
  expect(grade.gradedAt).toMatch(ISO);
  expect(grade.gradedAt >= before).toBe(true);
  expect(grade.gradedAt <= new Date().toISOString()).toBe(true);
}

function validationProblem(instance: string, pointer: string) {
  return {
    ...expectedProblem(400, 'VALIDATION_FAILED', instance),
    title: 'The request is not valid',
    detail: expect.any(String),
    requestId: expect.any(String),
    errors: [{ in: 'body', pointer, message: expect.any(String) }],
  };
}

describe('actor reliability', () => {
  it('stores a grade with a server-set gradedAt, keeps it across other changes, and removes it with null', async () => {
    const actor = await createActor(ctx.api, { name: 'IRNA', kind: 'media_outlet' });
    expect(actor.reliability).toBeNull();

    const before = new Date().toISOString();
    const res = await ctx.api.patch(`/actors/${actor.id}`).send({
      reliability: {
        grade: 'B',
        gradedBy: 'Desk A',
        rationale: 'State-run, accurate on facts, slanted on blame.',
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.reliability).toEqual({
      grade: 'B',
      gradedBy: 'Desk A',
      gradedAt: expect.any(String),
      rationale: 'State-run, accurate on facts, slanted on blame.',
    });
    expectStampedBetween(res.body.reliability, before);
    const stored = await ctx.api.get(`/actors/${actor.id}`);
    expect(stored.body).toEqual(res.body);

    // Other changes leave the grade as it was.
    const renamed = await ctx.api
      .patch(`/actors/${actor.id}`)
      .send({ description: 'Iran’s state news agency.' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.reliability).toEqual(res.body.reliability);

    // A new grade replaces the old one, without a rationale it has none.
    const regraded = await ctx.api
      .patch(`/actors/${actor.id}`)
      .send({ reliability: { grade: 'C', gradedBy: 'Desk B' } });
    expect(regraded.status).toBe(200);
    expect(regraded.body.reliability).toEqual({
      grade: 'C',
      gradedBy: 'Desk B',
      gradedAt: expect.any(String),
      rationale: null,
    });
    expect(regraded.body.reliability.gradedAt >= res.body.reliability.gradedAt).toBe(true);

    const removed = await ctx.api.patch(`/actors/${actor.id}`).send({ reliability: null });
    expect(removed.status).toBe(200);
    expect(removed.body.reliability).toBeNull();
    expect((await ctx.api.get(`/actors/${actor.id}`)).body.reliability).toBeNull();
  });

  it('takes a grade on creation too', async () => {
    const before = new Date().toISOString();
    const actor = await createActor(ctx.api, {
      name: 'Telegram channel',
      kind: 'social_channel',
      reliability: { grade: 'F', gradedBy: 'Desk A', rationale: null },
    });
    expect(actor.reliability).toEqual({
      grade: 'F',
      gradedBy: 'Desk A',
      gradedAt: expect.any(String),
      rationale: null,
    });
    expectStampedBetween(actor.reliability, before);
  });

  it('refuses a grade outside A-F, a missing grader and unknown fields, leaving the actor unchanged', async () => {
    const actor = await createActor(ctx.api, {
      name: 'IRNA',
      kind: 'media_outlet',
      reliability: { grade: 'B', gradedBy: 'Desk A' },
    });
    const path = `/actors/${actor.id}`;

    const g = await ctx.api.patch(path).send({ reliability: { grade: 'G', gradedBy: 'Desk A' } });
    expect(g.status).toBe(400);
    expect(g.body).toEqual(validationProblem(path, '/reliability/grade'));

    const lower = await ctx.api.patch(path).send({ reliability: { grade: 'b', gradedBy: 'Desk A' } });
    expect(lower.status).toBe(400);
    expect(lower.body.errors).toEqual([
      { in: 'body', pointer: '/reliability/grade', message: expect.any(String) },
    ]);

    const noGrader = await ctx.api.patch(path).send({ reliability: { grade: 'A' } });
    expect(noGrader.status).toBe(400);
    expect(noGrader.body.errors).toEqual([
      { in: 'body', pointer: '/reliability/gradedBy', message: expect.any(String) },
    ]);

    const blankGrader = await ctx.api.patch(path).send({ reliability: { grade: 'A', gradedBy: '  ' } });
    expect(blankGrader.status).toBe(400);
    expect(blankGrader.body.errors[0].pointer).toBe('/reliability/gradedBy');

    // gradedAt is the server's to set.
    const stamped = await ctx.api
      .patch(path)
      .send({ reliability: { grade: 'A', gradedBy: 'Desk A', gradedAt: '2020-01-01T00:00:00Z' } });
    expect(stamped.status).toBe(400);
    expect(stamped.body).toEqual({
      ...validationProblem(path, '/reliability/gradedAt'),
      errors: [{ in: 'body', pointer: '/reliability/gradedAt', message: 'Unknown field' }],
    });

    const unknown = await ctx.api
      .patch(path)
      .send({ reliability: { grade: 'A', gradedBy: 'Desk A', score: 5 } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([
      { in: 'body', pointer: '/reliability/score', message: 'Unknown field' },
    ]);

    const onCreate = await ctx.api
      .post('/actors')
      .send({ name: 'X', kind: 'group', reliability: { grade: 'Z', gradedBy: 'Desk A' } });
    expect(onCreate.status).toBe(400);
    expect(onCreate.body).toEqual(validationProblem('/actors', '/reliability/grade'));

    expect((await ctx.api.get(path)).body).toEqual(actor);
  });
});

describe('claim credibility', () => {
  it('stores a grade given on creation and by PATCH, shown on GET, removed with null', async () => {
    const source = await createSource(ctx.api);
    const before = new Date().toISOString();
    const claim = await createClaim(ctx.api, {
      sourceId: source.id,
      credibility: { grade: '2', gradedBy: 'Desk A', rationale: 'Matches satellite imagery.' },
    });
    expect(claim.credibility).toEqual({
      grade: '2',
      gradedBy: 'Desk A',
      gradedAt: expect.any(String),
      rationale: 'Matches satellite imagery.',
    });
    expectStampedBetween(claim.credibility, before);
    expect((await ctx.api.get(`/claims/${claim.id}`)).body.credibility).toEqual(claim.credibility);

    const ungraded = await createClaim(ctx.api, { sourceId: source.id, quote: { exact: 'minor damage' } });
    expect(ungraded.credibility).toBeNull();
    const graded = await ctx.api
      .patch(`/claims/${ungraded.id}`)
      .send({ credibility: { grade: '4', gradedBy: 'Desk B' } });
    expect(graded.status, JSON.stringify(graded.body)).toBe(200);
    expect(graded.body.credibility).toEqual({
      grade: '4',
      gradedBy: 'Desk B',
      gradedAt: expect.any(String),
      rationale: null,
    });
    const stored = await ctx.api.get(`/claims/${ungraded.id}`);
    expect(stored.body.credibility).toEqual(graded.body.credibility);

    // Other changes keep it.
    const edited = await ctx.api.patch(`/claims/${ungraded.id}`).send({ text: 'Damage was minor.' });
    expect(edited.body.credibility).toEqual(graded.body.credibility);

    const removed = await ctx.api.patch(`/claims/${ungraded.id}`).send({ credibility: null });
    expect(removed.status).toBe(200);
    expect(removed.body.credibility).toBeNull();
    expect((await ctx.api.get(`/claims/${ungraded.id}`)).body.credibility).toBeNull();
  });

  it('refuses grades outside 1-6 and unknown fields', async () => {
    const source = await createSource(ctx.api);
    const claim = await createClaim(ctx.api, { sourceId: source.id });
    const path = `/claims/${claim.id}`;
    for (const grade of ['7', '0', 2, 'A']) {
      const res = await ctx.api.patch(path).send({ credibility: { grade, gradedBy: 'Desk A' } });
      expect(res.status, String(grade)).toBe(400);
      expect(res.body).toEqual(validationProblem(path, '/credibility/grade'));
    }
    const unknown = await ctx.api
      .patch(path)
      .send({ credibility: { grade: '1', gradedBy: 'Desk A', confidence: 'high' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([
      { in: 'body', pointer: '/credibility/confidence', message: 'Unknown field' },
    ]);
    const onCreate = await ctx.api.post('/claims').send({
      sourceId: source.id,
      text: 'x',
      stance: 'asserts',
      modality: 'paraphrase',
      quote: { exact: 'targeted by micro drones' },
      credibility: { grade: '9', gradedBy: 'Desk A' },
    });
    expect(onCreate.status).toBe(400);
    expect(onCreate.body).toEqual(validationProblem('/claims', '/credibility/grade'));
    expect((await ctx.api.get(path)).body).toEqual(claim);
  });
});

describe('grades in the cross-checking views', () => {
  async function buildCase() {
    const israel = await createActor(ctx.api, { name: 'Israel', kind: 'state' });
    const ministry = await createActor(ctx.api, { name: 'Ministry', kind: 'government_body' });
    const agency = await createActor(ctx.api, { name: 'IRNA', kind: 'media_outlet' });
    const paper = await createActor(ctx.api, { name: 'Tehran Times', kind: 'media_outlet' });
    const event = await createEvent(ctx.api);
    const source = await createSource(ctx.api, {
      title: 'Ministry statement',
      publisherId: paper.id,
      publishedAt: '2023-01-29T09:00:00Z',
      text: 'The ministry blamed Israel for the attack. The ministry said damage was minor.',
    });
    const blames = await createClaim(ctx.api, {
      sourceId: source.id,
      claimantId: ministry.id,
      reportedViaIds: [agency.id],
      eventId: event.id,
      quote: { exact: 'The ministry blamed Israel for the attack' },
    });
    const minor = await createClaim(ctx.api, {
      sourceId: source.id,
      eventId: event.id,
      stance: 'downplays',
      quote: { exact: 'The ministry said damage was minor' },
    });
    await createAttribution(ctx.api, { eventId: event.id, actorId: israel.id, claimId: blames.id });
    await createAttribution(ctx.api, { eventId: event.id, actorId: israel.id, claimId: minor.id });
    return { israel, ministry, agency, paper, event, source, blames, minor };
  }

  const entries = (board: Json) => board.actors[0].positions[0].entries;

  it('shows no grade anywhere until someone gives one', async () => {
    const c = await buildCase();
    const board = (await ctx.api.get(`/events/${c.event.id}/attributions`)).body;
    for (const entry of entries(board)) {
      expect(entry.claim.credibility).toBeNull();
      expect(entry.claimantReliability).toBeNull();
    }
    const timeline = (await ctx.api.get(`/events/${c.event.id}/timeline`)).body;
    expect(timeline.data).toHaveLength(2);
    for (const entry of timeline.data) {
      expect(entry.claim.credibility).toBeNull();
      expect(entry.claimantReliability).toBeNull();
    }
    const provenance = (await ctx.api.get(`/claims/${c.blames.id}/provenance`)).body;
    expect(provenance.claim.credibility).toBeNull();
    expect(provenance.chain.filter((s: Json) => s.actor).map((s: Json) => s.actor.reliability)).toEqual([
      null,
      null,
      null,
    ]);
  });

  it('shows the claimant’s reliability and the claim’s credibility on the board, the timeline and provenance', async () => {
    const c = await buildCase();
    const grade = async (path: string, body: object) => {
      const res = await ctx.api.patch(path).send(body);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body;
    };
    const ministry = await grade(`/actors/${c.ministry.id}`, {
      reliability: { grade: 'D', gradedBy: 'Desk A', rationale: 'Interested party.' },
    });
    const agency = await grade(`/actors/${c.agency.id}`, { reliability: { grade: 'B', gradedBy: 'Desk A' } });
    const blames = await grade(`/claims/${c.blames.id}`, {
      credibility: { grade: '3', gradedBy: 'Desk B', rationale: 'No evidence offered.' },
    });
    expect(ministry.reliability).toMatchObject({
      grade: 'D',
      gradedBy: 'Desk A',
      rationale: 'Interested party.',
    });

    // The board.
    const board = (await ctx.api.get(`/events/${c.event.id}/attributions`)).body;
    const [blamesEntry, minorEntry] = entries(board);
    expect(blamesEntry.claim).toEqual(blames);
    expect(blamesEntry.claim.credibility).toEqual({
      grade: '3',
      gradedBy: 'Desk B',
      gradedAt: expect.stringMatching(ISO),
      rationale: 'No evidence offered.',
    });
    expect(blamesEntry.claimantReliability).toEqual(ministry.reliability);
    // The relay's grade is not the claimant's; an own-voice claim has no claimant to grade.
    expect(blamesEntry.claimantReliability).not.toEqual(agency.reliability);
    expect(minorEntry.claim.id).toBe(c.minor.id);
    expect(minorEntry.claim.credibility).toBeNull();
    expect(minorEntry.claimantReliability).toBeNull();

    // The timeline.
    const timeline = (await ctx.api.get(`/events/${c.event.id}/timeline`)).body;
    const byId = new Map(timeline.data.map((e: Json) => [e.claim.id, e]));
    expect(byId.get(c.blames.id)).toMatchObject({
      claim: { credibility: blames.credibility },
      claimantReliability: ministry.reliability,
    });
    expect(byId.get(c.minor.id)).toMatchObject({ claim: { credibility: null }, claimantReliability: null });

    // Provenance: every actor on the chain carries its own grade.
    const provenance = (await ctx.api.get(`/claims/${c.blames.id}/provenance`)).body;
    expect(provenance.claim.credibility).toEqual(blames.credibility);
    expect(provenance.chain.map((s: Json) => [s.step, s.actor?.reliability ?? null])).toEqual([
      ['claimant', ministry.reliability],
      ['relay', agency.reliability],
      ['publisher', null],
      ['source', null],
    ]);

    // Removing the grades removes them from the views.
    await grade(`/actors/${c.ministry.id}`, { reliability: null });
    await grade(`/claims/${c.blames.id}`, { credibility: null });
    const after = (await ctx.api.get(`/events/${c.event.id}/attributions`)).body;
    expect(entries(after)[0].claimantReliability).toBeNull();
    expect(entries(after)[0].claim.credibility).toBeNull();
    const chainAfter = (await ctx.api.get(`/claims/${c.blames.id}/provenance`)).body.chain;
    expect(chainAfter[0].actor.reliability).toBeNull();
    expect(chainAfter[1].actor.reliability).toEqual(agency.reliability);
  });
});
