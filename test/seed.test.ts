import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sliceCodePoints, verifyQuote } from '../src/domain/quote-anchor.js';
import { loadSeedFile } from '../src/seeds/seed-loader.js';
import { buildTestApp, type TestContext } from './helpers/app.js';

type Claim = {
  id: number;
  text: string;
  stance: string;
  modality: string;
  claimant: { id: number; name: string } | null;
  source: { id: number; title: string };
  reportedVia: { id: number; name: string }[];
  quote: { exact: string; prefix: string; suffix: string; start: number; end: number; verified: boolean };
};

const DOCUMENTS = ['000_05462a23acc04f2f.txt', '001_a9c9e53a6dfab632.txt'];
// The originals live in shared/ beside the checkout; seeds/ keeps byte-identical copies.
const original = (file: string) => {
  for (const dir of ['../../shared/seeds/', '../seeds/documents/']) {
    try {
      return readFileSync(new URL(`${dir}${file}`, import.meta.url));
    } catch {}
  }
  throw new Error(`${file} not found`);
};

let ctx: TestContext;
// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions themselves
type Json = any;
const getAll = async (path: string): Promise<Json[]> => {
  const out: Json[] = [];
  let next: string | null = path;
  while (next) {
    const res: { body: { data: Json[]; nextCursor: string | null } } = await ctx.api.get(next).expect(200);
    out.push(...res.body.data);
    next = res.body.nextCursor
      ? `${path}${path.includes('?') ? '&' : '?'}cursor=${res.body.nextCursor}`
      : null;
  }
  return out;
};
const actorId = async (name: string) => {
  const [actor] = (await ctx.api.get('/actors').query({ q: name })).body.data;
  expect(actor, name).toBeDefined();
  return actor.id as number;
};

beforeAll(async () => {
  ctx = await buildTestApp({ seed: true });
});
afterAll(async () => {
  await ctx.close();
});

describe('the Isfahan seed case', () => {
  it('stores both documents byte-identical to the originals, with their SHA-256', async () => {
    const sources = await getAll('/sources?limit=100');
    expect(sources).toHaveLength(2);
    for (const [i, file] of DOCUMENTS.entries()) {
      const bytes = original(file);
      expect(readFileSync(new URL(`../seeds/documents/${file}`, import.meta.url)).equals(bytes)).toBe(true);
      const source = (await ctx.api.get(`/sources/${sources[i].id}`).expect(200)).body;
      expect(Buffer.from(source.text, 'utf8').equals(bytes)).toBe(true);
      const { createHash } = await import('node:crypto');
      expect(source.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
  });

  it('anchors every seeded quote verbatim at its offsets', async () => {
    const claims: Claim[] = await getAll('/claims?limit=100');
    expect(claims.length).toBeGreaterThanOrEqual(30);
    const texts = new Map<number, string>();
    for (const claim of claims) {
      if (!texts.has(claim.source.id)) {
        texts.set(claim.source.id, (await ctx.api.get(`/sources/${claim.source.id}`)).body.text);
      }
      const text = texts.get(claim.source.id) as string;
      expect(sliceCodePoints(text, claim.quote.start, claim.quote.end), `claim ${claim.id}`).toBe(
        claim.quote.exact,
      );
      expect(verifyQuote(text, claim.quote), `claim ${claim.id}`).toBe(true);
      expect(claim.quote.verified).toBe(true);
    }
  });

  it('answers "what did the Ministry of Defence say", with the chain through IRNA', async () => {
    const mod = await actorId('Ministry of Defence');
    const said: Claim[] = await getAll(`/actors/${mod}/claims`);
    expect(said.length).toBeGreaterThanOrEqual(3);
    expect(said.every((c) => c.claimant?.id === mod)).toBe(true);
    expect(said.map((c) => c.stance)).toContain('downplays');
    expect(
      said.every((c) => c.reportedVia.map((a) => a.name).join() === 'Islamic Republic News Agency'),
    ).toBe(true);
    const quotes = said.map((c) => c.quote.exact).join('\n');
    for (const words of [
      'unsuccessfully targeted by micro drones',
      'caught in defense traps',
      'minor damage to the roof',
    ]) {
      expect(quotes).toContain(words);
    }
  });

  it('answers "what did Iran’s state say, all bodies included"', async () => {
    const iran = await actorId('Iran');
    const own: Claim[] = await getAll(`/actors/${iran}/claims`);
    const all: Claim[] = await getAll(`/actors/${iran}/claims?includeSubordinates=true`);
    const speakers = new Set(all.map((c) => c.claimant?.name));
    expect(all.length).toBeGreaterThan(own.length);
    for (const name of [
      'Iran',
      'Iranian Ministry of Defence',
      'Hossein Amir-Abdollahian',
      'Mohammad Reza Jan-Nesari',
    ]) {
      expect(speakers).toContain(name);
    }
    expect(speakers).not.toContain('Israel Defense Forces');
  });

  it('answers "who holds Israel responsible for the Isfahan attack, and who declined to comment"', async () => {
    const israel = await actorId('Israel');
    const [attack] = (await ctx.api.get('/events').query({ q: 'Isfahan', limit: 100 })).body.data.filter(
      (e: { title: string }) => e.title.startsWith('Drone attack on a Ministry of Defence facility'),
    );
    const attributions = await getAll(`/attributions?event=${attack.id}&actor=${israel}`);
    const asserted = attributions
      .filter((a) => a.position === 'asserts')
      .map((a) => a.claim.claimant?.name ?? 'own voice');
    expect(asserted).toEqual(expect.arrayContaining(['Local Telegram channels (Iran)', 'own voice']));
    const declined = attributions.filter((a) => a.position === 'declines_to_comment');
    expect(declined).toHaveLength(1);
    expect(declined[0].claim.claimant.name).toBe('Israel Defense Forces');
    expect(declined[0].claim.quote.exact).toBe('The Israeli military declined to comment');
  });

  it('links the ministry’s account against the Telegram channels’ and the two documents’ accounts of the drones', async () => {
    const links = await getAll('/claim-links?limit=100');
    const pairs = links.map((l) => `${l.from.claimant?.name} ${l.relation} ${l.to.claimant?.name}`);
    expect(pairs).toContain('Iranian Ministry of Defence contradicts Local Telegram channels (Iran)');
    const drones = links.find(
      (l) =>
        l.relation === 'corroborates' &&
        l.from.source.id !== l.to.source.id &&
        [l.from.quote.exact, l.to.quote.exact].some((q: string) => q.includes('two others')),
    );
    expect(drones).toBeDefined();
  });

  it('dates the attack at 23:30 Iran time, to the minute', async () => {
    const events = await getAll('/events?q=isfahan');
    const attack = events.find((e) => e.title.startsWith('Drone attack on a Ministry of Defence facility'));
    expect(attack).toMatchObject({ startsAt: '2023-01-28T20:00:00.000Z', timePrecision: 'minute' });
  });

  it('loads idempotently', async () => {
    const before = (await ctx.api.get('/health')).body.claims;
    expect(loadSeedFile(ctx.app.db).loaded).toBe(false);
    expect((await ctx.api.get('/health')).body.claims).toBe(before);
  });
});
