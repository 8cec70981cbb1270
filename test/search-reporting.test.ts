import { describe, expect, it } from 'vitest';
import { rebuildSearchIndex } from '../src/modules/search/search.index.js';
import { createSourcesRepository } from '../src/modules/sources/sources.repository.js';
import { CreateSourceBody } from '../src/modules/sources/sources.schemas.js';
import { buildTestApp, expectProblem, type Json, type TestContext, useFreshApp } from './helpers/app.js';
import { createActor, createClaim, createEvent, createSource } from './helpers/factories.js';

// What a journalist types first: a person's name, a plural, an abbreviation with a quote mark in it; newest
// first, page after page; and a query that has to read far stops at its time budget and says so.

const ctx = useFreshApp();

async function search(query: Record<string, string | number>, on: TestContext = ctx): Promise<Json> {
  const res = await on.api.get('/search').query(query);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}
const keys = (body: Json): string[] =>
  body.data.map((h: Json) => `${h.kind}:${h.kind === 'source' ? h.source.id : h.claim.id}`);

const LETTER = [
  'In a letter to the UN Secretary-General, the envoy said Iran reserves its right to respond.',
  'He said that based on early investigations, the Israeli regime was responsible for the attempted act of aggression in Isfahan.',
  'The quadcopter was brought down by air defences.',
].join(' ');

/** The envoy, whose name is in no text: only his actor record knows it. */
async function envoyCase() {
  const envoy = await createActor(ctx.api, {
    name: 'Amir Saeid Iravani',
    kind: 'person',
    aliases: ['Amir Saied Iravani', 'Iravani'],
  });
  const outlet = await createActor(ctx.api, {
    name: 'Syria Truths',
    kind: 'media_outlet',
    aliases: ['SyriaTruths'],
  });
  const source = await createSource(ctx.api, {
    title: 'In letter to UN, envoy says Iran entitled to respond',
    publisherId: outlet.id,
    text: LETTER,
  });
  const responsible = await createClaim(ctx.api, {
    sourceId: source.id,
    claimantId: envoy.id,
    text: 'The Israeli regime was responsible for the attempted act of aggression.',
    quote: { exact: 'the Israeli regime was responsible for the attempted act of aggression in Isfahan' },
  });
  const right = await createClaim(ctx.api, {
    sourceId: source.id,
    claimantId: envoy.id,
    text: 'Iran reserves its right to respond.',
    quote: { exact: 'Iran reserves its right to respond' },
  });
  return { envoy, outlet, source, responsible, right };
}

describe('GET /search finds people and outlets by name', () => {
  it('finds a claimant’s claims by his name and by any alias, though no text names him', async () => {
    const { envoy, responsible, right } = await envoyCase();
    for (const q of ['Iravani', 'iravani', 'Amir Saeid Iravani', 'Saeid', '"Amir Saied Iravani"']) {
      const res = await search({ q });
      expect(keys(res), q).toEqual([`claim:${right.id}`, `claim:${responsible.id}`]);
      for (const hit of res.data) {
        expect(hit.claim.claimant).toEqual({ id: envoy.id, name: envoy.name, kind: 'person' });
        // The snippet is the claim's own text; the name matched elsewhere, so nothing in it is highlighted.
        expect(hit.snippet).toBe(hit.claim.text);
        expect(hit.highlights).toEqual([]);
      }
    }
    // A name and a word of the text together narrow to the claim holding both.
    expect(keys(await search({ q: 'Iravani aggression' }))).toEqual([`claim:${responsible.id}`]);
    expect(keys(await search({ q: 'Iravani', kind: 'quote' }))).toEqual([]);
  });

  it('follows a rename and new aliases into the index, in the same write', async () => {
    const { envoy, responsible, right } = await envoyCase();
    const patched = await ctx.api
      .patch(`/actors/${envoy.id}`)
      .send({ name: 'Amir-Saeid Iravani', aliases: ['Ambassador Iravani', 'Irvani'] });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(keys(await search({ q: 'Irvani' }))).toEqual([`claim:${right.id}`, `claim:${responsible.id}`]);
    expect(keys(await search({ q: 'Ambassador' }))).toEqual([`claim:${right.id}`, `claim:${responsible.id}`]);
    expect((await search({ q: '"Amir Saied"' })).data).toEqual([]);
    // A claim that changes claimant changes names too.
    const other = await createActor(ctx.api, { name: 'Unnamed diplomat', kind: 'person' });
    expect((await ctx.api.patch(`/claims/${right.id}`).send({ claimantId: other.id })).status).toBe(200);
    expect(keys(await search({ q: 'Irvani' }))).toEqual([`claim:${responsible.id}`]);
    expect(keys(await search({ q: 'diplomat' }))).toEqual([`claim:${right.id}`]);
  });

  it('finds sources by their publisher’s name or alias, and by title', async () => {
    const { outlet, source } = await envoyCase();
    for (const q of ['Syria Truths', 'SyriaTruths', 'entitled']) {
      expect(keys(await search({ q, kind: 'source' })), q).toEqual([`source:${source.id}`]);
    }
    const renamed = await ctx.api.patch(`/actors/${outlet.id}`).send({ aliases: ['ST Media'] });
    expect(renamed.status).toBe(200);
    expect(keys(await search({ q: '"ST Media"' }))).toEqual([`source:${source.id}`]);
    expect((await search({ q: 'SyriaTruths' })).data).toEqual([]);
  });
});

