import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, expectProblem, type TestContext } from './helpers/app.js';
import { createActor, createClaim, createEvent, createSource, WIRE_TEXT } from './helpers/factories.js';

let ctx: TestContext;
beforeEach(async () => {
  ctx = await buildTestApp();
});
afterEach(async () => {
  await ctx.close();
});

interface Hit {
  kind: 'claim' | 'quote' | 'source';
  rank: number | null;
  snippet: string;
  highlights: [number, number][];
  claim: { id: number; text: string; claimant: { name: string } | null } | null;
  source: { id: number; title: string; url: string | null; publishedAt: string | null };
}

async function search(query: Record<string, string | number>) {
  const res = await ctx.api.get('/search').query(query);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as {
    data: Hit[];
    nextCursor: string | null;
    order: string;
    complete: boolean;
    ranked: number | null;
    notice: string | null;
  };
}

/** Each hit as `kind:id`, the id being the claim's for claim and quote hits and the source's otherwise. */
const keys = (body: { data: Hit[] }) =>
  body.data.map((h) => `${h.kind}:${h.kind === 'source' ? h.source.id : h.claim?.id}`);

const refOf = (source: { id: number; title: string; url: string | null; publishedAt: string | null }) => ({
  id: source.id,
  title: source.title,
  url: source.url,
  publishedAt: source.publishedAt,
});

const highlighted = (hit: Hit) =>
  hit.highlights.map(([start, end]) => [...hit.snippet].slice(start, end).join(''));

const CONTROL = /\p{Cc}/u;

