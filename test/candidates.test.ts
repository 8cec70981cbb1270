import { describe, expect, it } from 'vitest';
import { expectProblem, useFreshApp } from './helpers/app.js';
import { createActor, createEvent, createSource } from './helpers/factories.js';

const ctx = useFreshApp();

const STORY = [
  'Iran’s Defence Ministry said three drones were shot down over Isfahan.',
  '“There was minor damage to the roof,” the ministry added.',
  'Israel carried out the strike, a newspaper said.',
  'The Israeli military declined to comment.',
  'Kayhan newspaper reported that the factory made missiles.',
].join('\n\n');

interface Candidate {
  id: number;
  status: string;
  rule: string;
  stance: string;
  quote: { exact: string; start: number; end: number };
  speaker: { actor: { id: number } | null; proposed: { name: string; kind: string } | null };
  attributions: { actor: { id: number } | null; position: string }[];
  claimId: number | null;
  confidence?: number;
}

/** The newsroom's actors, an event and the story as a source; then one extraction run. */
async function scene() {
  const iran = await createActor(ctx.api, { name: 'Iran', kind: 'state' });
  const ministry = await createActor(ctx.api, {
    name: 'Iranian Ministry of Defence',
    kind: 'government_body',
    parentId: iran.id,
  });
  const israel = await createActor(ctx.api, { name: 'Israel', kind: 'state' });
  const idf = await createActor(ctx.api, {
    name: 'Israel Defense Forces',
    kind: 'military',
    aliases: ['IDF', 'Israeli military'],
    parentId: israel.id,
  });
  const event = await createEvent(ctx.api, { title: 'Drone attack in Isfahan' });
  const source = await createSource(ctx.api, { title: 'Wire story', text: STORY });
  const run = await ctx.api.post(`/sources/${source.id}/candidates`).send({});
  expect(run.status, JSON.stringify(run.body)).toBe(200);
  const proposed = run.body.data as Candidate[];
  // Everything found is stored, the low-confidence ones too: the review desk can list them all.
  const found = (await ctx.api.get(`/candidates?source=${source.id}&limit=100`)).body.data as Candidate[];
  const byQuote = (words: string) => {
    const c = found.find((x) => x.quote.exact.includes(words));
    if (!c) throw new Error(`no candidate quotes "${words}"`);
    return c;
  };
  return {
    iran,
    ministry,
    israel,
    idf,
    event,
    source,
    run: run.body as { data: Candidate[]; lowConfidence: number },
    proposed,
    found,
    drones: byQuote('three drones'),
    roof: byQuote('minor damage'),
    carried: byQuote('Israel carried out'),
    declined: byQuote('declined to comment'),
    kayhan: byQuote('factory made missiles'),
  };
}

const history = async (path: string) =>
  (await ctx.api.get(path)).body.data as { operation: string; keyLabel: string; after: unknown }[];

