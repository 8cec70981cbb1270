import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toProv } from '../src/domain/exports/prov.js';
import { CLAIM_EXTENSION_ID, toStixBundle } from '../src/domain/exports/stix.js';
import type { ExportInput } from '../src/domain/exports/types.js';
import { buildTestApp, expectProblem, type TestContext } from './helpers/app.js';
import { createClaim, createSource } from './helpers/factories.js';
import { annotationFailures, stixValidator, webAnnotationAssertions } from './helpers/standards.js';

// biome-ignore lint/suspicious/noExplicitAny: exported documents are read as loose JSON
type Json = Record<string, any>;

const BASE = 'https://ledger.example.org';
const assertions = webAnnotationAssertions();
const validateStix = stixValidator();

let ctx: TestContext;
let eventId: number;
let ministryClaim: Json;
let seedClaims: Json[];

beforeAll(async () => {
  ctx = await buildTestApp({ seed: true, publicBaseUrl: BASE });
  eventId = (await ctx.api.get('/events?q=isfahan')).body.data[0].id;
  const ministry = (await ctx.api.get('/actors?q=ministry%20of%20defence')).body.data[0].id;
  const claims = (await ctx.api.get(`/actors/${ministry}/claims?limit=100`)).body.data as Json[];
  // The ministry's statement relayed by a news agency: a claim with a chain.
  ministryClaim = claims.find((c) => c.reportedVia.length > 0) as Json;
  seedClaims = [];
  let cursor: string | null = null;
  do {
    const page: Json = (await ctx.api.get('/claims').query({ limit: 100, ...(cursor ? { cursor } : {}) }))
      .body;
    seedClaims.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor);
});
afterAll(() => ctx.close());

const get = (path: string) => ctx.api.get(path).buffer(true);

describe('W3C Web Annotation', () => {
  it('every seed claim passes every assertion of annotationMusts.test', async () => {
    expect(assertions.length).toBe(54);
    for (const claim of seedClaims) {
      const res = await get(`/claims/${claim.id}/export/annotation`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(
        /^application\/ld\+json; profile="http:\/\/www\.w3\.org\/ns\/anno\.jsonld"/,
      );
      const annotation = JSON.parse(res.text);
      expect(annotationFailures(assertions, annotation), `claim ${claim.id}`).toEqual([]);
    }
  });

  it('targets the quote with both selectors, and carries text, stance and speaker as bodies', async () => {
    const res = await get(`/claims/${ministryClaim.id}/export/annotation`);
    const annotation = JSON.parse(res.text);
    expect(annotation).toMatchObject({
      '@context': 'http://www.w3.org/ns/anno.jsonld',
      id: `${BASE}/claims/${ministryClaim.id}/export/annotation`,
      type: 'Annotation',
      target: {
        type: 'SpecificResource',
        source: `${BASE}/sources/${ministryClaim.source.id}`,
        selector: [
          {
            type: 'TextQuoteSelector',
            exact: ministryClaim.quote.exact,
            prefix: ministryClaim.quote.prefix,
            suffix: ministryClaim.quote.suffix,
          },
          { type: 'TextPositionSelector', start: ministryClaim.quote.start, end: ministryClaim.quote.end },
        ],
      },
    });
    expect(annotation.body).toEqual([
      { type: 'TextualBody', purpose: 'describing', value: ministryClaim.text, format: 'text/plain' },
      { type: 'TextualBody', purpose: 'classifying', value: ministryClaim.stance, format: 'text/plain' },
      {
        type: 'TextualBody',
        purpose: 'identifying',
        value: ministryClaim.claimant.name,
        format: 'text/plain',
      },
    ]);
  });

  it('counts positions in code points: a quote after astral characters selects the same words', async () => {
    const text = 'Intro 😀😀 then: the drones hit the roof.';
    const source = await createSource(ctx.api, { text });
    const claim = await createClaim(ctx.api, { sourceId: source.id, quote: { exact: 'the drones hit' } });
    const annotation = JSON.parse((await get(`/claims/${claim.id}/export/annotation`)).text);
    const position = annotation.target.selector[1];
    expect([...text].slice(position.start, position.end).join('')).toBe('the drones hit');
    expect(text.slice(position.start, position.end)).not.toBe('the drones hit');
    expect(annotationFailures(assertions, annotation)).toEqual([]);
  });

  it('an event is an AnnotationCollection whose annotations each pass the assertions', async () => {
    const res = await get(`/events/${eventId}/export/annotation`);
    const collection = JSON.parse(res.text);
    expect(collection.type).toBe('AnnotationCollection');
    expect(collection.label).toBe('Drone attack on a Ministry of Defence facility in Isfahan');
    expect(collection.total).toBe(collection.first.items.length);
    expect(collection.first).toMatchObject({ type: 'AnnotationPage', partOf: collection.id, startIndex: 0 });
    const eventClaims = seedClaims.filter((c) => c.event?.id === eventId).map((c) => c.id);
    const targets = collection.first.items.map((a: Json) => Number(a.id.split('/')[4]));
    expect(targets).toEqual(expect.arrayContaining(eventClaims));
    for (const item of collection.first.items) {
      // Items inherit the collection's @context, as a JSON-LD processor reads them.
      expect(annotationFailures(assertions, { '@context': collection['@context'], ...item })).toEqual([]);
    }
  });

  it('the assertions do fail a broken annotation (the check is not vacuous)', async () => {
    const annotation = JSON.parse((await get(`/claims/${ministryClaim.id}/export/annotation`)).text);
    const { '@context': _, ...noContext } = annotation;
    expect(annotationFailures(assertions, noContext)[0]).toMatch(/3.1-annotationContextValidated/);
    const badSelector = structuredClone(annotation);
    badSelector.target.selector[0] = { type: 'TextQuoteSelector' };
    expect(annotationFailures(assertions, badSelector).join()).toMatch(/textQuoteSelectorValid/);
  });
});

function refsOf(object: Json): string[] {
  const out: string[] = [];
  const visit = (value: unknown, key = '') => {
    if (typeof value === 'string' && /_refs?$/.test(key)) out.push(value);
    else if (Array.isArray(value)) for (const v of value) visit(v, key);
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) visit(v, k);
  };
  visit(object);
  return out;
}