describe('GET /search matches words, not spellings', () => {
  it('finds the singular by the plural and the plural by the singular (English stemming)', async () => {
    const { source, right } = await envoyCase();
    const plural = await createSource(ctx.api, {
      title: 'Drones',
      text: 'Three small quadcopters targeted a munitions factory; the attacks failed.',
    });
    expect(keys(await search({ q: 'quadcopters' }))).toEqual([`source:${plural.id}`, `source:${source.id}`]);
    expect(keys(await search({ q: 'quadcopter' }))).toEqual([`source:${plural.id}`, `source:${source.id}`]);
    expect(keys(await search({ q: 'attack' }))).toEqual([`source:${plural.id}`]);
    expect(keys(await search({ q: 'respond responding' }))).toEqual([
      `quote:${right.id}`,
      `claim:${right.id}`,
      `source:${source.id}`,
    ]);
  });

  it('answers 200 for a Hebrew abbreviation with gershayim and for unbalanced quotes and parentheses', async () => {
    const hebrew = await createSource(ctx.api, {
      title: 'ידיעות',
      text: 'גורמים בארה"ב אמרו כי ישראל עומדת מאחורי התקיפה. ארה"ב לא הגיבה.',
    });
    const english = await createSource(ctx.api, {
      title: 'Report',
      text: 'Officials said "the drones came from the north (near the border.',
    });
    expect(keys(await search({ q: 'ארה"ב' }))).toEqual([`source:${hebrew.id}`]);
    expect(keys(await search({ q: 'ארה״ב' }))).toEqual([`source:${hebrew.id}`]);
    for (const q of [
      '"the drones came',
      'drones came"',
      '(near the border',
      'border)',
      '“the drones',
      '"',
      '(',
    ]) {
      const res = await search({ q });
      expect(res.complete, q).toBe(true);
      if (/[a-z]/.test(q)) expect(keys(res), q).toEqual([`source:${english.id}`]);
      else expect(res.data, q).toEqual([]);
    }
  });
});

describe('GET /search pages newest first', () => {
  it('keeps pages stable while records are added between them, every match exactly once', async () => {
    const before: number[] = [];
    for (let i = 0; i < 7; i++) {
      before.push((await createSource(ctx.api, { title: `Dispatch ${i}`, text: `Hangar ${i} burned.` })).id);
    }
    const seen: number[] = [];
    let res = await search({ q: 'hangar', limit: 3 });
    seen.push(...res.data.map((h: Json) => h.source.id));
    // Newer records arrive meanwhile: they do not shift the pages already being read.
    await createSource(ctx.api, { title: 'Late dispatch', text: 'Hangar 99 burned.' });
    while (res.nextCursor) {
      const page = await ctx.api.get('/search').query({ q: 'hangar', limit: 3, cursor: res.nextCursor });
      expect(page.status).toBe(200);
      res = page.body;
      seen.push(...res.data.map((h: Json) => h.source.id));
      await createSource(ctx.api, { title: 'Later still', text: 'Another hangar burned.' });
    }
    expect(seen).toEqual([...before].reverse());
    expect(res.complete).toBe(true);
  });

  it('ranks the newest matches with order=relevance, pages through them, and refuses a cursor of the other order', async () => {
    for (let i = 0; i < 4; i++) await createSource(ctx.api, { title: `Note ${i}`, text: 'A strike.' });
    const heavy = await createSource(ctx.api, { title: 'Heavy', text: 'Strike after strike after strike.' });
    const first = await search({ q: 'strike', order: 'relevance', limit: 2 });
    expect(first).toMatchObject({ order: 'relevance', complete: true, ranked: 5, notice: null });
    expect(first.data[0].source.id).toBe(heavy.id);
    expect(first.data.every((h: Json) => typeof h.rank === 'number')).toBe(true);
    const second = await search({ q: 'strike', order: 'relevance', limit: 2, cursor: first.nextCursor });
    const third = await search({ q: 'strike', order: 'relevance', limit: 2, cursor: second.nextCursor });
    expect(third.nextCursor).toBeNull();
    const ranks = [...first.data, ...second.data, ...third.data].map((h: Json) => h.rank);
    expect(ranks).toHaveLength(5);
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);

    const wrong = await ctx.api.get('/search').query({ q: 'strike', cursor: first.nextCursor });
    expectProblem(wrong, 400, 'INVALID_CURSOR', '/search', {
      title: 'The cursor is not valid',
      detail: 'This cursor continues a search in the relevance order.',
      errors: [{ in: 'query', pointer: '/cursor', message: 'Issued for order=relevance' }],
    });
  });
});