describe('POST /sources/{sourceId}/candidates', () => {
  it('proposes the statements of the text, stores them pending, and shows each whole', async () => {
    const s = await scene();
    expect(s.found.map((c) => c.quote.exact)).toEqual([
      'three drones were shot down over Isfahan',
      'There was minor damage to the roof',
      'Israel carried out the strike',
      'The Israeli military declined to comment',
      'the factory made missiles',
    ]);
    // "a newspaper said": a speaker no name pins down, so it is stored but not proposed.
    expect(s.proposed.map((c) => c.quote.exact)).toEqual([
      'three drones were shot down over Isfahan',
      'There was minor damage to the roof',
      'The Israeli military declined to comment',
      'the factory made missiles',
    ]);
    expect(s.run.lowConfidence).toBe(1);
    expect(s.carried).toMatchObject({ confidence: 0.37, signals: { speaker: 0.4, incident: true } });
    const points = [...STORY];
    const start = [...STORY.slice(0, STORY.indexOf('The Israeli military'))].length;
    const declined = await ctx.api.get(`/candidates/${s.declined.id}`);
    expect(declined.status).toBe(200);
    expect(declined.headers.etag).toMatch(/^"/);
    expect(declined.body).toEqual({
      id: s.declined.id,
      sourceId: s.source.id,
      fingerprint: expect.stringMatching(/^[0-9a-f]{24}$/),
      status: 'pending',
      quote: {
        exact: 'The Israeli military declined to comment',
        prefix: points.slice(start - 32, start).join(''),
        suffix: points.slice(start + 40, start + 72).join(''),
        start,
        end: start + 40,
        verified: true,
      },
      cue: { text: 'declined to comment', start: start + 21, end: start + 40 },
      speaker: {
        text: 'The Israeli military',
        start,
        end: start + 20,
        actor: { id: s.idf.id, name: 'Israel Defense Forces', kind: 'military' },
        score: 1,
        alternatives: [],
        proposed: null,
      },
      stance: 'declines_to_comment',
      modality: 'paraphrase',
      text: 'The Israeli military declined to comment',
      reportedVia: [],
      attributions: [
        {
          actor: { id: s.israel.id, name: 'Israel' },
          actorText: 'The Israeli military',
          position: 'declines_to_comment',
          role: 'perpetrator',
        },
      ],
      rule: 'declines_to_comment',
      confidence: 0.8,
      signals: {
        speaker: 1,
        story: 0.8,
        subject: 0,
        incident: false,
        responsibility: true,
        suspect: true,
        continues: false,
        otherTime: false,
      },
      claimId: null,
      decidedBy: null,
      decidedAt: null,
      reason: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(s.drones).toMatchObject({ stance: 'asserts', speaker: { actor: { id: s.ministry.id } } });
    expect(s.roof).toMatchObject({
      stance: 'downplays',
      rule: 'quote_then_speaker',
      speaker: { actor: { id: s.ministry.id } },
    });
    expect(s.kayhan.speaker).toMatchObject({
      actor: null,
      proposed: { name: 'Kayhan newspaper', kind: 'media_outlet' },
    });

    const listed = await ctx.api.get(`/candidates?source=${s.source.id}&status=pending&limit=2`);
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((c: Candidate) => c.id)).toEqual(
      s.found
        .map((c) => c.id)
        .sort((a, b) => a - b)
        .slice(0, 2),
    );
    expect(listed.body.nextCursor).toEqual(expect.any(String));
    expect(listed.headers.link).toMatch(/rel="next"/);
    const confident = await ctx.api.get(`/candidates?source=${s.source.id}&minConfidence=0.5&limit=100`);
    expect(confident.body.data.map((c: Candidate) => c.id).sort()).toEqual(
      s.proposed.map((c) => c.id).sort(),
    );
    const bad = await ctx.api.get('/candidates?minConfidence=2');
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ in: 'query', pointer: '/minConfidence' })]);
    expect((await ctx.api.get(`/candidates/${s.drones.id}/history`)).body.data).toMatchObject([
      { operation: 'create', keyLabel: 'test admin', resource: 'candidate', resourceId: s.drones.id },
    ]);
  });

  it('running again duplicates nothing, keeps decisions and revises pending proposals', async () => {
    const s = await scene();
    await ctx.api.post(`/candidates/${s.drones.id}/accept`).expect(201);
    await ctx.api
      .post(`/candidates/${s.roof.id}/reject`)
      .send({ reason: 'Repeats the statement above.' })
      .expect(200);
    // A decision on a low-confidence candidate (found with ?minConfidence=0) is shown with the others from then on.
    await ctx.api.post(`/candidates/${s.carried.id}/reject`).send({ reason: 'Which newspaper?' }).expect(200);
    // A newsroom adds the paper; the pending proposal now names it, the decided ones stay as decided.
    const kayhan = await createActor(ctx.api, { name: 'Kayhan', kind: 'media_outlet' });

    const again = await ctx.api.post(`/sources/${s.source.id}/candidates`).send({});
    expect(again.status).toBe(200);
    expect(again.body.data.map((c: Candidate) => c.id)).toEqual(s.found.map((c) => c.id));
    expect(again.body.lowConfidence).toBe(0);
    const byId = new Map((again.body.data as Candidate[]).map((c) => [c.id, c]));
    expect(byId.get(s.carried.id)).toMatchObject({ status: 'rejected', confidence: 0.37 });
    // Known now, the paper's statement is surer of its speaker.
    expect(byId.get(s.kayhan.id)?.confidence).toBeGreaterThan(s.kayhan.confidence as number);
    expect(byId.get(s.drones.id)).toMatchObject({ status: 'accepted', claimId: expect.any(Number) });
    expect(byId.get(s.roof.id)).toMatchObject({ status: 'rejected', reason: 'Repeats the statement above.' });
    expect(byId.get(s.kayhan.id)?.speaker).toMatchObject({
      actor: { id: kayhan.id, name: 'Kayhan' },
      proposed: null,
    });
    const all = await ctx.api.get(`/candidates?source=${s.source.id}&limit=100`);
    expect(all.body.data).toHaveLength(5);
    expect((await history(`/candidates/${s.kayhan.id}/history`)).map((h) => h.operation)).toEqual([
      'create',
      'update',
    ]);
    expect((await history(`/candidates/${s.declined.id}/history`)).map((h) => h.operation)).toEqual([
      'create',
    ]);
  });

  it('`minConfidence: 0` answers every candidate stored, the low-confidence ones too', async () => {
    const source = await createSource(ctx.api, { title: 'Wire story', text: STORY });
    const all = await ctx.api.post(`/sources/${source.id}/candidates`).send({ minConfidence: 0 });
    expect(all.status).toBe(200);
    expect(all.body.data).toHaveLength(5);
    expect(all.body.lowConfidence).toBe(0);
    const strict = await ctx.api.post(`/sources/${source.id}/candidates`).send({ minConfidence: 0.9 });
    const kept = strict.body.data as Candidate[];
    expect(kept.every((c) => (c.confidence as number) >= 0.9)).toBe(true);
    expect(kept.length + strict.body.lowConfidence).toBe(5);
    expect(strict.body.lowConfidence).toBeGreaterThan(0);
  });

  it('a text in another language yields no candidates; an unknown source is a 404', async () => {
    const source = await createSource(ctx.api, {
      title: 'Polish wire',
      text: 'Za atak dronów na instalacje wojskowe w Isfahanie jest odpowiedzialny Izrael - poinformował w niedzielę portal dziennika, powołując się na źródła zastrzegające sobie anonimowość.',
    });
    const run = await ctx.api.post(`/sources/${source.id}/candidates`).send({});
    expect(run.status).toBe(200);
    expect(run.body).toEqual({ data: [], lowConfidence: 0 });
    const missing = await ctx.api.post('/sources/999999/candidates').send({});
    expectProblem(missing, 404, 'SOURCE_NOT_FOUND', '/sources/999999/candidates', {
      title: 'Source not found',
      detail: 'Source 999999 does not exist.',
    });
  });

  it('needs an editor key and refuses unknown body fields', async () => {
    const source = await createSource(ctx.api, { title: 'Wire story', text: STORY });
    const asReader = await ctx.anonymous
      .post(`/sources/${source.id}/candidates`)
      .set('authorization', `Bearer ${ctx.keys.reader}`)
      .send({});
    expect(asReader.status).toBe(403);
    const unknown = await ctx.api.post(`/sources/${source.id}/candidates`).send({ language: 'en' });
    expect(unknown.status).toBe(400);
    const outOfRange = await ctx.api.post(`/sources/${source.id}/candidates`).send({ minConfidence: 1.5 });
    expect(outOfRange.status).toBe(400);
    expect(outOfRange.body.errors).toEqual([
      expect.objectContaining({ in: 'body', pointer: '/minConfidence' }),
    ]);
    expect((await ctx.api.get('/candidates')).body).toEqual({ data: [], nextCursor: null });
  });
});