describe('GET /search finds', () => {
  it('a claim by words of its text, and a claim by its quote, with the whole claim embedded', async () => {
    const source = await createSource(ctx.api, { url: 'https://example.com/wire' });
    const claim = await createClaim(ctx.api, {
      sourceId: source.id,
      text: 'The ministry reported a strike on a workshop.',
      quote: { exact: 'There was minor damage to the roof' },
    });
    const stored = (await ctx.api.get(`/claims/${claim.id}`)).body;

    // "reported" is only in the claim's text.
    const byText = await search({ q: 'reported' });
    expect(byText).toEqual({
      data: [
        {
          kind: 'claim',
          rank: null,
          snippet: 'The ministry reported a strike on a workshop.',
          highlights: [[13, 21]],
          claim: stored,
          source: refOf(source),
        },
      ],
      nextCursor: null,
      order: 'newest',
      complete: true,
      ranked: null,
      notice: null,
    });

    // "roof" is in the quote and in the source text, not in the claim's text.
    const byQuote = await search({ q: 'roof' });
    expect(keys(byQuote).sort()).toEqual([`quote:${claim.id}`, `source:${source.id}`]);
    expect(byQuote.data.find((h) => h.kind === 'quote')).toEqual({
      kind: 'quote',
      rank: null,
      snippet: 'There was minor damage to the roof',
      highlights: [[30, 34]],
      claim: stored,
      source: refOf(source),
    });
  });

  it('a source by words only in its text, with no claim', async () => {
    const source = await createSource(ctx.api, { title: 'Wire story', publishedAt: '2023-01-29T09:00:00Z' });
    await createClaim(ctx.api, { sourceId: source.id });

    const res = await search({ q: 'Telegram' });
    expect(res.data).toEqual([
      {
        kind: 'source',
        rank: null,
        snippet: expect.any(String),
        highlights: expect.any(Array),
        claim: null,
        source: { id: source.id, title: 'Wire story', url: null, publishedAt: '2023-01-29T09:00:00.000Z' },
      },
    ]);
    const [hit] = res.data;
    expect(hit && highlighted(hit)).toEqual(['Telegram', 'Telegram']);
    expect((await search({ q: 'Tehran Telegram Israel' })).data.map((h) => h.kind)).toEqual(['source']);
    expect((await search({ q: 'Telegram Hezbollah' })).data).toEqual([]);
  });

  it('a quote pasted with curly quotes and apostrophes, whether the text uses straight or curly ones', async () => {
    const straight = await createSource(ctx.api, {
      title: 'Statement',
      text: 'The minister said: "Such actions cannot impact our resolve." He added that Iran\'s air defences worked.',
    });
    const curly = await createSource(ctx.api, {
      title: 'Report',
      text: 'Officials said the country\u2019s air defences worked, and that Iran\u2019s air defences fended off three drones.',
    });
    const claim = await createClaim(ctx.api, {
      sourceId: straight.id,
      text: 'Such actions cannot impact the resolve of Iran.',
      quote: { exact: 'Such actions cannot impact our resolve.' },
    });

    const pasted = await search({ q: '\u201cSuch actions cannot impact\u201d' });
    expect(keys(pasted).sort()).toEqual([`claim:${claim.id}`, `quote:${claim.id}`, `source:${straight.id}`]);
    for (const hit of pasted.data) expect(highlighted(hit)).toEqual(['Such actions cannot impact']);

    for (const q of [
      'Iran\u2019s air defences',
      "Iran's air defences",
      '\u201cIran\u2019s air defences\u201d',
    ]) {
      expect(keys(await search({ q })).sort(), q).toEqual([`source:${straight.id}`, `source:${curly.id}`]);
    }
    // Other typographic quotes fold too: guillemets and low-9 quotes open and close phrases.
    expect(keys(await search({ q: '«cannot impact»' })).sort()).toEqual(keys(pasted).sort());
    expect(keys(await search({ q: '\u201ecannot impact\u201c' })).sort()).toEqual(keys(pasted).sort());
    // As a phrase, the words must be in order.
    expect((await search({ q: '\u201cimpact cannot\u201d' })).data).toEqual([]);
  });

  it('ranks the exact phrase first', async () => {
    // Created first, so that rowid order alone would put it first.
    const scattered = await createSource(ctx.api, {
      title: 'Scattered',
      text: 'The defences of the city held, and the air over it was quiet for a night and a day.',
    });
    const exact = await createSource(ctx.api, {
      title: 'Exact',
      text: 'The city held, and its air defences were quiet over it for a night and a day, they say.',
    });
    expect(keys(await search({ q: 'air defences' })).sort()).toEqual([
      `source:${scattered.id}`,
      `source:${exact.id}`,
    ]);
    expect(keys(await search({ q: '“air defences”' }))).toEqual([`source:${exact.id}`]);
    const either = await search({ q: '“air defences” OR defences', order: 'relevance' });
    expect(either).toMatchObject({ order: 'relevance', complete: true, ranked: 2, notice: null });
    expect(keys(either)).toEqual([`source:${exact.id}`, `source:${scattered.id}`]);
    expect(either.data[0]?.rank).toBeLessThan(either.data[1]?.rank as number);
  });

  it('ranks a document mentioning the term many times before one mentioning it once', async () => {
    // Recorded first, so that the newest-first order puts it last.
    const often = await createSource(ctx.api, {
      title: 'Often',
      text: 'Sanctions, more sanctions: the sanctions announced on Monday add to sanctions from last year.',
    });
    const once = await createSource(ctx.api, {
      title: 'Once',
      text: 'New sanctions were announced on Monday against several companies and a number of officials.',
    });
    await createSource(ctx.api, { title: 'Unrelated', text: 'Nothing to see here about drones.' });
    await createSource(ctx.api, { title: 'Also unrelated', text: 'A quiet night in the city.' });

    const res = await search({ q: 'sanctions', order: 'relevance' });
    expect(keys(res)).toEqual([`source:${often.id}`, `source:${once.id}`]);
    // Newest first by default, unranked.
    const newest = await search({ q: 'sanctions' });
    expect(keys(newest)).toEqual([`source:${once.id}`, `source:${often.id}`]);
    expect(newest.data.map((h) => h.rank)).toEqual([null, null]);
    const [first, second] = res.data;
    expect(first?.rank).toBeLessThan(second?.rank as number);
  });
});

