import { describe, expect, it } from 'vitest';
import { expectedProblem, expectProblem, useFreshApp } from './helpers/app.js';
import {
  createActor,
  createAttribution,
  createClaim,
  createClaimLink,
  createEvent,
  createSource,
  WIRE_TEXT,
} from './helpers/factories.js';

const ctx = useFreshApp();

const REPEATED = 'Local Telegram channels blamed Israel.';

/**
 * The selector a verbatim span should get, computed independently of the service:
 * code-point offsets of the n-th occurrence of `exact`, with up to 32 code points of context.
 */
function expectedQuote(text: string, exact: string, occurrence = 0) {
  let at = -1;
  for (let k = 0; k <= occurrence; k++) {
    at = text.indexOf(exact, at + 1);
    if (at === -1) throw new Error(`${exact} does not occur ${occurrence + 1} times`);
  }
  const points = [...text];
  const start = [...text.slice(0, at)].length;
  const end = start + [...exact].length;
  return {
    exact,
    prefix: points.slice(Math.max(0, start - 32), start).join(''),
    suffix: points.slice(end, end + 32).join(''),
    start,
    end,
    verified: true,
  };
}

const idsOf = (body: { data: { id: number }[] }) => body.data.map((c) => c.id);

async function expectNoClaims() {
  const list = await ctx.api.get('/claims');
  expect(list.status).toBe(200);
  expect(list.body).toEqual({ data: [], nextCursor: null });
}

