import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { EXAMPLE_IMPORT } from '../src/modules/transfer/transfer.schemas.js';
import { buildTestApp, expectProblem, type TestContext } from './helpers/app.js';
import { WIRE_TEXT } from './helpers/factories.js';
import { NDJSON, ndjson, postImport, tableCounts } from './helpers/transfer.js';

let ctx: TestContext;
afterEach(async () => {
  await ctx.close();
});

const REFUSED = {
  title: 'Lines of the import were refused; nothing was stored',
};

/** A small case: a state, its ministry, a wire story, an event, a claim with its chain, an attribution. */
const CASE: Record<string, unknown>[] = [
  { type: 'actor', ref: 'iran', name: 'Iran', kind: 'state', aliases: ['Islamic Republic of Iran'] },
  {
    type: 'actor',
    ref: 'mod',
    name: 'Iranian Ministry of Defence',
    kind: 'government_body',
    parentRef: 'iran',
  },
  { type: 'actor', ref: 'wire', name: 'Wire', kind: 'media_outlet', aliases: ['The Wire Agency'] },
  { type: 'actor', ref: 'israel', name: 'Israel', kind: 'state' },
  {
    type: 'source',
    ref: 'story',
    title: 'Wire story',
    kind: 'news_article',
    text: WIRE_TEXT,
    publisherRef: 'wire',
  },
  {
    type: 'event',
    ref: 'attack',
    title: 'Drone attack in Isfahan',
    kind: 'drone_attack',
    startsAt: '2023-01-28T23:30:00+03:30',
    parties: [
      { actorRef: 'iran', role: 'target' },
      { actorRef: 'israel', role: 'accused' },
    ],
  },
  {
    type: 'claim',
    ref: 'roof',
    sourceRef: 'story',
    claimantRef: 'mod',
    eventRef: 'attack',
    reportedViaRefs: ['wire'],
    text: 'There was minor damage to the roof.',
    stance: 'downplays',
    modality: 'direct_quote',
    quote: { exact: 'There was minor damage to the roof' },
  },
  {
    type: 'claim',
    ref: 'blame',
    sourceRef: 'story',
    text: 'Local Telegram channels blamed Israel.',
    stance: 'asserts',
    modality: 'paraphrase',
    quote: { exact: 'Local Telegram channels blamed Israel', start: 300 },
  },
  {
    type: 'attribution',
    ref: 'a1',
    eventRef: 'attack',
    actorRef: 'israel',
    claimRef: 'blame',
    position: 'asserts',
  },
  {
    type: 'claim_link',
    fromClaimRef: 'blame',
    toClaimRef: 'roof',
    relation: 'contradicts',
    note: 'Who did it',
  },
];