describe('GET /search highlights', () => {
  it('returns plain-text snippets and code-point ranges that cover the matched words', async () => {
    const source = await createSource(ctx.api, {
      title: 'Drones over Isfahan',
      text: `${WIRE_TEXT}Drones were seen over Isfahan again.\r\nDRONES!`,
    });
    const claim = await createClaim(ctx.api, { sourceId: source.id });

    const words = ['drones', 'isfahan', 'micro'];
    const res = await search({ q: 'drones OR isfahan OR micro' });
    expect(keys(res).sort()).toEqual([`claim:${claim.id}`, `quote:${claim.id}`, `source:${source.id}`]);
    for (const hit of res.data) {
      expect(hit.snippet).not.toMatch(CONTROL);
      expect(hit.snippet).not.toMatch(/[<>]/);
      expect(hit.highlights.length).toBeGreaterThan(0);
      for (const word of highlighted(hit)) expect(words).toContain(word.toLowerCase());
      // In order and not overlapping.
      for (let i = 1; i < hit.highlights.length; i++) {
        expect(hit.highlights[i]?.[0]).toBeGreaterThanOrEqual(hit.highlights[i - 1]?.[1] as number);
      }
    }
    const sourceHit = res.data.find((h) => h.kind === 'source');
    expect(sourceHit?.snippet).toContain('…');
  });

  it('counts highlight offsets in code points, and highlights whole words for a prefix', async () => {
    const source = await createSource(ctx.api, { title: 'Post', text: '🚁🚁 Drones seen — 𝐼 drones again' });
    const res = await search({ q: 'drone*' });
    expect(res.data).toEqual([
      {
        kind: 'source',
        rank: null,
        snippet: 'Post 🚁🚁 Drones seen — 𝐼 drones again',
        highlights: [
          [8, 14],
          [24, 30],
        ],
        claim: null,
        source: refOf(source),
      },
    ]);
    const [hit] = res.data;
    expect(hit && highlighted(hit)).toEqual(['Drones', 'drones']);
  });

  it('shows line breaks as spaces', async () => {
    const source = await createSource(ctx.api, {
      title: 'Lines',
      text: 'First line about the roof\r\n\r\nsecond line\tafter a tab.',
    });
    const res = await search({ q: 'roof', kind: 'source' });
    expect(res.data).toEqual([
      {
        kind: 'source',
        rank: null,
        snippet: 'Lines First line about the roof second line after a tab.',
        highlights: [[27, 31]],
        claim: null,
        source: refOf(source),
      },
    ]);
  });
});