describe('POST /candidates/{candidateId}/accept', () => {
  it('files the proposal as it stands: the claim, its audit record naming the candidate, the decision', async () => {
    const s = await scene();
    const res = await ctx.api.post(`/candidates/${s.drones.id}/accept`);
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/claims/${res.body.id}`);
    expect(res.body).toMatchObject({
      text: 'Three drones were shot down over Isfahan',
      stance: 'asserts',
      modality: 'paraphrase',
      claimant: { id: s.ministry.id, name: 'Iranian Ministry of Defence', kind: 'government_body' },
      source: { id: s.source.id },
      event: null,
      reportedVia: [],
      quote: {
        exact: s.drones.quote.exact,
        start: s.drones.quote.start,
        end: s.drones.quote.end,
        verified: true,
      },
    });
    expect((await ctx.api.get(`/claims/${res.body.id}`)).body).toEqual(res.body);
    const candidate = (await ctx.api.get(`/candidates/${s.drones.id}`)).body;
    expect(candidate).toMatchObject({
      status: 'accepted',
      claimId: res.body.id,
      decidedBy: 'test admin',
      decidedAt: expect.any(String),
      reason: null,
    });
    const claimHistory = await history(`/claims/${res.body.id}/history`);
    expect(claimHistory).toMatchObject([
      {
        operation: 'create',
        keyLabel: 'test admin',
        after: {
          id: res.body.id,
          fromCandidate: { id: s.drones.id, rule: 'reporting_clause', fingerprint: candidate.fingerprint },
        },
      },
    ]);
    const candidateHistory = await history(`/candidates/${s.drones.id}/history`);
    expect(candidateHistory.map((h) => h.operation)).toEqual(['create', 'update']);
    expect(candidateHistory[1]?.after).toMatchObject({ status: 'accepted', claimId: res.body.id });
  });

  it('files corrections: an event (so its attributions go in), another stance and text', async () => {
    const s = await scene();
    const res = await ctx.api
      .post(`/candidates/${s.declined.id}/accept`)
      .send({ eventId: s.event.id, text: 'The IDF would not comment on the Isfahan strike.' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      claimant: { id: s.idf.id },
      event: { id: s.event.id },
      stance: 'declines_to_comment',
      text: 'The IDF would not comment on the Isfahan strike.',
    });
    const attributions = await ctx.api.get(`/attributions?claim=${res.body.id}`);
    expect(attributions.body.data).toMatchObject([
      {
        actor: { id: s.israel.id },
        event: { id: s.event.id },
        position: 'declines_to_comment',
        role: 'perpetrator',
        claim: { id: res.body.id },
      },
    ]);
    expect(
      (await history(`/attributions/${attributions.body.data[0].id}/history`)).map((h) => h.operation),
    ).toEqual(['create']);

    const other = await ctx.api.post(`/candidates/${s.roof.id}/accept`).send({
      stance: 'asserts',
      modality: 'paraphrase',
      claimantId: s.iran.id,
      quote: { exact: 'minor damage to the roof' },
    });
    expect(other.status).toBe(201);
    expect(other.body).toMatchObject({
      stance: 'asserts',
      modality: 'paraphrase',
      claimant: { id: s.iran.id },
      quote: { exact: 'minor damage to the roof', verified: true },
    });
  });

  it('a speaker nobody knows needs a correction: a 422 naming the fields, and nothing stored', async () => {
    const s = await scene();
    const res = await ctx.api.post(`/candidates/${s.carried.id}/accept`).send({});
    const claimantMessage =
      'The speaker "a newspaper" is not a known actor: send claimantId, or createClaimant (proposed: media_outlet "newspaper").';
    const eventMessage =
      'The candidate holds someone responsible, and attributions need an event: send eventId, or attributions: [] to file the claim alone.';
    expectProblem(res, 422, 'CANDIDATE_NEEDS_CORRECTION', `/candidates/${s.carried.id}/accept`, {
      title: 'The candidate cannot be filed without a correction',
      detail: '2 parts of the proposal need a correction: see errors.',
      errors: [
        { in: 'body', pointer: '/claimantId', message: claimantMessage },
        { in: 'body', pointer: '/eventId', message: eventMessage },
      ],
    });
    expect((await ctx.api.get('/claims')).body.data).toEqual([]);
    expect((await ctx.api.get(`/candidates/${s.carried.id}`)).body.status).toBe('pending');

    // A correction that fails later (the quote) rolls back the new claimant too.
    const bad = await ctx.api.post(`/candidates/${s.carried.id}/accept`).send({
      createClaimant: { name: 'An unnamed newspaper', kind: 'media_outlet' },
      eventId: s.event.id,
      quote: { exact: 'not in the text' },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('QUOTE_NOT_FOUND');
    expect((await ctx.api.get('/actors?q=unnamed')).body.data).toEqual([]);

    const good = await ctx.api
      .post(`/candidates/${s.carried.id}/accept`)
      .send({ createClaimant: { name: 'An unnamed newspaper', kind: 'media_outlet' }, eventId: s.event.id });
    expect(good.status).toBe(201);
    const created = (await ctx.api.get('/actors?q=unnamed')).body.data;
    expect(created).toMatchObject([{ name: 'An unnamed newspaper', kind: 'media_outlet', parent: null }]);
    expect(good.body.claimant).toEqual({
      id: created[0].id,
      name: 'An unnamed newspaper',
      kind: 'media_outlet',
    });
    expect((await ctx.api.get(`/attributions?claim=${good.body.id}`)).body.data).toMatchObject([
      { actor: { id: s.israel.id }, position: 'asserts' },
    ]);
    expect((await history(`/actors/${created[0].id}/history`)).map((h) => h.operation)).toEqual(['create']);
  });

  it('accepting twice is a 409, and so is rejecting an accepted candidate; a retry with the same key replays', async () => {
    const s = await scene();
    const first = await ctx.api
      .post(`/candidates/${s.drones.id}/accept`)
      .set('idempotency-key', 'accept-drones-1')
      .send({});
    expect(first.status).toBe(201);
    const replay = await ctx.api
      .post(`/candidates/${s.drones.id}/accept`)
      .set('idempotency-key', 'accept-drones-1')
      .send({});
    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);

    const candidate = (await ctx.api.get(`/candidates/${s.drones.id}`)).body;
    const decided = `Candidate ${s.drones.id} was already accepted (claim ${first.body.id}) by test admin at ${candidate.decidedAt}.`;
    const twice = await ctx.api.post(`/candidates/${s.drones.id}/accept`).send({});
    expectProblem(twice, 409, 'CANDIDATE_DECIDED', `/candidates/${s.drones.id}/accept`, {
      title: 'The candidate has already been accepted or rejected',
      detail: decided,
    });
    const reject = await ctx.api
      .post(`/candidates/${s.drones.id}/reject`)
      .send({ reason: 'Changed my mind.' });
    expectProblem(reject, 409, 'CANDIDATE_DECIDED', `/candidates/${s.drones.id}/reject`, {
      title: 'The candidate has already been accepted or rejected',
      detail: decided,
    });
    expect((await ctx.api.get('/claims')).body.data).toHaveLength(1);
    expect((await ctx.api.get(`/candidates/${s.drones.id}`)).body).toEqual(candidate);
  });

  it('refuses bad corrections with a 400 or 422 and unknown candidates with a 404', async () => {
    const s = await scene();
    const both = await ctx.api
      .post(`/candidates/${s.kayhan.id}/accept`)
      .send({ claimantId: s.iran.id, createClaimant: { name: 'Kayhan', kind: 'media_outlet' } });
    expect(both.status).toBe(400);
    expect(both.body.errors).toEqual([
      { in: 'body', pointer: '/createClaimant', message: 'Send claimantId or createClaimant, not both' },
    ]);
    const unknownField = await ctx.api.post(`/candidates/${s.kayhan.id}/accept`).send({ claimant: 3 });
    expect(unknownField.status).toBe(400);
    const missingActor = await ctx.api.post(`/candidates/${s.kayhan.id}/accept`).send({ claimantId: 999999 });
    expectProblem(missingActor, 422, 'REFERENCE_NOT_FOUND', `/candidates/${s.kayhan.id}/accept`, {
      title: 'A referenced record does not exist',
      detail: 'Actor 999999 does not exist.',
      errors: [{ in: 'body', pointer: '/claimantId', message: 'Actor 999999 does not exist.' }],
    });
    const missing = await ctx.api.post('/candidates/999999/accept').send({});
    expectProblem(missing, 404, 'CANDIDATE_NOT_FOUND', '/candidates/999999/accept', {
      title: 'Candidate not found',
      detail: 'Candidate 999999 does not exist.',
    });
    expect((await ctx.api.get(`/candidates/${s.kayhan.id}`)).body.status).toBe('pending');
    expect((await ctx.api.get('/claims')).body.data).toEqual([]);
  });
});

describe('POST /candidates/{candidateId}/reject', () => {
  it('marks the candidate rejected with the reason, files nothing, and refuses a second decision', async () => {
    const s = await scene();
    const res = await ctx.api
      .post(`/candidates/${s.kayhan.id}/reject`)
      .send({ reason: 'About the factory, not the attack.' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: s.kayhan.id,
      status: 'rejected',
      reason: 'About the factory, not the attack.',
      decidedBy: 'test admin',
      claimId: null,
    });
    expect((await ctx.api.get(`/candidates/${s.kayhan.id}`)).body).toEqual(res.body);
    expect((await ctx.api.get('/claims')).body.data).toEqual([]);
    expect((await ctx.api.get('/candidates?status=rejected')).body.data.map((c: Candidate) => c.id)).toEqual([
      s.kayhan.id,
    ]);
    expect((await history(`/candidates/${s.kayhan.id}/history`)).map((h) => h.operation)).toEqual([
      'create',
      'update',
    ]);

    const accept = await ctx.api.post(`/candidates/${s.kayhan.id}/accept`).send({});
    expectProblem(accept, 409, 'CANDIDATE_DECIDED', `/candidates/${s.kayhan.id}/accept`, {
      title: 'The candidate has already been accepted or rejected',
      detail: `Candidate ${s.kayhan.id} was already rejected ("About the factory, not the attack.") by test admin at ${res.body.decidedAt}.`,
    });
  });

  it('needs a reason', async () => {
    const s = await scene();
    const blank = await ctx.api.post(`/candidates/${s.kayhan.id}/reject`).send({ reason: '  ' });
    expect(blank.status).toBe(400);
    expect(blank.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ in: 'body', pointer: '/reason', message: 'Must not be blank' }],
    });
    expect((await ctx.api.get(`/candidates/${s.kayhan.id}`)).body.status).toBe('pending');
  });
});