describe('POST /imports', () => {
  it('stores a whole case through refs, and answers 201 with the ids per ref and the counts', async () => {
    ctx = await buildTestApp();
    const res = await postImport(ctx.api, CASE);
    expect(res.status).toBe(201);
    const { refs } = res.body;
    expect(res.body).toEqual({
      lines: 10,
      created: { actor: 4, source: 1, event: 1, claim: 2, attribution: 1, claim_link: 1 },
      matched: { actor: 0 },
      retracted: { claim: 0, attribution: 0 },
      refs: expect.any(Object),
    });
    expect(Object.keys(refs)).toEqual([
      'iran',
      'mod',
      'wire',
      'israel',
      'story',
      'attack',
      'roof',
      'blame',
      'a1',
    ]);
    expect(refs.roof).toEqual({ type: 'claim', id: expect.any(Number), line: 7, matched: false });

    const mod = (await ctx.api.get(`/actors/${refs.mod.id}`)).body;
    expect(mod.parent).toEqual({ id: refs.iran.id, name: 'Iran', kind: 'state' });
    const story = (await ctx.api.get(`/sources/${refs.story.id}`)).body;
    expect(story).toMatchObject({ text: WIRE_TEXT, publisher: { id: refs.wire.id } });
    const attack = (await ctx.api.get(`/events/${refs.attack.id}`)).body;
    expect(attack.startsAt).toBe('2023-01-28T20:00:00.000Z');
    expect(attack.parties.map((p: { actor: { id: number }; role: string }) => [p.actor.id, p.role])).toEqual([
      [refs.israel.id, 'accused'],
      [refs.iran.id, 'target'],
    ]);
    const roof = (await ctx.api.get(`/claims/${refs.roof.id}`)).body;
    expect(roof).toMatchObject({
      claimant: { id: refs.mod.id },
      source: { id: refs.story.id },
      event: { id: refs.attack.id },
      reportedVia: [{ id: refs.wire.id, name: 'Wire', kind: 'media_outlet' }],
      quote: { exact: 'There was minor damage to the roof', verified: true },
    });
    // The same anchoring as POST /claims: `start` chose the second of the two repeated sentences.
    const blame = (await ctx.api.get(`/claims/${refs.blame.id}`)).body;
    const first = WIRE_TEXT.indexOf('Local Telegram channels blamed Israel');
    expect(blame.quote.start).toBe(WIRE_TEXT.indexOf('Local Telegram channels blamed Israel', first + 1));
    const attribution = (await ctx.api.get(`/attributions/${refs.a1.id}`)).body;
    expect(attribution).toMatchObject({ actor: { id: refs.israel.id }, claim: { id: refs.blame.id } });
    const links = (await ctx.api.get(`/claims/${refs.roof.id}/links`)).body;
    expect(links.data).toHaveLength(1);
  });

  it('writes one audit record per record it creates, by the importing key, with the request id', async () => {
    ctx = await buildTestApp();
    const res = await ctx.api
      .post('/imports')
      .set('authorization', `Bearer ${ctx.keys.editor}`)
      .set('content-type', NDJSON)
      .send(ndjson(CASE));
    expect(res.status).toBe(201);
    const audit = (await ctx.api.get('/audit?limit=100')).body.data as {
      resource: string;
      resourceId: number;
      operation: string;
      keyLabel: string;
      requestId: string;
      after: { id: number };
    }[];
    const requestId = res.headers['x-request-id'];
    const fromImport = audit.filter((a) => a.requestId === requestId);
    expect(fromImport.map((a) => [a.resource, a.operation])).toEqual([
      ['actor', 'create'],
      ['actor', 'create'],
      ['actor', 'create'],
      ['actor', 'create'],
      ['source', 'create'],
      ['event', 'create'],
      ['claim', 'create'],
      ['claim', 'create'],
      ['attribution', 'create'],
      ['claimLink', 'create'],
    ]);
    expect(new Set(fromImport.map((a) => a.keyLabel))).toEqual(new Set(['test editor']));
    expect(fromImport[6]?.resourceId).toBe(res.body.refs.roof.id);
    expect(fromImport[6]?.after.id).toBe(res.body.refs.roof.id);
    const history = (await ctx.api.get(`/claims/${res.body.refs.roof.id}/history`)).body.data;
    expect(history.map((h: { operation: string }) => h.operation)).toEqual(['create']);
  });

  it('refuses a file with one bad line: stores nothing and names the line', async () => {
    ctx = await buildTestApp();
    const before = tableCounts(ctx.app);
    const lines = [...CASE];
    lines[9] = { ...CASE[9], toClaimRef: 'rooof' }; // line 10: no line has that ref
    const res = await postImport(ctx.api, lines);
    expectProblem(res, 422, 'IMPORT_REFUSED', '/imports', {
      ...REFUSED,
      detail: '1 of 10 lines was refused; nothing was stored.',
      errors: [
        {
          in: 'body',
          line: 10,
          pointer: '/toClaimRef',
          code: 'REFERENCE_NOT_FOUND',
          message: 'No earlier line has ref "rooof".',
        },
      ],
    });
    expect(tableCounts(ctx.app)).toEqual(before);
    expect((await ctx.api.get('/actors')).body.data).toEqual([]);
  });

  it('lists every refused line, with its number, pointer, code and why, and stores none of the good ones', async () => {
    ctx = await buildTestApp();
    const before = tableCounts(ctx.app);
    const body = [
      '{"type":"actor","ref":"iran","name":"Iran","kind":"state"}', // 1: fine
      '', // 2: blank, skipped but counted
      '{"type":"actor","ref":"mod","name":"Ministry","kind":"ministry"}', // 3: bad enum
      'not json', // 4
      '[1, 2]', // 5
      '{"type":"speech","ref":"s"}', // 6
      '{"type":"actor","ref":"iran","name":"Iran again","kind":"state"}', // 7: duplicate ref
      '{"type":"actor","name":"Sub","kind":"group","parentRef":"mod"}', // 8: parent refused on line 3
      '{"type":"actor","name":"Sub 2","kind":"group","parentRef":"iran","parentId":1}', // 9: both
      '{"type":"source","title":"T","kind":"news_article","text":"Some text","publisherRef":"s"}', // 10: refused ref
      '{"type":"claim","text":"x","stance":"asserts","modality":"paraphrase","quote":{"exact":"x"}}', // 11: no source
      '{"type":"claim","sourceRef":"iran","text":"x","stance":"asserts","modality":"paraphrase","quote":{"exact":"x"}}', // 12: wrong type
      '{"type":"event","title":"E","kind":"attack","colour":"red","parties":[{"actorRef":"nobody","role":"target"}]}', // 13
      '{"type":"attribution","eventId":999,"actorRef":"iran","claimId":998,"position":"asserts"}\r', // 14: CRLF, ids missing
      '{"type":"actor","ref":"fine-too","name":"Israel","kind":"state"}', // 15: fine
    ].join('\n');
    const res = await postImport(ctx.api, body);
    expectProblem(res, 422, 'IMPORT_REFUSED', '/imports', {
      ...REFUSED,
      detail: '12 of 14 lines were refused; nothing was stored.',
      errors: [
        {
          in: 'body',
          line: 3,
          pointer: '/kind',
          code: 'VALIDATION_FAILED',
          message: expect.stringContaining('government_body'),
        },
        {
          in: 'body',
          line: 4,
          pointer: '',
          code: 'MALFORMED_JSON',
          message: expect.stringMatching(/^Not valid JSON: /),
        },
        {
          in: 'body',
          line: 5,
          pointer: '',
          code: 'VALIDATION_FAILED',
          message: 'A line must be a JSON object with a "type".',
        },
        {
          in: 'body',
          line: 6,
          pointer: '/type',
          code: 'VALIDATION_FAILED',
          message: 'Must be one of actor, source, event, claim, attribution, claim_link.',
        },
        {
          in: 'body',
          line: 7,
          pointer: '/ref',
          code: 'DUPLICATE',
          message: 'Ref "iran" is already line 1\'s.',
        },
        {
          in: 'body',
          line: 8,
          pointer: '/parentRef',
          code: 'REFERENCE_NOT_FOUND',
          message: 'Ref "mod" is line 3\'s, which was refused.',
        },
        {
          in: 'body',
          line: 9,
          pointer: '/parentRef',
          code: 'VALIDATION_FAILED',
          message: 'Give parentId or parentRef, not both.',
        },
        {
          in: 'body',
          line: 10,
          pointer: '/publisherRef',
          code: 'REFERENCE_NOT_FOUND',
          message: 'Ref "s" is line 6\'s, which was refused.',
        },
        {
          in: 'body',
          line: 11,
          pointer: '/sourceId',
          code: 'VALIDATION_FAILED',
          message: 'Required: sourceId (an id) or sourceRef (the ref of an earlier line).',
        },
        {
          in: 'body',
          line: 12,
          pointer: '/sourceRef',
          code: 'INCONSISTENT_REFERENCE',
          message: 'Ref "iran" is an actor (line 1); this field needs a source.',
        },
        { in: 'body', line: 13, pointer: '/colour', code: 'VALIDATION_FAILED', message: 'Unknown field' },
        {
          in: 'body',
          line: 13,
          pointer: '/parties/0/actorRef',
          code: 'REFERENCE_NOT_FOUND',
          message: 'No earlier line has ref "nobody".',
        },
        {
          in: 'body',
          line: 14,
          pointer: '/eventId',
          code: 'REFERENCE_NOT_FOUND',
          message: 'Event 999 does not exist.',
        },
      ],
    });
    expect(tableCounts(ctx.app)).toEqual(before);
  });

  it('refuses a quote that is not in its source, or is ambiguous, on its line, with the anchoring’s reasons', async () => {
    ctx = await buildTestApp();
    const before = tableCounts(ctx.app);
    const claim = (quote: object) => ({
      type: 'claim',
      sourceRef: 'story',
      text: 'x',
      stance: 'asserts',
      modality: 'paraphrase',
      quote,
    });
    const res = await postImport(ctx.api, [
      { type: 'source', ref: 'story', title: 'Wire story', kind: 'news_article', text: WIRE_TEXT },
      claim({ exact: 'the roof was destroyed' }),
      claim({ exact: 'Local Telegram channels blamed Israel' }),
      claim({ exact: 'micro drones', prefix: 'no such context' }),
      claim({ exact: 'micro drones' }),
    ]);
    const start = WIRE_TEXT.indexOf('Local Telegram channels blamed Israel');
    const second = WIRE_TEXT.indexOf('Local Telegram channels blamed Israel', start + 1);
    expectProblem(res, 422, 'IMPORT_REFUSED', '/imports', {
      ...REFUSED,
      detail: '3 of 5 lines were refused; nothing was stored.',
      errors: [
        {
          in: 'body',
          line: 2,
          pointer: '/quote/exact',
          code: 'QUOTE_NOT_FOUND',
          message: expect.stringMatching(/^The quote does not occur in source \d+/),
        },
        {
          in: 'body',
          line: 3,
          pointer: '/quote/exact',
          code: 'QUOTE_AMBIGUOUS',
          message: `The quote occurs 2 times in the source, starting at code points ${start}, ${second}; add quote.start, quote.prefix or quote.suffix to choose.`,
        },
        {
          in: 'body',
          line: 4,
          pointer: '/quote/prefix',
          code: 'QUOTE_CONTEXT_MISMATCH',
          message: expect.stringContaining('but never with the given prefix'),
        },
      ],
    });
    expect(tableCounts(ctx.app)).toEqual(before);
  });

  it('matches existing actors by name or alias, case-insensitively, narrowed by kind', async () => {
    ctx = await buildTestApp({ seed: true });
    const iran = (await ctx.api.get('/actors?q=iran&kind=state')).body.data[0];
    const irna = (await ctx.api.get('/actors?q=IRNA')).body.data[0];
    const source = (await ctx.api.get('/sources?limit=1')).body.data[0];
    const before = tableCounts(ctx.app);
    const res = await postImport(ctx.api, [
      { type: 'actor', ref: 'iran', match: 'name', name: '  islamic   REPUBLIC of iran ' },
      { type: 'actor', ref: 'irna', match: 'name', name: 'irna', kind: 'media_outlet' },
      { type: 'actor', ref: 'cell', name: 'Isfahan cell', kind: 'group', parentRef: 'iran' },
      { type: 'actor', ref: 'cell-again', match: 'name', name: 'ISFAHAN CELL' },
      {
        type: 'claim',
        ref: 'c',
        sourceId: source.id,
        claimantRef: 'cell-again',
        reportedViaRefs: ['irna'],
        text: 'Drones hit targets.',
        stance: 'asserts',
        modality: 'paraphrase',
        quote: { exact: 'Drones Hit Multiple Military Targets Across Iran' },
      },
    ]);
    expect(res.status).toBe(201);
    expect(res.body.created).toMatchObject({ actor: 1, claim: 1 });
    expect(res.body.matched).toEqual({ actor: 3 });
    expect(res.body.refs.iran).toEqual({ type: 'actor', id: iran.id, line: 1, matched: true });
    expect(res.body.refs.irna).toEqual({ type: 'actor', id: irna.id, line: 2, matched: true });
    expect(res.body.refs['cell-again']).toEqual({
      type: 'actor',
      id: res.body.refs.cell.id,
      line: 4,
      matched: true,
    });
    const claim = (await ctx.api.get(`/claims/${res.body.refs.c.id}`)).body;
    expect(claim.claimant.id).toBe(res.body.refs.cell.id);
    expect(claim.reportedVia.map((a: { id: number }) => a.id)).toEqual([irna.id]);
    const after = tableCounts(ctx.app);
    expect(after.actors).toBe(before.actors + 1);
    expect(after.audit_log).toBe(before.audit_log + 2); // the new actor and the claim; matches change nothing
  });

  it('refuses a match that finds no actor, or more than one', async () => {
    ctx = await buildTestApp({ seed: true });
    await ctx.api.post('/actors').send({ name: 'Revolutionary Guards', kind: 'military', aliases: ['IRGC'] });
    await ctx.api.post('/actors').send({ name: 'IRGC Aerospace Force', kind: 'military', aliases: ['IRGC'] });
    const ids = (await ctx.api.get('/actors?q=irgc')).body.data.map((a: { id: number }) => a.id);
    const res = await postImport(ctx.api, [
      { type: 'actor', ref: 'a', match: 'name', name: 'Ministry of Magic' },
      { type: 'actor', ref: 'b', match: 'name', name: 'IRGC' },
      { type: 'actor', ref: 'c', match: 'name', name: 'Iran', kind: 'person' },
      { type: 'actor', ref: 'd', match: 'name', name: 'Iran', kind: 'state', aliases: [] },
      { type: 'actor', ref: 'e', match: 'names', name: 'Iran' },
    ]);
    expectProblem(res, 422, 'IMPORT_REFUSED', '/imports', {
      ...REFUSED,
      detail: '5 of 5 lines were refused; nothing was stored.',
      errors: [
        {
          in: 'body',
          line: 1,
          pointer: '/name',
          code: 'REFERENCE_NOT_FOUND',
          message: 'No actor is named or aliased "Ministry of Magic".',
        },
        {
          in: 'body',
          line: 2,
          pointer: '/name',
          code: 'MATCH_AMBIGUOUS',
          message: `"IRGC" is the alias of 2 actors (ids ${ids.join(', ')}); give kind, or refer to the one you mean by id.`,
        },
        {
          in: 'body',
          line: 3,
          pointer: '/name',
          code: 'REFERENCE_NOT_FOUND',
          message: 'No actor of kind person is named or aliased "Iran".',
        },
        { in: 'body', line: 4, pointer: '/aliases', code: 'VALIDATION_FAILED', message: 'Unknown field' },
        {
          in: 'body',
          line: 5,
          pointer: '/match',
          code: 'VALIDATION_FAILED',
          message: expect.stringContaining('"name"'),
        },
      ],
    });
  });

  it('takes ids of records already stored beside refs, and checks them as POST /claims does', async () => {
    ctx = await buildTestApp({ seed: true });
    const mod = (await ctx.api.get('/actors?q=ministry%20of%20defence')).body.data[0];
    const event = (await ctx.api.get('/events?q=isfahan')).body.data[0];
    const res = await postImport(ctx.api, [
      { type: 'source', ref: 's', title: 'Statement', kind: 'official_statement', text: 'We deny it all.' },
      {
        type: 'claim',
        ref: 'c',
        sourceRef: 's',
        claimantId: mod.id,
        eventId: event.id,
        text: 'The ministry denies it.',
        stance: 'denies',
        modality: 'direct_quote',
        quote: { exact: 'We deny it all' },
      },
      {
        type: 'claim',
        sourceRef: 's',
        claimantId: 99_999,
        reportedViaIds: [mod.id, 99_998],
        text: 'x',
        stance: 'denies',
        modality: 'direct_quote',
        quote: { exact: 'We deny it all' },
      },
    ]);
    expectProblem(res, 422, 'IMPORT_REFUSED', '/imports', {
      ...REFUSED,
      detail: '1 of 3 lines was refused; nothing was stored.',
      errors: [
        {
          in: 'body',
          line: 3,
          pointer: '/claimantId',
          code: 'REFERENCE_NOT_FOUND',
          message: 'Actor 99999 does not exist.',
        },
      ],
    });
    const ok = await postImport(ctx.api, [
      { type: 'source', ref: 's', title: 'Statement', kind: 'official_statement', text: 'We deny it all.' },
      {
        type: 'claim',
        ref: 'c',
        sourceRef: 's',
        claimantId: mod.id,
        eventId: event.id,
        text: 'The ministry denies it.',
        stance: 'denies',
        modality: 'direct_quote',
        quote: { exact: 'We deny it all' },
      },
    ]);
    expect(ok.status).toBe(201);
    const claim = (await ctx.api.get(`/claims/${ok.body.refs.c.id}`)).body;
    expect(claim).toMatchObject({ claimant: { id: mod.id }, event: { id: event.id } });
  });

  it('points at the ref a reference came from when the service refuses the id it stood for', async () => {
    ctx = await buildTestApp();
    const res = await postImport(ctx.api, [
      { type: 'actor', ref: 'a', name: 'A', kind: 'state' },
      { type: 'source', ref: 's', title: 'S', kind: 'news_article', text: 'A said so. A said so.' },
      {
        type: 'claim',
        ref: 'c',
        sourceRef: 's',
        text: 'x',
        stance: 'asserts',
        modality: 'paraphrase',
        quote: { exact: 'A said so.', start: 0 },
      },
      { type: 'attribution', eventRef: 'e', actorRef: 'a', claimRef: 'c', position: 'asserts' },
      { type: 'event', ref: 'e', title: 'E', kind: 'attack' },
      { type: 'attribution', eventRef: 'e', actorRef: 'a', claimRef: 'c', position: 'asserts' },
      { type: 'attribution', eventRef: 'e', actorRef: 'a', claimRef: 'c', position: 'denies' },
      { type: 'claim_link', fromClaimRef: 'c', toClaimRef: 'c', relation: 'repeats' },
    ]);
    expectProblem(res, 422, 'IMPORT_REFUSED', '/imports', {
      ...REFUSED,
      detail: '3 of 8 lines were refused; nothing was stored.',
      errors: [
        {
          in: 'body',
          line: 4,
          pointer: '/eventRef',
          code: 'REFERENCE_NOT_FOUND',
          message: 'No earlier line has ref "e".',
        },
        {
          in: 'body',
          line: 7,
          pointer: '',
          code: 'DUPLICATE',
          message: expect.stringMatching(/^Attribution \d+ already records this/),
        },
        {
          in: 'body',
          line: 8,
          pointer: '/toClaimRef',
          code: 'SELF_LINK',
          message: expect.stringMatching(/^Claim \d+ cannot be linked to itself\.$/),
        },
      ],
    });
  });

  it('stores a retracted claim or attribution retracted, with its reason and who retracted it', async () => {
    ctx = await buildTestApp();
    const res = await postImport(ctx.api, [
      ...CASE.slice(0, 8),
      { ...CASE[8], retraction: { reason: 'Misread the channel', retractedBy: 'Night desk' } },
      {
        type: 'claim',
        ref: 'gone',
        sourceRef: 'story',
        text: 'x',
        stance: 'asserts',
        modality: 'paraphrase',
        quote: { exact: 'micro drones' },
        retraction: { reason: 'Duplicate' },
      },
    ]);
    expect(res.status).toBe(201);
    expect(res.body.retracted).toEqual({ claim: 1, attribution: 1 });
    const attribution = (await ctx.api.get(`/attributions/${res.body.refs.a1.id}`)).body;
    expect(attribution.retraction).toEqual({
      retractedAt: expect.any(String),
      retractedBy: 'Night desk',
      reason: 'Misread the channel',
    });
    const gone = (await ctx.api.get(`/claims/${res.body.refs.gone.id}`)).body;
    expect(gone.retraction).toMatchObject({ retractedBy: 'test admin', reason: 'Duplicate' });
    expect((await ctx.api.get('/attributions')).body.data).toEqual([]);
    const history = (await ctx.api.get(`/claims/${res.body.refs.gone.id}/history`)).body.data;
    expect(history.map((h: { operation: string }) => h.operation)).toEqual(['create', 'retract']);
  });

  it('keeps a ref named like an Object property as a plain ref', async () => {
    ctx = await buildTestApp();
    const res = await postImport(ctx.api, [
      { type: 'actor', ref: '__proto__', name: 'A', kind: 'state' },
      { type: 'actor', ref: 'constructor', name: 'B', kind: 'state', parentRef: '__proto__' },
    ]);
    expect(res.status).toBe(201);
    expect(Object.keys(res.body.refs)).toEqual(['__proto__', 'constructor']);
    const b = (await ctx.api.get(`/actors/${res.body.refs.constructor.id}`)).body;
    expect(b.parent.name).toBe('A');
  });

  it('imports the README and OpenAPI example file into the seeded database', async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(/```ndjson\n([\s\S]*?)\n```/.exec(readme)?.[1]).toBe(EXAMPLE_IMPORT);
    ctx = await buildTestApp({ seed: true });
    const res = await postImport(ctx.api, EXAMPLE_IMPORT);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      lines: 6,
      created: { actor: 2, source: 1, event: 1, claim: 1 },
      matched: { actor: 1 },
    });
  });

  it('replays an import retried with the same Idempotency-Key instead of storing it twice', async () => {
    ctx = await buildTestApp();
    const send = () =>
      ctx.api
        .post('/imports')
        .set('content-type', NDJSON)
        .set('idempotency-key', 'import-1')
        .send(ndjson(CASE));
    const first = await send();
    const second = await send();
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toEqual(first.body);
    expect(tableCounts(ctx.app).actors).toBe(4);
  });
});