describe('GET /search filters', () => {
  it('by kind', async () => {
    const source = await createSource(ctx.api);
    const claim = await createClaim(ctx.api, {
      sourceId: source.id,
      text: 'The roof was damaged.',
      quote: { exact: 'There was minor damage to the roof' },
    });
    expect(keys(await search({ q: 'roof' })).sort()).toEqual([
      `claim:${claim.id}`,
      `quote:${claim.id}`,
      `source:${source.id}`,
    ]);
    expect(keys(await search({ q: 'roof', kind: 'claim' }))).toEqual([`claim:${claim.id}`]);
    expect(keys(await search({ q: 'roof', kind: 'quote' }))).toEqual([`quote:${claim.id}`]);
    expect(keys(await search({ q: 'roof', kind: 'source' }))).toEqual([`source:${source.id}`]);

    const bad = await ctx.api.get('/search').query({ q: 'roof', kind: 'claims' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ in: 'query', pointer: '/kind', message: expect.any(String) }]);
  });

  it('by event and by actor', async () => {
    const ministry = await createActor(ctx.api, { name: 'Ministry of Defence' });
    const channel = await createActor(ctx.api, { name: 'Telegram channel', kind: 'social_channel' });
    const outlet = await createActor(ctx.api, { name: 'Wire agency', kind: 'media_outlet' });
    const isfahan = await createEvent(ctx.api, { title: 'Drone attack in Isfahan' });
    const other = await createEvent(ctx.api, { title: 'Explosion in Tabriz' });

    const a = await createSource(ctx.api, { title: 'A' });
    const b = await createSource(ctx.api, { title: 'B' });
    const published = await createSource(ctx.api, { title: 'C', publisherId: outlet.id });
    const about = await createClaim(ctx.api, {
      sourceId: a.id,
      eventId: isfahan.id,
      claimantId: ministry.id,
    });
    const elsewhere = await createClaim(ctx.api, {
      sourceId: b.id,
      eventId: other.id,
      claimantId: channel.id,
    });

    // "drones" is in every claim, quote and source.
    expect(keys(await search({ q: 'drones', limit: 100 }))).toHaveLength(7);
    expect(keys(await search({ q: 'drones', event: isfahan.id })).sort()).toEqual([
      `claim:${about.id}`,
      `quote:${about.id}`,
      `source:${a.id}`,
    ]);
    expect(keys(await search({ q: 'drones', event: other.id })).sort()).toEqual([
      `claim:${elsewhere.id}`,
      `quote:${elsewhere.id}`,
      `source:${b.id}`,
    ]);
    expect(keys(await search({ q: 'drones', actor: ministry.id })).sort()).toEqual([
      `claim:${about.id}`,
      `quote:${about.id}`,
      `source:${a.id}`,
    ]);
    // A publisher's sources, though it made no claim.
    expect(keys(await search({ q: 'drones', actor: outlet.id }))).toEqual([`source:${published.id}`]);
    // Filters combine with AND.
    expect(keys(await search({ q: 'drones', actor: channel.id, event: isfahan.id }))).toEqual([]);
    expect(keys(await search({ q: 'drones', actor: channel.id, kind: 'quote' }))).toEqual([
      `quote:${elsewhere.id}`,
    ]);

    const bad = await ctx.api.get('/search').query({ q: 'drones', event: '1e3' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ in: 'query', pointer: '/event', message: expect.any(String) }]);
  });
});

describe('GET /search pages', () => {
  it('pages through the ranking with a cursor and a Link header that keeps the query', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await createSource(ctx.api, { title: `Report ${i}`, text: `The roof of hangar ${i}.` })).id);
    }
    const all = await search({ q: 'roof hangar', limit: 100 });
    expect(all.nextCursor).toBeNull();
    expect(keys(all).sort()).toEqual(ids.map((id) => `source:${id}`).sort());

    const seen: string[] = [];
    let res = await ctx.api.get('/search').query({ q: 'roof hangar', kind: 'source', limit: 2 });
    for (let page = 0; ; page++) {
      expect(res.status).toBe(200);
      seen.push(...keys(res.body));
      if (page < 2) {
        expect(res.body.data).toHaveLength(2);
        expect(res.body.nextCursor).toEqual(expect.any(String));
        // The query as it was sent (supertest writes the space as %20), the cursor set in it.
        const link = `</search?q=roof%20hangar&kind=source&limit=2&cursor=${res.body.nextCursor}>; rel="next"`;
        expect(res.headers.link).toBe(link);
        res = await ctx.api.get(link.slice(1, link.indexOf('>')));
      } else {
        expect(res.body.data).toHaveLength(1);
        expect(res.body.nextCursor).toBeNull();
        expect(res.headers.link).toBeUndefined();
        break;
      }
    }
    expect(seen).toEqual(keys(all));
  });

  it('answers 400 INVALID_CURSOR for a cursor it did not issue', async () => {
    for (const cursor of [
      'nonsense',
      Buffer.from(JSON.stringify({ v: 1, after: 3 })).toString('base64url'),
      Buffer.from(JSON.stringify({ v: 1, offset: -1 })).toString('base64url'),
      Buffer.from(JSON.stringify({ v: 2, offset: 2 })).toString('base64url'),
    ]) {
      const res = await ctx.api.get('/search').query({ q: 'roof', cursor });
      expectProblem(res, 400, 'INVALID_CURSOR', '/search', {
        title: 'The cursor is not valid',
        detail: 'The cursor was not issued by this service or is damaged.',
        errors: [{ in: 'query', pointer: '/cursor', message: 'Not a cursor issued by this service' }],
      });
    }
  });
});