describe('POST /claims', () => {
  it('creates a claim with its claimant, source, event, chain and quote embedded, and stores it', async () => {
    // The newspaper is created first, so that the chain order sent differs from id order.
    const newspaper = await createActor(ctx.api, { name: 'Tehran Times', kind: 'media_outlet' });
    const agency = await createActor(ctx.api, { name: 'IRNA', kind: 'media_outlet' });
    const ministry = await createActor(ctx.api, {
      name: 'Iranian Ministry of Defence',
      kind: 'government_body',
    });
    const source = await createSource(ctx.api, {
      title: 'Drones hit Isfahan workshop',
      url: 'https://example.com/isfahan',
      publishedAt: '2023-01-29T09:00:00+03:30',
    });
    const event = await createEvent(ctx.api, { title: 'Drone attack in Isfahan' });

    const res = await ctx.api.post('/claims').send({
      sourceId: source.id,
      claimantId: ministry.id,
      eventId: event.id,
      text: 'A workshop was targeted by micro drones.',
      stance: 'asserts',
      modality: 'paraphrase',
      quote: { exact: 'targeted by micro drones' },
      reportedViaIds: [agency.id, newspaper.id],
      statedAt: '2023-01-29T10:00:00+03:30',
      statedAtPrecision: 'hour',
    });

    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/claims/${res.body.id}`);
    const expected = {
      id: res.body.id,
      text: 'A workshop was targeted by micro drones.',
      stance: 'asserts',
      modality: 'paraphrase',
      statedAt: '2023-01-29T06:30:00.000Z',
      statedAtPrecision: 'hour',
      claimant: { id: ministry.id, name: 'Iranian Ministry of Defence', kind: 'government_body' },
      source: {
        id: source.id,
        title: 'Drones hit Isfahan workshop',
        url: 'https://example.com/isfahan',
        publishedAt: '2023-01-29T05:30:00.000Z',
      },
      event: { id: event.id, title: 'Drone attack in Isfahan' },
      reportedVia: [
        { id: agency.id, name: 'IRNA', kind: 'media_outlet' },
        { id: newspaper.id, name: 'Tehran Times', kind: 'media_outlet' },
      ],
      quote: expectedQuote(WIRE_TEXT, 'targeted by micro drones'),
      credibility: null,
      retraction: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    };
    expect(res.body).toEqual(expected);
    expect(res.body.quote.prefix).toBe(' on Sunday that a workshop was\r\n');

    const stored = await ctx.api.get(`/claims/${res.body.id}`);
    expect(stored.status).toBe(200);
    expect(stored.body).toEqual(expected);
    expect(stored.body).toEqual(res.body);
  });

  it('stores a claim in the source’s own voice: no claimant, no event, an empty chain', async () => {
    const source = await createSource(ctx.api, { title: 'Wire story' });
    const res = await ctx.api.post('/claims').send({
      sourceId: source.id,
      text: 'Operations were not disrupted.',
      stance: 'downplays',
      modality: 'paraphrase',
      quote: { exact: 'operations were not disrupted' },
    });
    expect(res.status).toBe(201);
    const stored = await ctx.api.get(`/claims/${res.body.id}`);
    expect(stored.body).toEqual({
      id: res.body.id,
      text: 'Operations were not disrupted.',
      stance: 'downplays',
      modality: 'paraphrase',
      statedAt: null,
      statedAtPrecision: null,
      claimant: null,
      source: { id: source.id, title: 'Wire story', url: null, publishedAt: null },
      event: null,
      reportedVia: [],
      quote: expectedQuote(WIRE_TEXT, 'operations were not disrupted'),
      credibility: null,
      retraction: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
  });
});

describe('quote anchoring through the API', () => {
  it('anchors a quote pasted with straight quotes and plain spaces to the curly, non-breaking original', async () => {
    const text =
      'Officials in Tehran spoke on Monday. \u201cIt\u2019s a\u00a0cowardly attack,\u201d the spokesman said, promising a response.';
    const source = await createSource(ctx.api, { text });
    const claim = await createClaim(ctx.api, {
      sourceId: source.id,
      modality: 'direct_quote',
      quote: { exact: '"It\'s a cowardly attack,"' },
    });
    const verbatim = '\u201cIt\u2019s a\u00a0cowardly attack,\u201d';
    expect(claim.quote).toEqual(expectedQuote(text, verbatim));
    expect((await ctx.api.get(`/claims/${claim.id}`)).body.quote.exact).toBe(verbatim);
  });

  it('anchors a quote pasted on one line across a CRLF line break', async () => {
    const source = await createSource(ctx.api);
    const claim = await createClaim(ctx.api, {
      sourceId: source.id,
      quote: { exact: 'a workshop was targeted by micro drones' },
    });
    expect(claim.quote).toEqual(expectedQuote(WIRE_TEXT, 'a workshop was\r\ntargeted by micro drones'));
    expect((await ctx.api.get(`/claims/${claim.id}`)).body.quote.exact).toBe(
      'a workshop was\r\ntargeted by micro drones',
    );
  });

  it('anchors a hyphen to an en dash and straight quotes to curly ones', async () => {
    const source = await createSource(ctx.api);
    const dash = await createClaim(ctx.api, {
      sourceId: source.id,
      quote: { exact: 'the ministry said - adding that operations' },
    });
    expect(dash.quote).toEqual(expectedQuote(WIRE_TEXT, 'the ministry said \u2013 adding that operations'));

    const curly = await createClaim(ctx.api, {
      sourceId: source.id,
      modality: 'direct_quote',
      quote: { exact: '"There was minor damage to the roof,"' },
    });
    expect(curly.quote).toEqual(expectedQuote(WIRE_TEXT, '\u201cThere was minor damage to the roof,\u201d'));
  });

  it('counts start and end in code points when an emoji precedes the quote, with bounded verbatim context', async () => {
    const text =
      '\u{1F680}\u{1F525} BREAKING \u{1F6A8}\u{1F6A8} from the wire desk: the ministry denied any damage to the plant \u{1F4A5} and more to follow later tonight.';
    const exact = 'the ministry denied any damage';
    const source = await createSource(ctx.api, { text });
    const claim = await createClaim(ctx.api, { sourceId: source.id, stance: 'denies', quote: { exact } });

    const { quote } = claim;
    expect(quote).toEqual(expectedQuote(text, exact));
    expect([...text].slice(quote.start, quote.end).join('')).toBe(quote.exact);
    expect(quote.exact).toBe(exact);
    // Four astral characters stand before the quote: UTF-16 offsets would be four larger.
    expect(quote.start).toBe(text.indexOf(exact) - 4);
    expect(quote.end - quote.start).toBe([...exact].length);
    expect([...quote.prefix].length).toBeLessThanOrEqual(32);
    expect([...quote.suffix].length).toBeLessThanOrEqual(32);
    expect([...quote.prefix]).toHaveLength(Math.min(32, quote.start));
    expect(text.slice(0, text.indexOf(exact)).endsWith(quote.prefix)).toBe(true);
    expect(text.slice(text.indexOf(exact) + exact.length).startsWith(quote.suffix)).toBe(true);
    expect(quote.prefix).toBe('BREAKING \u{1F6A8}\u{1F6A8} from the wire desk: ');
    expect(quote.suffix).toContain('\u{1F4A5}');
    expect(quote.verified).toBe(true);
  });

  it('refuses a repeated passage as ambiguous, stores nothing, and lists the candidates', async () => {
    const source = await createSource(ctx.api);
    const res = await ctx.api.post('/claims').send({
      sourceId: source.id,
      text: 'Local channels blamed Israel.',
      stance: 'asserts',
      modality: 'paraphrase',
      quote: { exact: REPEATED },
    });
    const first = expectedQuote(WIRE_TEXT, REPEATED, 0);
    const second = expectedQuote(WIRE_TEXT, REPEATED, 1);

    expectProblem(res, 422, 'QUOTE_AMBIGUOUS', '/claims', {
      title: 'The quote occurs more than once in the source text',
      detail: `The quote occurs 2 times in source ${source.id}; send quote.start (one of candidates), quote.prefix or quote.suffix to choose.`,
      matches: 2,
      candidates: [first.start, second.start],
      errors: [{ in: 'body', pointer: '/quote/exact', message: expect.any(String) }],
    });
    await expectNoClaims();

    // Choosing by a candidate start.
    const byStart = await createClaim(ctx.api, {
      sourceId: source.id,
      quote: { exact: REPEATED, start: res.body.candidates[1] },
    });
    expect(byStart.quote).toEqual(second);
  });

  it('gives ambiguous candidates as code-point starts when emoji stand before them', async () => {
    const text = '\u{1F680} Drones hit the plant. \u{1F525}\u{1F525} Drones hit the plant.';
    const source = await createSource(ctx.api, { text });
    const res = await ctx.api.post('/claims').send({
      sourceId: source.id,
      text: 'Drones hit the plant.',
      stance: 'asserts',
      modality: 'paraphrase',
      quote: { exact: 'drones hit the plant' },
    });
    // Case differs: nothing is folded but quote marks, spaces and dashes.
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('QUOTE_NOT_FOUND');

    const ambiguous = await ctx.api.post('/claims').send({
      sourceId: source.id,
      text: 'Drones hit the plant.',
      stance: 'asserts',
      modality: 'paraphrase',
      quote: { exact: 'Drones hit the plant' },
    });
    expect(ambiguous.status).toBe(422);
    const first = expectedQuote(text, 'Drones hit the plant', 0);
    const second = expectedQuote(text, 'Drones hit the plant', 1);
    expect(ambiguous.body).toMatchObject({
      code: 'QUOTE_AMBIGUOUS',
      matches: 2,
      candidates: [first.start, second.start],
    });
    // UTF-16 offsets would be larger: one emoji before the first, three before the second.
    expect([first.start, second.start]).toEqual([text.indexOf('Drones') - 1, text.lastIndexOf('Drones') - 3]);

    const chosen = await createClaim(ctx.api, {
      sourceId: source.id,
      quote: { exact: 'Drones hit the plant', start: ambiguous.body.candidates[1] },
    });
    expect(chosen.quote).toEqual(second);
    expect([...text].slice(chosen.quote.start, chosen.quote.end).join('')).toBe('Drones hit the plant');
    await expect(ctx.api.get('/claims').then((r) => idsOf(r.body))).resolves.toEqual([chosen.id]);
  });

  it('resolves a repeated passage by its prefix', async () => {
    const source = await createSource(ctx.api);
    const firstByPrefix = await createClaim(ctx.api, {
      sourceId: source.id,
      quote: { exact: REPEATED, prefix: 'operations were not disrupted.' },
    });
    expect(firstByPrefix.quote).toEqual(expectedQuote(WIRE_TEXT, REPEATED, 0));

    const secondByPrefix = await createClaim(ctx.api, {
      sourceId: source.id,
      quote: { exact: REPEATED, prefix: 'channels blamed Israel.' },
    });
    expect(secondByPrefix.quote).toEqual(expectedQuote(WIRE_TEXT, REPEATED, 1));
    expect(idsOf((await ctx.api.get('/claims')).body)).toEqual([firstByPrefix.id, secondByPrefix.id]);
  });

  it('answers 422 QUOTE_NOT_FOUND for a quote that is not in the text, and stores nothing', async () => {
    const source = await createSource(ctx.api);
    const res = await ctx.api.post('/claims').send({
      sourceId: source.id,
      text: 'Israel denied involvement.',
      stance: 'denies',
      modality: 'paraphrase',
      quote: { exact: 'Israel denied any involvement' },
    });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const detail = `The quote does not occur in source ${source.id}, even allowing for quote marks, spaces, line breaks and dashes.`;
    expectProblem(res, 422, 'QUOTE_NOT_FOUND', '/claims', {
      title: 'The quote is not in the source text',
      detail,
      errors: [{ in: 'body', pointer: '/quote/exact', message: expect.any(String) }],
    });
    await expectNoClaims();
  });

  it('answers 422 QUOTE_CONTEXT_MISMATCH when the prefix matches no occurrence, and stores nothing', async () => {
    const source = await createSource(ctx.api);
    const res = await ctx.api.post('/claims').send({
      sourceId: source.id,
      text: 'Local channels blamed Israel.',
      stance: 'asserts',
      modality: 'paraphrase',
      quote: { exact: REPEATED, prefix: 'Tass reported that' },
    });
    expectProblem(res, 422, 'QUOTE_CONTEXT_MISMATCH', '/claims', {
      title: 'The quote context does not match the source text',
      detail: `The quote occurs 2 time(s) in source ${source.id}, but never with the given prefix.`,
      matches: 2,
      errors: [{ in: 'body', pointer: '/quote/prefix', message: expect.any(String) }],
    });
    await expectNoClaims();
  });
});

describe('POST /claims references', () => {
  const referenceProblem = (pointer: string, detail: string) => ({
    ...expectedProblem(422, 'REFERENCE_NOT_FOUND', '/claims'),
    title: 'A referenced record does not exist',
    detail,
    requestId: expect.any(String),
    errors: [{ in: 'body', pointer, message: detail }],
  });

  it('answers 422 pointing at /sourceId for a missing source', async () => {
    const res = await ctx.api.post('/claims').send({
      sourceId: 424242,
      text: 'x',
      stance: 'asserts',
      modality: 'paraphrase',
      quote: { exact: 'targeted by micro drones' },
    });
    expect(res.status).toBe(422);
    expect(res.body).toEqual(referenceProblem('/sourceId', 'Source 424242 does not exist.'));
    await expectNoClaims();
  });

  it('answers 422 pointing at /claimantId, /eventId and /reportedViaIds/1 for missing records', async () => {
    const source = await createSource(ctx.api);
    const agency = await createActor(ctx.api, { name: 'IRNA', kind: 'media_outlet' });
    const base = {
      sourceId: source.id,
      text: 'A workshop was targeted by micro drones.',
      stance: 'asserts',
      modality: 'paraphrase',
      quote: { exact: 'targeted by micro drones' },
    };

    const claimant = await ctx.api.post('/claims').send({ ...base, claimantId: 424242 });
    expect(claimant.status).toBe(422);
    expect(claimant.body).toEqual(referenceProblem('/claimantId', 'Actor 424242 does not exist.'));

    const event = await ctx.api.post('/claims').send({ ...base, eventId: 424242 });
    expect(event.status).toBe(422);
    expect(event.body).toEqual(referenceProblem('/eventId', 'Event 424242 does not exist.'));

    const chain = await ctx.api.post('/claims').send({ ...base, reportedViaIds: [agency.id, 424242] });
    expect(chain.status).toBe(422);
    expect(chain.body).toEqual(referenceProblem('/reportedViaIds/1', 'Actor 424242 does not exist.'));

    await expectNoClaims();
  });
});

describe('POST /claims validation', () => {
  const valid = (sourceId: number) => ({
    sourceId,
    text: 'A workshop was targeted by micro drones.',
    stance: 'asserts',
    modality: 'paraphrase',
    quote: { exact: 'targeted by micro drones' },
  });

  it('rejects unknown fields, at the top level and inside the quote, with their pointers', async () => {
    const source = await createSource(ctx.api);
    const body = valid(source.id);
    const res = await ctx.api
      .post('/claims')
      .send({ ...body, id: 7, verified: true, quote: { ...body.quote, end: 30 } });
    expectProblem(res, 400, 'VALIDATION_FAILED', '/claims', {
      title: 'The request is not valid',
      detail: expect.any(String),
      errors: expect.arrayContaining([
        { in: 'body', pointer: '/id', message: 'Unknown field' },
        { in: 'body', pointer: '/verified', message: 'Unknown field' },
        { in: 'body', pointer: '/quote/end', message: 'Unknown field' },
      ]),
    });
    expect(res.body.errors).toHaveLength(3);
    await expectNoClaims();
  });

  it('rejects a bad stance, blank text and a missing quote', async () => {
    const source = await createSource(ctx.api);
    const validation = (pointer: string) => ({
      ...expectedProblem(400, 'VALIDATION_FAILED', '/claims'),
      title: 'The request is not valid',
      detail: expect.any(String),
      requestId: expect.any(String),
      errors: [{ in: 'body', pointer, message: expect.any(String) }],
    });

    const stance = await ctx.api.post('/claims').send({ ...valid(source.id), stance: 'blames' });
    expect(stance.status).toBe(400);
    expect(stance.body).toEqual(validation('/stance'));

    const blank = await ctx.api.post('/claims').send({ ...valid(source.id), text: '   ' });
    expect(blank.status).toBe(400);
    expect(blank.body).toEqual(validation('/text'));
    expect(blank.body.errors[0].message).toBe('Must not be blank');

    const { quote: _quote, ...noQuote } = valid(source.id);
    const missing = await ctx.api.post('/claims').send(noQuote);
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual(validation('/quote'));

    await expectNoClaims();
  });
});

describe('GET /claims filters', () => {
  it('filters by actor, and with includeSubordinates by every actor below it at any depth', async () => {
    const iran = await createActor(ctx.api, { name: 'Iran', kind: 'state' });
    const ministry = await createActor(ctx.api, { name: 'Ministry of Defence', parentId: iran.id });
    const official = await createActor(ctx.api, { name: 'Spokesman', kind: 'person', parentId: ministry.id });
    const israel = await createActor(ctx.api, { name: 'Israel', kind: 'state' });
    const source = await createSource(ctx.api);

    const byIran = await createClaim(ctx.api, { sourceId: source.id, claimantId: iran.id });
    const byMinistry = await createClaim(ctx.api, { sourceId: source.id, claimantId: ministry.id });
    const byIsrael = await createClaim(ctx.api, { sourceId: source.id, claimantId: israel.id });
    const byOfficial = await createClaim(ctx.api, { sourceId: source.id, claimantId: official.id });
    await createClaim(ctx.api, { sourceId: source.id });

    const own = await ctx.api.get('/claims').query({ actor: iran.id });
    expect(own.status).toBe(200);
    expect(idsOf(own.body)).toEqual([byIran.id]);

    const all = await ctx.api.get('/claims').query({ actor: iran.id, includeSubordinates: true });
    expect(idsOf(all.body)).toEqual([byIran.id, byMinistry.id, byOfficial.id]);

    const middle = await ctx.api.get('/claims').query({ actor: ministry.id, includeSubordinates: 'true' });
    expect(idsOf(middle.body)).toEqual([byMinistry.id, byOfficial.id]);

    const explicitFalse = await ctx.api
      .get('/claims')
      .query({ actor: ministry.id, includeSubordinates: 'false' });
    expect(idsOf(explicitFalse.body)).toEqual([byMinistry.id]);

    const sibling = await ctx.api.get('/claims').query({ actor: israel.id, includeSubordinates: true });
    expect(idsOf(sibling.body)).toEqual([byIsrael.id]);
  });

  it('filters by event, source and stance, and combines filters with AND', async () => {
    const wire = await createSource(ctx.api, { title: 'Wire' });
    const other = await createSource(ctx.api, {
      title: 'Other',
      text: 'Israel denied any role. Officials said micro drones hit the site.',
    });
    const attack = await createEvent(ctx.api, { title: 'Drone attack in Isfahan' });
    const strike = await createEvent(ctx.api, { title: 'Strike in Tabriz' });

    const a = await createClaim(ctx.api, { sourceId: wire.id, eventId: attack.id });
    const b = await createClaim(ctx.api, {
      sourceId: other.id,
      eventId: attack.id,
      stance: 'denies',
      quote: { exact: 'Israel denied any role' },
    });
    const c = await createClaim(ctx.api, {
      sourceId: other.id,
      eventId: strike.id,
      quote: { exact: 'micro drones hit' },
    });
    const d = await createClaim(ctx.api, {
      sourceId: wire.id,
      stance: 'denies',
      quote: { exact: 'not disrupted' },
    });

    expect(idsOf((await ctx.api.get('/claims').query({ event: attack.id })).body)).toEqual([a.id, b.id]);
    expect(idsOf((await ctx.api.get('/claims').query({ event: strike.id })).body)).toEqual([c.id]);
    expect(idsOf((await ctx.api.get('/claims').query({ source: other.id })).body)).toEqual([b.id, c.id]);
    expect(idsOf((await ctx.api.get('/claims').query({ source: wire.id })).body)).toEqual([a.id, d.id]);
    expect(idsOf((await ctx.api.get('/claims').query({ stance: 'denies' })).body)).toEqual([b.id, d.id]);
    expect(idsOf((await ctx.api.get('/claims').query({ stance: 'denies', source: wire.id })).body)).toEqual([
      d.id,
    ]);
    expect(
      idsOf(
        (await ctx.api.get('/claims').query({ stance: 'asserts', event: attack.id, source: wire.id })).body,
      ),
    ).toEqual([a.id]);
    expect(idsOf((await ctx.api.get('/claims').query({ stance: 'speculates' })).body)).toEqual([]);

    const bad = await ctx.api.get('/claims').query({ stance: 'blames' });
    expectProblem(bad, 400, 'VALIDATION_FAILED', '/claims', {
      title: 'The request is not valid',
      detail: expect.any(String),
      errors: [{ in: 'query', pointer: '/stance', message: expect.any(String) }],
    });
  });

  it('filters statedAt with statedAfter inclusive and statedBefore exclusive, leaving out undated claims', async () => {
    const source = await createSource(ctx.api);
    const ministry = await createActor(ctx.api);
    const early = await createClaim(ctx.api, { sourceId: source.id, statedAt: '2023-01-28T20:00:00Z' });
    const atNoon = await createClaim(ctx.api, {
      sourceId: source.id,
      claimantId: ministry.id,
      statedAt: '2023-01-29T15:30:00+03:30', // 12:00 UTC
    });
    const late = await createClaim(ctx.api, { sourceId: source.id, statedAt: '2023-01-30T08:00:00Z' });
    await createClaim(ctx.api, { sourceId: source.id });

    const after = await ctx.api.get('/claims').query({ statedAfter: '2023-01-29T12:00:00Z' });
    expect(after.status).toBe(200);
    expect(idsOf(after.body)).toEqual([atNoon.id, late.id]);

    const before = await ctx.api.get('/claims').query({ statedBefore: '2023-01-29T12:00:00Z' });
    expect(idsOf(before.body)).toEqual([early.id]);

    const beforeWithOffset = await ctx.api
      .get('/claims')
      .query({ statedBefore: '2023-01-29T15:30:01+03:30' });
    expect(idsOf(beforeWithOffset.body)).toEqual([early.id, atNoon.id]);

    const window = await ctx.api
      .get('/claims')
      .query({ statedAfter: '2023-01-29T00:00:00Z', statedBefore: '2023-01-30T00:00:00Z' });
    expect(idsOf(window.body)).toEqual([atNoon.id]);

    const combined = await ctx.api
      .get('/claims')
      .query({ statedAfter: '2023-01-28T00:00:00Z', actor: ministry.id });
    expect(idsOf(combined.body)).toEqual([atNoon.id]);

    const bad = await ctx.api.get('/claims').query({ statedAfter: 'yesterday' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ in: 'query', pointer: '/statedAfter', message: expect.any(String) }]);
  });

  it('pages with a cursor and a Link header that keeps the filters', async () => {
    const source = await createSource(ctx.api);
    const asserted: number[] = [];
    for (let i = 0; i < 3; i++) {
      asserted.push((await createClaim(ctx.api, { sourceId: source.id })).id);
      await createClaim(ctx.api, { sourceId: source.id, stance: 'denies' });
    }

    const first = await ctx.api.get('/claims?stance=asserts&limit=2');
    expect(first.status).toBe(200);
    expect(idsOf(first.body)).toEqual(asserted.slice(0, 2));
    expect(first.body.nextCursor).toEqual(expect.any(String));
    expect(first.headers.link).toBe(
      `</claims?stance=asserts&limit=2&cursor=${first.body.nextCursor}>; rel="next"`,
    );

    const next = String(first.headers.link).match(/^<([^>]+)>/)?.[1] as string;
    const second = await ctx.api.get(next);
    expect(second.status).toBe(200);
    expect(idsOf(second.body)).toEqual([asserted[2]]);
    expect(second.body.nextCursor).toBeNull();
    expect(second.headers.link).toBeUndefined();

    const unfiltered = await ctx.api.get('/claims?limit=4');
    expect(unfiltered.body.data).toHaveLength(4);
    expect(unfiltered.headers.link).toBe(
      `</claims?limit=4&cursor=${unfiltered.body.nextCursor}>; rel="next"`,
    );

    const damaged = await ctx.api.get('/claims?cursor=not-a-cursor');
    expectProblem(damaged, 400, 'INVALID_CURSOR', '/claims', {
      title: 'The cursor is not valid',
      detail: expect.any(String),
      errors: [{ in: 'query', pointer: '/cursor', message: expect.any(String) }],
    });
  });
});

describe('GET /actors/{actorId}/claims', () => {
  it('gives the same list as ?actor=, with subordinates on request and pages that keep it', async () => {
    const iran = await createActor(ctx.api, { name: 'Iran', kind: 'state' });
    const ministry = await createActor(ctx.api, { name: 'Ministry of Defence', parentId: iran.id });
    const official = await createActor(ctx.api, { name: 'Spokesman', kind: 'person', parentId: ministry.id });
    const source = await createSource(ctx.api);
    const byIran = await createClaim(ctx.api, { sourceId: source.id, claimantId: iran.id });
    const byOfficial = await createClaim(ctx.api, { sourceId: source.id, claimantId: official.id });
    await createClaim(ctx.api, { sourceId: source.id });

    const nested = await ctx.api.get(`/actors/${iran.id}/claims`);
    expect(nested.status).toBe(200);
    expect(nested.body).toEqual((await ctx.api.get('/claims').query({ actor: iran.id })).body);
    expect(idsOf(nested.body)).toEqual([byIran.id]);

    const withSubs = await ctx.api.get(`/actors/${iran.id}/claims?includeSubordinates=true`);
    expect(withSubs.body).toEqual(
      (await ctx.api.get('/claims').query({ actor: iran.id, includeSubordinates: true })).body,
    );
    expect(idsOf(withSubs.body)).toEqual([byIran.id, byOfficial.id]);

    const paged = await ctx.api.get(`/actors/${iran.id}/claims?includeSubordinates=true&limit=1`);
    expect(idsOf(paged.body)).toEqual([byIran.id]);
    expect(paged.headers.link).toBe(
      `</actors/${iran.id}/claims?includeSubordinates=true&limit=1&cursor=${paged.body.nextCursor}>; rel="next"`,
    );
    const rest = await ctx.api.get(
      `/actors/${iran.id}/claims?includeSubordinates=true&limit=1&cursor=${paged.body.nextCursor}`,
    );
    expect(rest.body).toEqual({ data: [expect.objectContaining({ id: byOfficial.id })], nextCursor: null });
  });

  it('answers 404 ACTOR_NOT_FOUND for a missing actor', async () => {
    const res = await ctx.api.get('/actors/424242/claims');
    expectProblem(res, 404, 'ACTOR_NOT_FOUND', '/actors/424242/claims', {
      title: 'Actor not found',
      detail: 'Actor 424242 does not exist.',
    });
  });
});

describe('PATCH /claims/{claimId}', () => {
  it('stores a new text and stance, leaving the rest as it was', async () => {
    const source = await createSource(ctx.api);
    const claim = await createClaim(ctx.api, { sourceId: source.id });
    const res = await ctx.api
      .patch(`/claims/${claim.id}`)
      .send({ text: 'Drones targeted a workshop, the ministry said.', stance: 'speculates' });
    expect(res.status).toBe(200);
    const stored = await ctx.api.get(`/claims/${claim.id}`);
    expect(stored.body).toEqual({
      ...claim,
      text: 'Drones targeted a workshop, the ministry said.',
      stance: 'speculates',
      updatedAt: expect.any(String),
    });
    expect(res.body).toEqual(stored.body);
  });

  it('anchors a new quote again', async () => {
    const source = await createSource(ctx.api);
    const claim = await createClaim(ctx.api, { sourceId: source.id });
    const res = await ctx.api
      .patch(`/claims/${claim.id}`)
      .send({ quote: { exact: '"There was minor damage to the roof,"' }, modality: 'direct_quote' });
    expect(res.status).toBe(200);
    const expected = expectedQuote(WIRE_TEXT, '\u201cThere was minor damage to the roof,\u201d');
    expect(expected.start).not.toBe(claim.quote.start);
    const stored = await ctx.api.get(`/claims/${claim.id}`);
    expect(stored.body.quote).toEqual(expected);
    expect(stored.body.modality).toBe('direct_quote');
  });

  it('anchors the stored quote again when the claim moves to another source with the same words', async () => {
    const wire = await createSource(ctx.api, { title: 'Wire' });
    const rewriteText =
      'Isfahan (Daily) \u2014 Officials said a site was targeted by micro drones overnight.';
    const rewrite = await createSource(ctx.api, { title: 'Daily rewrite', text: rewriteText });
    const claim = await createClaim(ctx.api, { sourceId: wire.id });

    const res = await ctx.api.patch(`/claims/${claim.id}`).send({ sourceId: rewrite.id });
    expect(res.status).toBe(200);
    const stored = await ctx.api.get(`/claims/${claim.id}`);
    expect(stored.body.source).toEqual({
      id: rewrite.id,
      title: 'Daily rewrite',
      url: null,
      publishedAt: null,
    });
    expect(stored.body.quote).toEqual(expectedQuote(rewriteText, 'targeted by micro drones'));
    expect(stored.body.quote.start).not.toBe(claim.quote.start);
    expect(idsOf((await ctx.api.get('/claims').query({ source: rewrite.id })).body)).toEqual([claim.id]);
    expect(idsOf((await ctx.api.get('/claims').query({ source: wire.id })).body)).toEqual([]);
  });

  it('refuses a move to a source without the quote and leaves the claim unchanged', async () => {
    const wire = await createSource(ctx.api);
    const unrelated = await createSource(ctx.api, {
      title: 'Unrelated',
      text: 'Markets were calm on Monday.',
    });
    const claim = await createClaim(ctx.api, { sourceId: wire.id });
    const before = (await ctx.api.get(`/claims/${claim.id}`)).body;

    const res = await ctx.api.patch(`/claims/${claim.id}`).send({ sourceId: unrelated.id, text: 'Changed' });
    expect(res.status).toBe(422);
    const detail = `The quote does not occur in source ${unrelated.id}, even allowing for quote marks, spaces, line breaks and dashes.`;
    expectProblem(res, 422, 'QUOTE_NOT_FOUND', `/claims/${claim.id}`, {
      title: 'The quote is not in the source text',
      detail,
      errors: [{ in: 'body', pointer: '/quote/exact', message: expect.any(String) }],
    });
    expect((await ctx.api.get(`/claims/${claim.id}`)).body).toEqual(before);

    const newQuote = await ctx.api
      .patch(`/claims/${claim.id}`)
      .send({ quote: { exact: 'not in the wire at all' } });
    expect(newQuote.status).toBe(422);
    expect(newQuote.body.code).toBe('QUOTE_NOT_FOUND');
    expect((await ctx.api.get(`/claims/${claim.id}`)).body).toEqual(before);
  });

  it('replaces the chain in the new order and turns the claim into the source’s own voice with claimantId null', async () => {
    const ministry = await createActor(ctx.api, { name: 'Ministry' });
    const agency = await createActor(ctx.api, { name: 'IRNA', kind: 'media_outlet' });
    const newspaper = await createActor(ctx.api, { name: 'Tehran Times', kind: 'media_outlet' });
    const channel = await createActor(ctx.api, { name: 'Telegram channel', kind: 'social_channel' });
    const source = await createSource(ctx.api);
    const claim = await createClaim(ctx.api, {
      sourceId: source.id,
      claimantId: ministry.id,
      reportedViaIds: [agency.id, newspaper.id],
    });
    expect(claim.reportedVia.map((a: { id: number }) => a.id)).toEqual([agency.id, newspaper.id]);

    const res = await ctx.api
      .patch(`/claims/${claim.id}`)
      .send({ reportedViaIds: [channel.id, newspaper.id], claimantId: null });
    expect(res.status).toBe(200);
    const stored = await ctx.api.get(`/claims/${claim.id}`);
    expect(stored.body.reportedVia).toEqual([
      { id: channel.id, name: 'Telegram channel', kind: 'social_channel' },
      { id: newspaper.id, name: 'Tehran Times', kind: 'media_outlet' },
    ]);
    expect(stored.body.claimant).toBeNull();
    expect(idsOf((await ctx.api.get('/claims').query({ actor: ministry.id })).body)).toEqual([]);

    const emptied = await ctx.api.patch(`/claims/${claim.id}`).send({ reportedViaIds: [] });
    expect(emptied.status).toBe(200);
    expect((await ctx.api.get(`/claims/${claim.id}`)).body.reportedVia).toEqual([]);
  });

  it('answers 422 for a missing reference, 400 for unknown fields and 404 for a missing claim', async () => {
    const source = await createSource(ctx.api);
    const claim = await createClaim(ctx.api, { sourceId: source.id });

    const ref = await ctx.api.patch(`/claims/${claim.id}`).send({ claimantId: 424242 });
    expectProblem(ref, 422, 'REFERENCE_NOT_FOUND', `/claims/${claim.id}`, {
      title: 'A referenced record does not exist',
      detail: 'Actor 424242 does not exist.',
      errors: [{ in: 'body', pointer: '/claimantId', message: 'Actor 424242 does not exist.' }],
    });
    const movedToMissing = await ctx.api.patch(`/claims/${claim.id}`).send({ sourceId: 424242 });
    expect(movedToMissing.status).toBe(422);
    expect(movedToMissing.body.errors).toEqual([
      { in: 'body', pointer: '/sourceId', message: 'Source 424242 does not exist.' },
    ]);

    const unknown = await ctx.api.patch(`/claims/${claim.id}`).send({ quote: { exact: 'drones', end: 3 } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([{ in: 'body', pointer: '/quote/end', message: 'Unknown field' }]);
    expect((await ctx.api.get(`/claims/${claim.id}`)).body).toEqual(claim);

    const missing = await ctx.api.patch('/claims/424242').send({ text: 'x' });
    expectProblem(missing, 404, 'CLAIM_NOT_FOUND', '/claims/424242', {
      title: 'Claim not found',
      detail: 'Claim 424242 does not exist.',
    });
  });
});

describe('DELETE /claims/{claimId}', () => {
  it('deletes a claim together with its links', async () => {
    const source = await createSource(ctx.api);
    const claim = await createClaim(ctx.api, { sourceId: source.id });
    const other = await createClaim(ctx.api, { sourceId: source.id, quote: { exact: 'not disrupted' } });
    await createClaimLink(ctx.api, { fromClaimId: claim.id, toClaimId: other.id });
    await createClaimLink(ctx.api, { fromClaimId: other.id, toClaimId: claim.id, relation: 'responds_to' });
    expect((await ctx.api.get('/claim-links').query({ claim: claim.id })).body.data).toHaveLength(2);

    const res = await ctx.api.delete(`/claims/${claim.id}`);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect((await ctx.api.get(`/claims/${claim.id}`)).status).toBe(404);
    expect(idsOf((await ctx.api.get('/claims')).body)).toEqual([other.id]);
    expect((await ctx.api.get('/claim-links').query({ claim: claim.id })).body).toEqual({
      data: [],
      nextCursor: null,
    });
    expect((await ctx.api.get('/claim-links').query({ claim: other.id })).body.data).toEqual([]);
  });

  it('refuses with 409 while an attribution rests on the claim, and keeps it', async () => {
    const source = await createSource(ctx.api);
    const israel = await createActor(ctx.api, { name: 'Israel', kind: 'state' });
    const event = await createEvent(ctx.api);
    const claim = await createClaim(ctx.api, { sourceId: source.id, quote: { exact: REPEATED, start: 0 } });
    const attribution = await createAttribution(ctx.api, {
      eventId: event.id,
      actorId: israel.id,
      claimId: claim.id,
    });

    const res = await ctx.api.delete(`/claims/${claim.id}`);
    expectProblem(res, 409, 'RESOURCE_IN_USE', `/claims/${claim.id}`, {
      title: 'The resource is still referenced',
      detail: `Claim ${claim.id} carries 1 attribution(s); delete them first.`,
    });
    expect((await ctx.api.get(`/claims/${claim.id}`)).body).toEqual(claim);

    expect((await ctx.api.delete(`/attributions/${attribution.id}`)).status).toBe(204);
    expect((await ctx.api.delete(`/claims/${claim.id}`)).status).toBe(204);
  });

  it('answers 404 for a missing claim', async () => {
    const res = await ctx.api.delete('/claims/424242');
    expectProblem(res, 404, 'CLAIM_NOT_FOUND', '/claims/424242', {
      title: 'Claim not found',
      detail: 'Claim 424242 does not exist.',
    });
    const get = await ctx.api.get('/claims/424242');
    expect(get.status).toBe(404);
    expect(get.body.code).toBe('CLAIM_NOT_FOUND');
  });
});