describe('STIX 2.1', () => {
  it('the event bundle: every object is valid against its own schema and every reference resolves', async () => {
    const res = await get(`/events/${eventId}/export/stix`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/stix\+json; ?version="?2\.1"?/);
    const bundle = JSON.parse(res.text);
    expect(bundle.type).toBe('bundle');
    expect(bundle.id).toMatch(/^bundle--[0-9a-f-]{36}$/);
    const objects = bundle.objects as Json[];
    expect(objects.flatMap((o) => validateStix(o))).toEqual([]);
    // The schemas do refuse what is wrong: a note without content, an opinion off the scale.
    const note = objects.find((o) => o.type === 'note') as Json;
    expect(validateStix({ ...note, content: undefined }).join()).toMatch(/content/);
    const opinion = objects.find((o) => o.type === 'opinion') as Json;
    expect(validateStix({ ...opinion, opinion: 'maybe' })).not.toEqual([]);
    const ids = new Set(objects.map((o) => o.id));
    expect(ids.size).toBe(objects.length);
    for (const o of objects)
      for (const ref of refsOf(o)) expect(ids.has(ref), `${o.id} -> ${ref}`).toBe(true);
    const types = new Set(objects.map((o) => o.type));
    for (const t of [
      'identity',
      'incident',
      'report',
      'note',
      'opinion',
      'relationship',
      'extension-definition',
    ]) {
      expect(types.has(t), t).toBe(true);
    }
  });

  it('a claim is a note with the documented extension: speaker, stance, quote, chain', async () => {
    const bundle = JSON.parse((await get(`/claims/${ministryClaim.id}/export/stix`)).text);
    const objects = bundle.objects as Json[];
    expect(objects.flatMap((o) => validateStix(o))).toEqual([]);
    const note = objects.find((o) => o.type === 'note') as Json;
    const ext = note.extensions[CLAIM_EXTENSION_ID];
    const speaker = objects.find((o) => o.id === ext.speaker_ref) as Json;
    expect(note.content).toBe(ministryClaim.text);
    expect(speaker).toMatchObject({
      type: 'identity',
      name: ministryClaim.claimant.name,
      identity_class: 'organization',
    });
    expect(ext).toMatchObject({
      extension_type: 'property-extension',
      stance: ministryClaim.stance,
      quote: ministryClaim.quote,
      speaker_name: ministryClaim.claimant.name,
    });
    expect(ext.relay_refs.map((r: string) => objects.find((o) => o.id === r)?.name)).toEqual(
      ministryClaim.reportedVia.map((a: Json) => a.name),
    );
    const definition = objects.find((o) => o.id === CLAIM_EXTENSION_ID) as Json;
    expect(definition.type).toBe('extension-definition');
    expect(definition.schema).toContain('speaker_ref');
    const opinion = objects.find((o) => o.type === 'opinion') as Json;
    expect(opinion).toMatchObject({
      opinion: 'agree',
      object_refs: [note.id],
      authors: [ministryClaim.claimant.name],
    });
  });

  it('attributions become relationships from the incident to the identity; ids are deterministic', async () => {
    const attributions = (await ctx.api.get(`/attributions?event=${eventId}&limit=100`)).body.data as Json[];
    const asserted = attributions.find((a) => a.position === 'asserts') as Json;
    const declined = attributions.find((a) => a.position === 'declines_to_comment') as Json;
    const first = JSON.parse((await get(`/events/${eventId}/export/stix`)).text);
    const again = JSON.parse((await get(`/events/${eventId}/export/stix`)).text);
    expect(again).toEqual(first);
    const objects = first.objects as Json[];
    const byId = new Map(objects.map((o) => [o.id, o]));
    const relationships = objects.filter((o) => o.type === 'relationship');
    const noteOf = (claimId: number) =>
      objects.find(
        (o) => o.type === 'note' && o.external_references[0].external_id === String(claimId),
      ) as Json;
    const of = (a: Json) =>
      relationships.find((r) => {
        const ext = r.extensions[CLAIM_EXTENSION_ID];
        return ext.claim_ref === noteOf(a.claim.id).id && byId.get(r.target_ref)?.name === a.actor.name;
      }) as Json;
    expect(of(asserted).relationship_type).toBe('attributed-to');
    expect(byId.get(of(asserted).target_ref)?.name).toBe(asserted.actor.name);
    expect(byId.get(of(asserted).source_ref)?.type).toBe('incident');
    expect(of(declined).relationship_type).toBe('related-to');
  });

  it('an attribution that holds nobody responsible is listed on its note, with no relationship', () => {
    const input = syntheticInput();
    const bundle = toStixBundle(input, `${BASE}/claims/1/export/stix`) as { objects: Json[] };
    expect(bundle.objects.flatMap((o) => validateStix(o))).toEqual([]);
    expect(bundle.objects.filter((o) => o.type === 'relationship')).toHaveLength(1);
    const note = bundle.objects.find((o) => o.type === 'note') as Json;
    const listed = note.extensions[CLAIM_EXTENSION_ID].attributions as Json[];
    expect(listed.map((a) => a.position)).toEqual(['asserts', 'no_attribution']);
    expect(listed[1]?.identity_ref).toBeUndefined();
    expect(listed[1]?.incident_ref).toMatch(/^incident--/);
  });
});