describe('POST /imports refuses what it cannot read', () => {
  it('answers 415 for another content type or charset, and 400 for an empty or non-UTF-8 body', async () => {
    ctx = await buildTestApp();
    const json = await ctx.api.post('/imports').send({ type: 'actor', name: 'A', kind: 'state' });
    const detail = 'Send the records as application/x-ndjson (UTF-8): one JSON object a line.';
    expectProblem(json, 415, 'UNSUPPORTED_MEDIA_TYPE', '/imports', {
      title: 'Unsupported media type',
      detail,
    });
    const malformedJson = await ctx.api.post('/imports').set('content-type', 'application/json').send('{');
    expectProblem(malformedJson, 415, 'UNSUPPORTED_MEDIA_TYPE', '/imports', {
      title: 'Unsupported media type',
      detail,
    });
    const latin1 = await ctx.api
      .post('/imports')
      .set('content-type', `${NDJSON}; charset=iso-8859-1`)
      .send('{"type":"actor","name":"A","kind":"state"}');
    expectProblem(latin1, 415, 'UNSUPPORTED_MEDIA_TYPE', '/imports', {
      title: 'Unsupported media type',
      detail,
    });
    const utf8 = await ctx.api
      .post('/imports')
      .set('content-type', `${NDJSON}; charset=UTF-8`)
      .send('{"type":"actor","name":"A","kind":"state"}');
    expect(utf8.status).toBe(201);

    const none = await ctx.api.post('/imports');
    expectProblem(none, 400, 'EMPTY_BODY', '/imports', {
      title: 'The request body is empty',
      detail: 'Send the records as application/x-ndjson: one JSON object a line.',
    });
    const blank = await postImport(ctx.api, '\n  \r\n\n');
    expectProblem(blank, 400, 'EMPTY_BODY', '/imports', {
      title: 'The request body is empty',
      detail: 'The import has no records: send one JSON object a line.',
    });
    const bytes = await ctx.api
      .post('/imports')
      .set('content-type', NDJSON)
      .send(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]));
    expectProblem(bytes, 400, 'BAD_REQUEST', '/imports', {
      title: 'Bad request',
      detail: 'The body is not valid UTF-8 text.',
    });
  });

  it('answers 413 beyond its body limit, and needs an editor key', async () => {
    ctx = await buildTestApp({ importBodyLimit: 2048 });
    const big = ndjson(
      Array.from({ length: 60 }, (_, i) => ({ type: 'actor', name: `Actor ${i}`, kind: 'group' })),
    );
    expect(big.length).toBeGreaterThan(2048);
    const res = await postImport(ctx.api, big);
    expectProblem(res, 413, 'BODY_TOO_LARGE', '/imports', {
      title: 'The request body is too large',
      detail: expect.any(String),
    });
    const small = ndjson([{ type: 'actor', name: 'A', kind: 'state' }]);
    const reader = await ctx.anonymous
      .post('/imports')
      .set('authorization', `Bearer ${ctx.keys.reader}`)
      .set('content-type', NDJSON)
      .send(small);
    expect(reader.status).toBe(403);
    const anonymous = await ctx.anonymous.post('/imports').set('content-type', NDJSON).send(small);
    expect(anonymous.status).toBe(401);
    expect(tableCounts(ctx.app).actors).toBe(0);
  });
});
