import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from './helpers/app.js';
import { loadIntakeDev } from './helpers/intake-dev.js';

// The board and search on real reporting: the nine articles of the intake development set, recorded as gold.json
// curates them (speakers, relays, attributions), with the Isfahan attack as the event (Iran the target, Israel
// the accused).

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions themselves
type Json = any;

let ctx: TestContext;
let set: Awaited<ReturnType<typeof loadIntakeDev>>;
beforeAll(async () => {
  ctx = await buildTestApp();
  set = await loadIntakeDev(ctx.api);
});
afterAll(async () => {
  await ctx.close();
});

async function board(query: Record<string, string> = {}): Promise<Json> {
  const res = await ctx.api.get(`/events/${set.event.id}/attributions`).query({ entries: '20', ...query });
  expect(res.status).toBe(200);
  return res.body;
}
const row = (b: Json, key: string | null) =>
  b.actors.find((r: Json) => (r.actor?.id ?? null) === (key === null ? null : set.actor(key)));
const position = (b: Json, key: string | null, p: string) =>
  row(b, key).positions.find((x: Json) => x.position === p);
const who = (entries: Json[]) =>
  entries.map((e: Json) => [e.claim.claimant?.name ?? 'own voice', e.interestedAs]);

describe('the board on nine real articles about the Isfahan attack', () => {
  it('counts the WSJ’s US officials, reported by RFE/RL, JNS and Wirtualna Polska, as one origin', async () => {
    const b = await board();
    expect(b.actors.map((r: Json) => r.actor.name)).toEqual(['Israel', 'Mossad']);
    const asserts = position(b, 'israel', 'asserts');
    expect(asserts.count).toBe(5);
    expect(asserts.independentOrigins).toBe(3);
    expect(
      asserts.origins.map((o: Json) => [o.actor.name, o.reportedBy?.name ?? null, o.claimIds.length]),
    ).toEqual([
      ['US officials', 'The Wall Street Journal', 3],
      ['Amir Saeid Iravani', null, 1],
      ['Syria Truths', null, 1],
    ]);
    // Named speakers keep the named rule; the Israeli side's no-comments are flagged.
    const declines = position(b, 'israel', 'declines_to_comment');
    expect(declines.independentOrigins).toBe(3);
    expect(declines.origins[0].key).toBe(
      `actor:${set.actor('israeliOfficials')}@actor:${set.actor('rferl')}`,
    );
    expect(who(declines.entries)).toEqual([
      ['Israeli officials', 'accused'],
      ['Israel Defense Forces', null],
      ['Benjamin Netanyahu', 'accused'],
    ]);
    expect(who(position(b, 'israel', 'speculates').entries)).toEqual([
      ['Hossein Mirzaie', 'target'],
      ['own voice', null],
    ]);
  });

  it('rolls the NYT’s report on the Mossad into Israel’s row: a fourth origin', async () => {
    const b = await board({ rollUp: 'true' });
    expect(b.actors.map((r: Json) => r.actor.name)).toEqual(['Israel']);
    const asserts = position(b, 'israel', 'asserts');
    expect(asserts.count).toBe(6);
    expect(asserts.independentOrigins).toBe(4);
    const mossad = asserts.entries.find((e: Json) => e.heldActor.name === 'Mossad');
    expect(mossad.originKey).toBe(`actor:${set.actor('usOfficials')}@actor:${set.actor('nyt')}`);
    expect(row(b, 'israel')).toMatchObject({ count: 11, independentOrigins: 9 });
  });

  it('puts the ministry’s “did not say who it suspected” on a row of its own', async () => {
    for (const statement of ['05b', '08d']) {
      const res = await ctx.api.post('/attributions').send({
        eventId: set.event.id,
        claimId: set.claims.get(statement),
        position: 'no_attribution',
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    const b = await board();
    expect(b.actors.map((r: Json) => r.actor?.name ?? null)).toEqual(['Israel', 'Mossad', null]);
    const nobody = position(b, null, 'no_attribution');
    // The LA Times (an AP copy whose original is not in the set) and RFE/RL both quote the ministry: one origin.
    expect(nobody).toMatchObject({ count: 2, independentOrigins: 1 });
    expect(nobody.origins[0].actor.name).toBe('Iranian Ministry of Defence');
  });
});

describe('search on nine real articles', () => {
  const search = async (q: string, kind?: string): Promise<Json> => {
    const res = await ctx.api.get('/search').query(kind ? { q, kind, limit: 100 } : { q, limit: 100 });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };

  it('finds every claim of the envoy by his name, which his claims’ texts do not hold', async () => {
    const claims = (await search('Iravani', 'claim')).data.map((h: Json) => h.claim.id);
    expect(claims.sort()).toEqual([set.claims.get('29a'), set.claims.get('29c')].sort());
  });

  it('finds what the “U.S. officials” said by that alias of “US officials”, and the sources they appear in', async () => {
    const hits = (await search('"U.S. officials"')).data;
    const claimIds = hits.filter((h: Json) => h.kind === 'claim').map((h: Json) => h.claim.id);
    expect(claimIds.sort()).toEqual(['08b', '12a', '17a', '19a'].map((k) => set.claims.get(k)).sort());
    expect(hits.filter((h: Json) => h.kind === 'source').map((h: Json) => h.source.title)).toContain(
      'Mossad behind drone strike on Iran factory, U.S. officials say',
    );
  });

  it('matches “drone” and “drones” alike, and finds sources by their publisher', async () => {
    const singular = (await search('drone', 'source')).data.map((h: Json) => h.source.id);
    const plural = (await search('drones', 'source')).data.map((h: Json) => h.source.id);
    expect(plural).toEqual(singular);
    // Every article but the Polish one, which says "dronów" (the stemmer is English).
    expect(singular).toHaveLength(8);
    expect(singular).not.toContain(set.sources.get('19'));
    expect((await search('"RFE/RL"', 'source')).data.map((h: Json) => h.source.id)).toEqual([
      set.sources.get('08'),
    ]);
  });
});