/** Checks a PROV-JSON document's structure: sections, the required members of each relation, and that
 * every identifier it names is declared with a declared prefix. */
function provProblems(doc: Json): string[] {
  const problems: string[] = [];
  const sections: Record<string, string[]> = {
    entity: [],
    agent: [],
    activity: [],
    wasAttributedTo: ['prov:entity', 'prov:agent'],
    wasDerivedFrom: ['prov:generatedEntity', 'prov:usedEntity'],
    wasGeneratedBy: ['prov:entity'],
  };
  const prefixes = new Set(['prov', 'xsd', ...Object.keys(doc.prefix ?? {})]);
  for (const key of Object.keys(doc))
    if (key !== 'prefix' && !(key in sections)) problems.push(`unknown section ${key}`);
  const declared = (kind: 'entity' | 'agent', id: string) => Boolean(doc[kind]?.[id]);
  const prefixed = (id: string) => {
    const prefix = id.split(':')[0] ?? '';
    if (!prefixes.has(prefix) && prefix !== '_') problems.push(`undeclared prefix in ${id}`);
  };
  for (const kind of ['entity', 'agent'] as const) {
    for (const [id, attrs] of Object.entries((doc[kind] ?? {}) as Record<string, Json>)) {
      prefixed(id);
      for (const [name, value] of Object.entries(attrs)) {
        prefixed(name);
        if (value && typeof value === 'object' && value.type === 'prov:QUALIFIED_NAME') prefixed(value.$);
      }
    }
  }
  for (const [section, required] of Object.entries(sections)) {
    if (required.length === 0) continue;
    for (const [id, relation] of Object.entries((doc[section] ?? {}) as Record<string, Json>)) {
      for (const member of required)
        if (!(member in relation)) problems.push(`${section} ${id} lacks ${member}`);
      for (const member of ['prov:entity', 'prov:generatedEntity', 'prov:usedEntity']) {
        if (member in relation && !declared('entity', relation[member]))
          problems.push(`${id}: ${relation[member]} is no entity`);
      }
      if ('prov:agent' in relation && !declared('agent', relation['prov:agent']))
        problems.push(`${id}: no agent ${relation['prov:agent']}`);
      if ('prov:time' in relation && Number.isNaN(Date.parse(relation['prov:time'])))
        problems.push(`${id}: bad time`);
    }
  }
  return problems;
}