describe('GET /search follows every write', () => {
  it('re-indexes a claim when its text changes, and drops it when it is deleted', async () => {
    const source = await createSource(ctx.api);
    const claim = await createClaim(ctx.api, { sourceId: source.id, text: 'A hangar was hit.' });
    expect(keys(await search({ q: 'hangar' }))).toEqual([`claim:${claim.id}`]);

    const patched = await ctx.api.patch(`/claims/${claim.id}`).send({ text: 'A warehouse burned.' });
    expect(patched.status).toBe(200);
    expect((await search({ q: 'hangar' })).data).toEqual([]);
    const found = await search({ q: 'warehouse' });
    expect(keys(found)).toEqual([`claim:${claim.id}`]);
    expect(found.data[0]?.claim?.text).toBe('A warehouse burned.');

    expect((await ctx.api.delete(`/claims/${claim.id}`)).status).toBe(204);
    expect((await search({ q: 'warehouse' })).data).toEqual([]);
    // The quote's words are still in the source, but no longer as a quote.
    expect(keys(await search({ q: '"targeted by micro drones"' }))).toEqual([`source:${source.id}`]);
  });

  it('re-indexes a source when its title changes', async () => {
    const source = await createSource(ctx.api, { title: 'Wire story' });
    expect(keys(await search({ q: 'story' }))).toEqual([`source:${source.id}`]);

    const patched = await ctx.api.patch(`/sources/${source.id}`).send({ title: 'Overnight dispatch' });
    expect(patched.status).toBe(200);
    expect((await search({ q: 'story' })).data).toEqual([]);
    const found = await search({ q: 'overnight dispatch' });
    expect(found.data).toEqual([
      {
        kind: 'source',
        rank: null,
        snippet: expect.stringMatching(/^Overnight dispatch Tehran, Jan\. 29/),
        highlights: [
          [0, 9],
          [10, 18],
        ],
        claim: null,
        source: { id: source.id, title: 'Overnight dispatch', url: null, publishedAt: null },
      },
    ]);
  });
});

describe('GET /search with punctuation inside words', () => {
  it('finds hyphenated names, times and abbreviations as typed', async () => {
    const seeded = await buildTestApp({ seed: true });
    try {
      for (const q of ['Amir-Abdollahian', '23:30', 'U.S. Secretary', 'Shahed-136']) {
        const res = await seeded.api.get('/search').query({ q });
        expect(res.status, q).toBe(200);
        expect(res.body.data.length, q).toBeGreaterThan(0);
      }
    } finally {
      await seeded.close();
    }
  });
});

describe('GET /search refuses', () => {
  it.each([
    ['drones NOT', 'NOT at character 8 has nothing after it'],
    ['AND', 'AND at character 1 has nothing before it'],
    ['NOT drones', 'NOT at character 1 has nothing before it'],
    ['drones OR OR drone', 'OR at character 11 follows OR'],
    ['(drones OR) Isfahan', 'OR at character 9 has nothing after it'],
    ['NEAR(drones Isfahan', 'NEAR( at character 1 is not closed'],
    [
      'NEAR(drones, Isfahan)',
      'NEAR( at character 1 takes terms and at most one distance, a whole number: NEAR(drone attack, 5)',
    ],
  ])(
    'q=%s, broken operator syntax, with 400 INVALID_SEARCH_QUERY naming the part at fault',
    async (q, reason) => {
      await createSource(ctx.api);
      const res = await ctx.api.get('/search').query({ q });
      expectProblem(res, 400, 'INVALID_SEARCH_QUERY', '/search', {
        title: 'The search query is not valid',
        detail: `The search query is not valid: ${reason}. Words are searched as typed; the operators AND, OR and NOT (in capitals) must join two terms, and NEAR(...) must be closed.`,
        errors: [{ in: 'query', pointer: '/q', message: reason }],
      });
    },
  );

  it('a missing, empty or too long q with 400 VALIDATION_FAILED', async () => {
    for (const query of [{}, { q: '' }, { q: 'x'.repeat(501) }, { q: 'roof', limit: 101 }]) {
      const res = await ctx.api.get('/search').query(query);
      expectProblem(res, 400, 'VALIDATION_FAILED', '/search', {
        title: 'The request is not valid',
        detail: expect.any(String),
        errors: [{ in: 'query', pointer: 'limit' in query ? '/limit' : '/q', message: expect.any(String) }],
      });
    }
    expect((await search({ q: 'x'.repeat(500) })).data).toEqual([]);
  });
});