describe('GET /search with a time budget', () => {
  /** Many sources about drones, one of them (the oldest) holding a claim about `event`. */
  async function manySources(on: TestContext, n: number) {
    const event = await createEvent(on.api, { title: 'The one event' });
    const empty = await createEvent(on.api, { title: 'An event nobody reported' });
    const oldest = await createSource(on.api, { title: 'Oldest', text: 'A drone hit the hangar.' });
    const claim = await createClaim(on.api, {
      sourceId: oldest.id,
      eventId: event.id,
      text: 'A drone hit it.',
      quote: { exact: 'A drone hit the hangar' },
    });
    const sources = createSourcesRepository(on.app.db);
    on.app.db.$client.transaction(() => {
      for (let i = 0; i < n; i++) {
        sources.create(
          CreateSourceBody.parse({
            title: `Filler ${i}`,
            kind: 'news_article',
            text: `Drone sighting number ${i}.`,
          }),
        );
      }
    })();
    return { event, empty, oldest, claim };
  }

  it('answers with what it found when the budget runs out, saying so, and the cursor goes on from there', async () => {
    const tight = await buildTestApp({ searchTimeBudgetMs: 1 });
    try {
      const { event, empty, oldest, claim } = await manySources(tight, 3000);
      // A rare filter with a common word reads the whole index: far more than 1 ms.
      const first = await search({ q: 'drone', event: empty.id }, tight);
      expect(first).toMatchObject({ order: 'newest', complete: false, data: [] });
      expect(first.notice).toBe(
        'The search stopped when its time budget (1 ms) ran out: these are the matches found by then; nextCursor continues from where it stopped.',
      );
      expect(first.nextCursor).toEqual(expect.any(String));

      // Following the cursors reads on, a budget at a time, to the end; every match is found once.
      const found: string[] = [];
      let res = await search({ q: 'drone', event: event.id }, tight);
      let pages = 1;
      found.push(...keys(res));
      while (res.nextCursor) {
        res = await search({ q: 'drone', event: event.id, cursor: res.nextCursor }, tight);
        found.push(...keys(res));
        pages++;
        expect(pages).toBeLessThan(3000);
      }
      expect(pages).toBeGreaterThan(1);
      expect(res.complete).toBe(true);
      expect(found).toEqual([`quote:${claim.id}`, `claim:${claim.id}`, `source:${oldest.id}`]);
    } finally {
      await tight.close();
    }
  });

  it('finishes the same searches within the default budget', async () => {
    const { event, empty, oldest, claim } = await manySources(ctx, 3000);
    const all = await search({ q: 'drone', event: event.id });
    expect(all).toMatchObject({ complete: true, notice: null, nextCursor: null });
    expect(keys(all)).toEqual([`quote:${claim.id}`, `claim:${claim.id}`, `source:${oldest.id}`]);
    expect(await search({ q: 'drone', event: empty.id })).toMatchObject({
      data: [],
      complete: true,
      nextCursor: null,
    });
  });
});

describe('rebuilding the search index', () => {
  it('gives the same rows as the triggers kept, and the same answers', async () => {
    const { right } = await envoyCase();
    await createSource(ctx.api, { title: 'Another', text: 'Quadcopters again.' });
    const sqlite = ctx.app.db.$client;
    const rows = () => ({
      docs: sqlite.prepare('SELECT id, kind, ref_id FROM search_docs ORDER BY id').all(),
      index: sqlite.prepare('SELECT rowid, body, names FROM search_index ORDER BY rowid').all(),
      names: sqlite.prepare('SELECT rowid, names FROM actor_names ORDER BY rowid').all(),
    });
    const kept = rows();
    const before = await search({ q: 'Iravani OR quadcopter' });
    sqlite.transaction(() => rebuildSearchIndex(sqlite))();
    expect(rows()).toEqual(kept);
    expect(await search({ q: 'Iravani OR quadcopter' })).toEqual(before);
    expect(keys(await search({ q: 'Iravani', kind: 'claim' }))).toContain(`claim:${right.id}`);
    sqlite.exec("INSERT INTO search_index (search_index) VALUES ('integrity-check')");
  });
});