describe('W3C PROV-JSON', () => {
  it('a relayed claim: source entity, quote derived from it as a quotation, claimant and relays as agents along the chain', async () => {
    const res = await get(`/claims/${ministryClaim.id}/export/prov`);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const doc = JSON.parse(res.text);
    expect(provProblems(doc)).toEqual([]);
    const c = `cl:claims/${ministryClaim.id}`;
    const source = `cl:sources/${ministryClaim.source.id}`;
    const claimant = `cl:actors/${ministryClaim.claimant.id}`;
    const relay = `cl:actors/${ministryClaim.reportedVia[0].id}`;
    expect(doc.prefix.cl).toBe(`${BASE}/`);
    expect(doc.entity[source]['prov:label']).toBe(ministryClaim.source.title);
    expect(doc.entity[`${c}/quote`]['prov:value']).toBe(ministryClaim.quote.exact);
    expect(doc.agent[claimant]['prov:type']).toEqual({ $: 'prov:Organization', type: 'prov:QUALIFIED_NAME' });
    const attributed = Object.values(doc.wasAttributedTo as Record<string, Json>).map((r) => [
      r['prov:entity'],
      r['prov:agent'],
    ]);
    expect(attributed).toEqual(
      expect.arrayContaining([
        [c, claimant],
        [`${c}/via/1`, relay],
      ]),
    );
    const derived = Object.values(doc.wasDerivedFrom as Record<string, Json>).map((r) => [
      r['prov:generatedEntity'],
      r['prov:usedEntity'],
      r['prov:type']?.$ ?? null,
    ]);
    const last = `${c}/via/${ministryClaim.reportedVia.length}`;
    expect(derived).toEqual(
      expect.arrayContaining([
        [`${c}/via/1`, c, null],
        [`${c}/quote`, source, 'prov:Quotation'],
        [`${c}/quote`, last, null],
      ]),
    );
  });

  it('the whole event is one valid document; an attribution with nobody held responsible changes nothing', async () => {
    const doc = JSON.parse((await get(`/events/${eventId}/export/prov`)).text);
    expect(provProblems(doc)).toEqual([]);
    expect(Object.keys(doc.entity).filter((id) => id.endsWith('/quote')).length).toBeGreaterThan(5);
    expect(provProblems(toProv(syntheticInput()))).toEqual([]);
  });
});