describe('GET /search on the seeded Isfahan case', () => {
  beforeEach(async () => {
    await ctx.close();
    ctx = await buildTestApp({ seed: true });
  });

  it('finds the Iranian officials’ claim by “quadcopters”', async () => {
    const res = await search({ q: 'quadcopters', kind: 'claim' });
    expect(res.data.map((h) => [h.claim?.claimant?.name, h.claim?.text])).toContainEqual([
      'Iranian officials',
      "Iran's air defences fended off an attempted attack by three small quadcopters targeting a munitions factory in Isfahan.",
    ]);
    for (const hit of res.data) expect(highlighted(hit).map((w) => w.toLowerCase())).toContain('quadcopters');
  });

  it('finds the foreign minister’s quote pasted with curly quotes', async () => {
    const res = await search({ q: '“Such actions cannot impact”', kind: 'quote' });
    const [first] = res.data;
    expect(first?.claim?.claimant?.name).toBe('Hossein Amir-Abdollahian');
    expect(first?.claim?.text).toBe(
      "Such actions cannot impact the determination and intent of Iran's experts for peaceful nuclear progress.",
    );
    expect(first && highlighted(first)).toEqual(['Such actions cannot impact']);
    expect(first?.source.title).toBe(
      'Israel carries out drone strike in Iran in first move by far-right government',
    );
  });
});

describe('GET /search snippets of long documents', () => {
  it('takes the snippet from the first stretch that matches, however long the document and however many matches', async () => {
    const filler = 'The committee met again and talked at length about nothing in particular. ';
    // The envoy's name is also an actor's, so the query looks in the names too.
    await createActor(ctx.api, { name: 'The envoy', kind: 'person' });
    const deep = await createSource(ctx.api, {
      title: 'Transcript',
      text: `${filler.repeat(400)}Then the envoy mentioned the quadcopters once. ${filler.repeat(50)}`,
    });
    const dense = await createSource(ctx.api, { title: 'Dense', text: 'drone '.repeat(100_000) });

    const found = await search({ q: 'envoy quadcopter' });
    expect(keys(found)).toEqual([`source:${deep.id}`]);
    const [hit] = found.data;
    expect(hit?.snippet.startsWith('…')).toBe(true);
    expect(hit && highlighted(hit)).toEqual(['envoy', 'quadcopters']);

    // A hundred thousand matches in one document: the snippet still comes at once, from its first stretch.
    const many = await search({ q: 'drone' });
    expect(keys(many)).toEqual([`source:${dense.id}`]);
    expect(many.data[0]?.snippet).toMatch(/^Dense drone drone .*…$/);
    expect(many.data[0]?.highlights.length).toBeGreaterThan(10);

    // Words far apart (the title and a word 30,000 characters on): the first stretch holding one, marked.
    const apart = await search({ q: 'transcript quadcopters' });
    expect(keys(apart)).toEqual([`source:${deep.id}`]);
    expect(apart.data[0]?.snippet).toBe(
      'Transcript The committee met again and talked at length about nothing in particular. The committee met…',
    );
    expect(apart.data[0]?.highlights).toEqual([[0, 10]]);
  });
});