describe('schema.org ClaimReview', () => {
  it('a claim without a grade is a 404 that says why', async () => {
    const res = await get(`/claims/${ministryClaim.id}/export/claimreview`);
    expectProblem(res, 404, 'CLAIM_NOT_GRADED', `/claims/${ministryClaim.id}/export/claimreview`, {
      title: 'No credibility grade to publish a ClaimReview of',
      detail: `Claim ${ministryClaim.id} carries no credibility grade, so there is no ClaimReview to publish. Grade it with PATCH /claims/${ministryClaim.id} and \`credibility\` (Admiralty 1-6).`,
    });
  });

  it('a graded claim: Google’s required and recommended properties, the grade mapped to a 1-5 rating', async () => {
    const patch = await ctx.api
      .patch(`/claims/${ministryClaim.id}`)
      .send({ credibility: { grade: '4', gradedBy: 'Night desk', rationale: 'Only the ministry says so.' } });
    expect(patch.status).toBe(200);
    const res = await get(`/claims/${ministryClaim.id}/export/claimreview`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/ld\+json/);
    const review = JSON.parse(res.text);
    expect(review).toMatchObject({
      '@context': 'https://schema.org',
      '@type': 'ClaimReview',
      url: `${BASE}/claims/${ministryClaim.id}`,
      claimReviewed: ministryClaim.text,
      datePublished: patch.body.credibility.gradedAt,
      author: { '@type': 'Person', name: 'Night desk' },
      itemReviewed: {
        '@type': 'Claim',
        author: { '@type': 'Organization', name: ministryClaim.claimant.name },
        appearance: { '@type': 'CreativeWork', headline: ministryClaim.source.title },
      },
      reviewRating: {
        '@type': 'Rating',
        ratingValue: 2,
        bestRating: 5,
        worstRating: 1,
        alternateName: 'Doubtful',
        ratingExplanation: 'Only the ministry says so.',
      },
    });
    expect(typeof review.itemReviewed.appearance.url).toBe('string');

    await ctx.api
      .patch(`/claims/${ministryClaim.id}`)
      .send({ credibility: { grade: '6', gradedBy: 'Night desk' } });
    const unjudged = JSON.parse((await get(`/claims/${ministryClaim.id}/export/claimreview`)).text);
    expect(unjudged.reviewRating).toEqual({
      '@type': 'Rating',
      alternateName: 'Truth cannot be judged',
      name: 'Admiralty credibility 6: Truth cannot be judged',
    });
  });

  it('an event: the graded claims as a graph; none graded is a 404', async () => {
    const other = (await ctx.api.post('/events').send({ title: 'Ungraded', kind: 'statement' })).body;
    const source = await createSource(ctx.api);
    await createClaim(ctx.api, { sourceId: source.id, eventId: other.id });
    const none = await get(`/events/${other.id}/export/claimreview`);
    expect(none.status).toBe(404);
    expect(none.body.code).toBe('CLAIM_NOT_GRADED');
    expect(none.body.detail).toMatch(/None of the 1 claims of event/);

    await ctx.api
      .patch(`/claims/${ministryClaim.id}`)
      .send({ credibility: { grade: '1', gradedBy: 'Desk' } });
    const graph = JSON.parse((await get(`/events/${eventId}/export/claimreview`)).text);
    expect(graph['@context']).toBe('https://schema.org');
    expect(graph['@graph'].map((r: Json) => [r.url, r.reviewRating.ratingValue])).toEqual([
      [`${BASE}/claims/${ministryClaim.id}`, 5],
    ]);
  });
});

describe('event exports are written a page of claims at a time', () => {
  it('give the same documents whatever the page size', async () => {
    const sortStix = (b: Json) => ({
      ...b,
      objects: [...b.objects].sort((x: Json, y: Json) => x.id.localeCompare(y.id)),
    });
    const normal: Record<string, Json> = {};
    for (const f of ['annotation', 'stix', 'prov', 'claimreview']) {
      const res = await get(`/events/${eventId}/export/${f}`);
      expect(res.status, f).toBe(200);
      normal[f] = JSON.parse(res.text);
    }
    const before = ctx.app.listStreaming.pageSize;
    ctx.app.listStreaming.pageSize = 2;
    try {
      for (const f of ['annotation', 'stix', 'prov', 'claimreview']) {
        const paged = JSON.parse((await get(`/events/${eventId}/export/${f}`)).text);
        if (f === 'stix') expect(sortStix(paged)).toEqual(sortStix(normal[f] as Json));
        else expect(paged, f).toEqual(normal[f]);
      }
    } finally {
      ctx.app.listStreaming.pageSize = before;
    }
    expect((normal.annotation as Json).first.items.length).toBeGreaterThan(4);
  });
});

describe('export routes', () => {
  it('answer 304 to a current ETag, 404 for a missing record and 400 for an unknown format', async () => {
    const first = await get(`/claims/${ministryClaim.id}/export/stix`);
    const etag = first.headers.etag as string;
    expect(
      (await ctx.api.get(`/claims/${ministryClaim.id}/export/stix`).set('if-none-match', etag)).status,
    ).toBe(304);
    expectProblem(
      await get('/claims/999999/export/prov'),
      404,
      'CLAIM_NOT_FOUND',
      '/claims/999999/export/prov',
      {
        title: 'Claim not found',
        detail: 'Claim 999999 does not exist.',
      },
    );
    expectProblem(
      await get('/events/999999/export/stix'),
      404,
      'EVENT_NOT_FOUND',
      '/events/999999/export/stix',
      {
        title: 'Event not found',
        detail: 'Event 999999 does not exist.',
      },
    );
    const bad = await get(`/claims/${ministryClaim.id}/export/rdf`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({ in: 'params', pointer: '/format' });
  });

  it('without PUBLIC_BASE_URL the IRIs are those of the address the request came to', async () => {
    const plain = await buildTestApp({ seed: true });
    try {
      const res = await plain.api
        .get('/claims/1/export/annotation')
        .set('host', 'ledger.test:8080')
        .buffer(true);
      expect(JSON.parse(res.text).target.source).toBe('http://ledger.test:8080/sources/1');
    } finally {
      await plain.close();
    }
  });
});

/** A claim carrying one attribution with an actor and one that holds nobody responsible. */
function syntheticInput(): ExportInput {
  const at = '2026-01-01T00:00:00.000Z';
  const actor = { id: 1, name: 'Ministry', kind: 'government_body' };
  const accused = { id: 2, name: 'Neighbour', kind: 'state' };
  const event = { id: 1, title: 'Blast' };
  return {
    baseUrl: BASE,
    event: null,
    claims: [
      {
        id: 1,
        text: 'Nobody has been blamed yet.',
        stance: 'asserts',
        modality: 'paraphrase',
        statedAt: null,
        claimant: actor,
        source: { id: 1, title: 'Statement', url: null, publishedAt: null },
        event,
        reportedVia: [],
        quote: {
          exact: 'blamed',
          prefix: 'Nobody has been ',
          suffix: ' yet.',
          start: 16,
          end: 22,
          verified: true,
        },
        credibility: null,
        retraction: null,
        createdAt: at,
        updatedAt: at,
      },
    ],
    attributions: [
      {
        id: 1,
        claimId: 1,
        event,
        actor: accused,
        role: 'perpetrator',
        position: 'asserts',
        createdAt: at,
        updatedAt: at,
      },
      {
        id: 2,
        claimId: 1,
        event,
        actor: null,
        role: 'perpetrator',
        position: 'no_attribution',
        createdAt: at,
        updatedAt: at,
      },
    ],
    actors: new Map(
      [actor, accused].map((a) => [
        a.id,
        { ...a, description: null, wikidataId: null, parentId: null, createdAt: at, updatedAt: at },
      ]),
    ),
    sources: new Map([
      [
        1,
        {
          id: 1,
          title: 'Statement',
          url: null,
          publisherId: null,
          copyOfId: null,
          publishedAt: null,
          retrievedAt: at,
          language: 'en',
          kind: 'official_statement',
          sha256: 'a'.repeat(64),
          createdAt: at,
          updatedAt: at,
        },
      ],
    ]),
    events: new Map([
      [
        1,
        {
          ...event,
          summary: null,
          kind: 'blast',
          startsAt: null,
          endsAt: null,
          placeName: null,
          createdAt: at,
          updatedAt: at,
        },
      ],
    ]),
  };
}
