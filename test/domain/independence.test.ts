import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  independentOrigins,
  type OriginClaim,
  type OriginContext,
  type OriginSource,
  originKeyOf,
  originOf,
} from '../../src/domain/independence.js';

// Actors
const AP = 1;
const MINISTRY = 2;
const STATE = 3;
const AGENCY = 4;
const OUTLET_B = 5;
const OUTLET_C = 6;
const ARMY = 7;

// Sources
const WIRE = 100;
const B = 101;
const C = 102;
const PAPER_1 = 103;
const PAPER_2 = 104;
const ANON = 105;

function source(id: number, publisherId: number | null, copyOfId: number | null = null): OriginSource {
  return { id, publisherId, copyOfId };
}

function ctx(sources: OriginSource[], extra: Partial<OriginContext> = {}): OriginContext {
  return { sources: new Map(sources.map((s) => [s.id, s])), repeats: [], ...extra };
}

const claim = (id: number, claimantId: number | null, sourceId: number): OriginClaim => ({
  id,
  claimantId,
  sourceId,
});

const groups = (origins: ReturnType<typeof independentOrigins>): number[][] => origins.map((o) => o.claimIds);

describe('independentOrigins', () => {
  it('counts two outlets carrying the same wire story as one origin: the wire publisher', () => {
    const context = ctx([source(WIRE, AP), source(B, OUTLET_B, WIRE), source(C, OUTLET_C, WIRE)]);
    const origins = independentOrigins([claim(1, null, B), claim(2, null, C)], context);
    expect(origins).toEqual([
      { key: `actor:${AP}`, actorId: AP, sourceId: null, reportedById: null, claimIds: [1, 2] },
    ]);
  });

  it('follows a copyOf chain to its root (B copyOf C copyOf W)', () => {
    const context = ctx([source(WIRE, AP), source(C, OUTLET_C, WIRE), source(B, OUTLET_B, C)]);
    const origins = independentOrigins([claim(1, null, B), claim(2, null, C), claim(3, null, WIRE)], context);
    expect(groups(origins)).toEqual([[1, 2, 3]]);
    expect(origins[0]?.key).toBe(`actor:${AP}`);
    expect(originKeyOf(claim(1, null, B), context)).toBe(`actor:${AP}`);
  });

  it('counts a ministry statement relayed by an agency and printed in two papers as one origin', () => {
    const context = ctx([source(PAPER_1, OUTLET_B), source(PAPER_2, OUTLET_C)]);
    const origins = independentOrigins([claim(1, MINISTRY, PAPER_1), claim(2, MINISTRY, PAPER_2)], context);
    expect(origins).toEqual([
      { key: `actor:${MINISTRY}`, actorId: MINISTRY, sourceId: null, reportedById: null, claimIds: [1, 2] },
    ]);
  });

  it('separates a ministry and its state unless folding to the top level', () => {
    const actorParents = new Map<number, number | null>([
      [MINISTRY, STATE],
      [STATE, null],
    ]);
    const context = ctx([source(PAPER_1, OUTLET_B)], { actorParents });
    const claims = [claim(1, MINISTRY, PAPER_1), claim(2, STATE, PAPER_1)];
    expect(independentOrigins(claims, context).map((o) => o.key)).toEqual([
      `actor:${MINISTRY}`,
      `actor:${STATE}`,
    ]);
    expect(independentOrigins(claims, context, { foldToTopLevel: false })).toHaveLength(2);
    const folded = independentOrigins(claims, context, { foldToTopLevel: true });
    expect(folded).toEqual([
      { key: `actor:${STATE}`, actorId: STATE, sourceId: null, reportedById: null, claimIds: [1, 2] },
    ]);
    expect(originKeyOf(claims[0] ?? claim(0, null, 0), context, { foldToTopLevel: true })).toBe(
      `actor:${STATE}`,
    );
  });

  it('folds through several levels, and treats an actor without known parent as top-level', () => {
    const actorParents = new Map<number, number | null>([
      [ARMY, MINISTRY],
      [MINISTRY, STATE],
    ]);
    const context = ctx([source(PAPER_1, OUTLET_B)], { actorParents });
    const claims = [claim(1, ARMY, PAPER_1), claim(2, STATE, PAPER_1), claim(3, AGENCY, PAPER_1)];
    expect(groups(independentOrigins(claims, context, { foldToTopLevel: true }))).toEqual([[1, 2], [3]]);
    // Without a parent map, folding changes nothing.
    expect(
      independentOrigins(claims, ctx([source(PAPER_1, OUTLET_B)]), { foldToTopLevel: true }),
    ).toHaveLength(3);
  });

  it('terminates on a parent cycle, agreeing on the lowest id of the loop', () => {
    const actorParents = new Map<number, number | null>([
      [ARMY, MINISTRY],
      [MINISTRY, STATE],
      [STATE, MINISTRY],
    ]);
    const context = ctx([source(PAPER_1, OUTLET_B)], { actorParents });
    const claims = [claim(1, ARMY, PAPER_1), claim(2, STATE, PAPER_1), claim(3, MINISTRY, PAPER_1)];
    const origins = independentOrigins(claims, context, { foldToTopLevel: true });
    expect(origins).toEqual([
      {
        key: `actor:${MINISTRY}`,
        actorId: MINISTRY,
        sourceId: null,
        reportedById: null,
        claimIds: [1, 2, 3],
      },
    ]);
  });

  it('counts two different claimants as two origins', () => {
    const context = ctx([source(PAPER_1, OUTLET_B)]);
    const origins = independentOrigins([claim(1, MINISTRY, PAPER_1), claim(2, ARMY, PAPER_1)], context);
    expect(groups(origins)).toEqual([[1], [2]]);
  });

  it('counts the own voices of two unrelated outlets as two origins', () => {
    const context = ctx([source(B, OUTLET_B), source(C, OUTLET_C)]);
    const origins = independentOrigins([claim(1, null, B), claim(2, null, C)], context);
    expect(origins.map((o) => o.key)).toEqual([`actor:${OUTLET_B}`, `actor:${OUTLET_C}`]);
  });

  it("merges an outlet's own voice with a claim whose claimant is that outlet", () => {
    const context = ctx([source(B, OUTLET_B), source(PAPER_1, OUTLET_C)]);
    const origins = independentOrigins([claim(1, null, B), claim(2, OUTLET_B, PAPER_1)], context);
    expect(origins).toEqual([
      { key: `actor:${OUTLET_B}`, actorId: OUTLET_B, sourceId: null, reportedById: null, claimIds: [1, 2] },
    ]);
  });

  it('folds publishers too, so an outlet and a claim by its parent are one origin', () => {
    const actorParents = new Map<number, number | null>([[OUTLET_B, STATE]]);
    const context = ctx([source(B, OUTLET_B), source(PAPER_1, OUTLET_C)], { actorParents });
    const claims = [claim(1, null, B), claim(2, OUTLET_B, PAPER_1), claim(3, STATE, PAPER_1)];
    expect(groups(independentOrigins(claims, context))).toEqual([[1, 2], [3]]);
    expect(groups(independentOrigins(claims, context, { foldToTopLevel: true }))).toEqual([[1, 2, 3]]);
  });

  it('collapses claims linked by repeats, transitively and in either direction', () => {
    const context = ctx([source(PAPER_1, OUTLET_B)], {
      repeats: [
        [1, 2],
        [3, 2],
      ],
    });
    const claims = [claim(1, MINISTRY, PAPER_1), claim(2, ARMY, PAPER_1), claim(3, AGENCY, PAPER_1)];
    const origins = independentOrigins(claims, context);
    expect(origins).toEqual([
      {
        key: `actor:${MINISTRY}`,
        actorId: MINISTRY,
        sourceId: null,
        reportedById: null,
        claimIds: [1, 2, 3],
      },
    ]);
    // originKeyOf is the per-claim origin, before repeats collapsing.
    expect(claims.map((c) => originKeyOf(c, context))).toEqual([
      `actor:${MINISTRY}`,
      `actor:${ARMY}`,
      `actor:${AGENCY}`,
    ]);
  });

  it('ignores repeats naming claims not in the list', () => {
    const context = ctx([source(PAPER_1, OUTLET_B)], {
      repeats: [
        [1, 99],
        [99, 2],
        [98, 97],
      ],
    });
    const origins = independentOrigins([claim(1, MINISTRY, PAPER_1), claim(2, ARMY, PAPER_1)], context);
    expect(groups(origins)).toEqual([[1], [2]]);
  });

  it('treats a publisher-less source as its own origin', () => {
    const context = ctx([source(ANON, null), source(B, OUTLET_B, ANON), source(C, null)]);
    const origins = independentOrigins([claim(1, null, ANON), claim(2, null, B), claim(3, null, C)], context);
    expect(origins).toEqual([
      { key: `source:${ANON}`, actorId: null, sourceId: ANON, reportedById: null, claimIds: [1, 2] },
      { key: `source:${C}`, actorId: null, sourceId: C, reportedById: null, claimIds: [3] },
    ]);
  });

  it('does not throw on a missing source entry, counting it (or the missing copyOf target) as its own origin', () => {
    const context = ctx([source(B, OUTLET_B, 404)]);
    expect(originKeyOf(claim(1, null, 999), context)).toBe('source:999');
    expect(originKeyOf(claim(2, null, B), context)).toBe('source:404');
    const origins = independentOrigins(
      [claim(1, null, 999), claim(2, null, B), claim(3, MINISTRY, 999)],
      context,
    );
    expect(origins).toEqual([
      { key: 'source:999', actorId: null, sourceId: 999, reportedById: null, claimIds: [1] },
      { key: 'source:404', actorId: null, sourceId: 404, reportedById: null, claimIds: [2] },
      { key: `actor:${MINISTRY}`, actorId: MINISTRY, sourceId: null, reportedById: null, claimIds: [3] },
    ]);
  });

  it('terminates on a copyOf cycle and agrees on one root from every entry point', () => {
    // B -> C -> WIRE -> B; a self-copy is a cycle too.
    const context = ctx([
      source(B, OUTLET_B, C),
      source(C, OUTLET_C, WIRE),
      source(WIRE, AP, B),
      source(ANON, null, ANON),
    ]);
    const origins = independentOrigins(
      [claim(1, null, WIRE), claim(2, null, C), claim(3, null, B), claim(4, null, ANON)],
      context,
    );
    expect(origins).toEqual([
      { key: `actor:${AP}`, actorId: AP, sourceId: null, reportedById: null, claimIds: [1, 2, 3] },
      { key: `source:${ANON}`, actorId: null, sourceId: ANON, reportedById: null, claimIds: [4] },
    ]);
    expect(originKeyOf(claim(5, null, C), context)).toBe(`actor:${AP}`);
  });

  it('orders origins by lowest claim id, claim ids ascending, and keys on the lowest claim', () => {
    const context = ctx([source(PAPER_1, OUTLET_B), source(PAPER_2, OUTLET_C)], { repeats: [[9, 4]] });
    const claims = [
      claim(9, ARMY, PAPER_1),
      claim(7, null, PAPER_2),
      claim(4, MINISTRY, PAPER_2),
      claim(8, MINISTRY, PAPER_1),
      claim(5, null, PAPER_2),
    ];
    const origins = independentOrigins(claims, context);
    expect(origins).toEqual([
      {
        key: `actor:${MINISTRY}`,
        actorId: MINISTRY,
        sourceId: null,
        reportedById: null,
        claimIds: [4, 8, 9],
      },
      { key: `actor:${OUTLET_C}`, actorId: OUTLET_C, sourceId: null, reportedById: null, claimIds: [5, 7] },
    ]);
    // Stable under reordering of the input and of the repeats pair.
    const reversed = independentOrigins([...claims].reverse(), { ...context, repeats: [[4, 9]] });
    expect(reversed).toEqual(origins);
  });

  it('counts duplicate claim ids once (first occurrence wins) and handles an empty list', () => {
    const context = ctx([source(PAPER_1, OUTLET_B)]);
    const origins = independentOrigins([claim(1, MINISTRY, PAPER_1), claim(1, ARMY, PAPER_1)], context);
    expect(origins).toEqual([
      { key: `actor:${MINISTRY}`, actorId: MINISTRY, sourceId: null, reportedById: null, claimIds: [1] },
    ]);
    expect(independentOrigins([], context)).toEqual([]);
  });

  // Speed is measured by the benchmark, not asserted here; this checks long chains neither recurse nor loop.
  it('handles tens of thousands of claims on long copyOf and repeats chains', () => {
    const n = 20_000;
    const sources: OriginSource[] = [source(0, AP)];
    for (let i = 1; i < n; i++) sources.push(source(i, 1000 + i, i - 1));
    const context = ctx(sources, {
      repeats: Array.from({ length: n - 1 }, (_, i) => [i + n, i + n + 1] as const),
    });
    const claims: OriginClaim[] = [];
    for (let i = 0; i < n; i++) claims.push(claim(i, null, n - 1 - i));
    for (let i = n; i < 2 * n; i++) claims.push(claim(i, 5000 + i, 0));
    const origins = independentOrigins(claims, context);
    expect(origins.map((o) => [o.key, o.claimIds.length])).toEqual([
      [`actor:${AP}`, n],
      [`actor:${5000 + n}`, n],
    ]);
  });
});

describe('independentOrigins: unnamed groups count per outlet that reported them', () => {
  // Actors
  const US = 10;
  const US_OFFICIALS = 11;
  const WSJ = 12;
  const NYT = 13;
  const REUTERS = 14;
  const JNS = 15;
  const RFERL = 16;
  const WP = 17;
  const YNET = 18;
  const CHANNEL = 19;
  // Sources
  const JNS_STORY = 200;
  const RFERL_STORY = 201;
  const WP_STORY = 202;
  const YNET_STORY = 203;
  const REUTERS_STORY = 204;
  const REUTERS_REPRINT = 205;
  const LEAFLET = 206;
  const LEAFLET_COPY = 207;

  const relayed = (id: number, claimantId: number | null, sourceId: number, firstRelayId: number | null) => ({
    ...claim(id, claimantId, sourceId),
    firstRelayId,
  });
  const unnamed = new Set([US_OFFICIALS]);
  const threeOutlets = ctx(
    [
      source(JNS_STORY, JNS),
      source(RFERL_STORY, RFERL),
      source(WP_STORY, WP),
      source(YNET_STORY, YNET),
      source(REUTERS_STORY, REUTERS),
      source(REUTERS_REPRINT, WP, REUTERS_STORY),
      source(LEAFLET, null),
      source(LEAFLET_COPY, JNS, LEAFLET),
    ],
    { unnamedGroups: unnamed },
  );

  it("counts the WSJ's US officials printed by three papers as one origin, the NYT's and Reuters' own as two more", () => {
    const claims = [
      relayed(1, US_OFFICIALS, JNS_STORY, WSJ),
      relayed(2, US_OFFICIALS, RFERL_STORY, WSJ),
      relayed(3, US_OFFICIALS, WP_STORY, WSJ),
      relayed(4, US_OFFICIALS, YNET_STORY, NYT),
      relayed(5, US_OFFICIALS, REUTERS_STORY, null),
    ];
    expect(independentOrigins(claims, threeOutlets)).toEqual([
      {
        key: `actor:${US_OFFICIALS}@actor:${WSJ}`,
        actorId: US_OFFICIALS,
        sourceId: null,
        reportedById: WSJ,
        claimIds: [1, 2, 3],
      },
      {
        key: `actor:${US_OFFICIALS}@actor:${NYT}`,
        actorId: US_OFFICIALS,
        sourceId: null,
        reportedById: NYT,
        claimIds: [4],
      },
      {
        key: `actor:${US_OFFICIALS}@actor:${REUTERS}`,
        actorId: US_OFFICIALS,
        sourceId: null,
        reportedById: REUTERS,
        claimIds: [5],
      },
    ]);
  });

  it('counts the same group in a copy and in its original as one origin, reported by the original’s publisher', () => {
    const claims = [
      relayed(1, US_OFFICIALS, REUTERS_STORY, null),
      relayed(2, US_OFFICIALS, REUTERS_REPRINT, null),
    ];
    expect(groups(independentOrigins(claims, threeOutlets))).toEqual([[1, 2]]);
    expect(originKeyOf(claims[1] as OriginClaim, threeOutlets)).toBe(
      `actor:${US_OFFICIALS}@actor:${REUTERS}`,
    );
  });

  it('falls back to the copy root itself when no publisher is known', () => {
    const claims = [relayed(1, US_OFFICIALS, LEAFLET, null), relayed(2, US_OFFICIALS, LEAFLET_COPY, null)];
    expect(independentOrigins(claims, threeOutlets)).toEqual([
      {
        key: `actor:${US_OFFICIALS}@source:${LEAFLET}`,
        actorId: US_OFFICIALS,
        sourceId: LEAFLET,
        reportedById: null,
        claimIds: [1, 2],
      },
    ]);
  });

  it('keeps the named rule for named actors and identifiable groups, whatever relayed or printed them', () => {
    // CHANNEL is a group not in `unnamedGroups`: marked identifiable, it is one body like a ministry.
    const claims = [
      relayed(1, CHANNEL, JNS_STORY, WSJ),
      relayed(2, CHANNEL, YNET_STORY, NYT),
      relayed(3, US, WP_STORY, WSJ),
      relayed(4, US, RFERL_STORY, null),
    ];
    expect(independentOrigins(claims, threeOutlets).map((o) => [o.key, o.claimIds])).toEqual([
      [`actor:${CHANNEL}`, [1, 2]],
      [`actor:${US}`, [3, 4]],
    ]);
  });

  it('keeps an outlet’s own voice apart from the anonymous officials it quotes, and the officials apart from a named claimant', () => {
    const claims = [
      claim(1, null, REUTERS_STORY),
      relayed(2, US_OFFICIALS, REUTERS_STORY, null),
      relayed(3, US, REUTERS_STORY, null),
    ];
    expect(independentOrigins(claims, threeOutlets).map((o) => o.key)).toEqual([
      `actor:${REUTERS}`,
      `actor:${US_OFFICIALS}@actor:${REUTERS}`,
      `actor:${US}`,
    ]);
  });

  it('folds both the group and the outlet that reported it with foldToTopLevel, never merging two outlets', () => {
    const NEWS_CORP = 30;
    const actorParents = new Map<number, number | null>([
      [US_OFFICIALS, US],
      [WSJ, NEWS_CORP],
      [NYT, null],
    ]);
    const context = { ...threeOutlets, actorParents };
    const claims = [
      relayed(1, US_OFFICIALS, JNS_STORY, WSJ),
      relayed(2, US_OFFICIALS, YNET_STORY, NYT),
      relayed(3, US, WP_STORY, null),
    ];
    expect(independentOrigins(claims, context, { foldToTopLevel: true }).map((o) => o.key)).toEqual([
      `actor:${US}@actor:${NEWS_CORP}`,
      `actor:${US}@actor:${NYT}`,
      `actor:${US}`,
    ]);
    expect(originOf(claims[0] as OriginClaim, context)).toEqual({
      key: `actor:${US_OFFICIALS}@actor:${WSJ}`,
      actorId: US_OFFICIALS,
      sourceId: null,
      reportedById: WSJ,
    });
  });

  it('still collapses unnamed-group claims linked by repeats into one origin', () => {
    const context = { ...threeOutlets, repeats: [[4, 1]] as const };
    const claims = [relayed(1, US_OFFICIALS, JNS_STORY, WSJ), relayed(4, US_OFFICIALS, YNET_STORY, NYT)];
    expect(independentOrigins(claims, context)).toEqual([
      {
        key: `actor:${US_OFFICIALS}@actor:${WSJ}`,
        actorId: US_OFFICIALS,
        sourceId: null,
        reportedById: WSJ,
        claimIds: [1, 4],
      },
    ]);
  });
});

describe('independentOrigins against originOf, on arbitrary records', () => {
  // Small id ranges so that copy chains, parent chains and loops, shared publishers and unnamed groups meet.
  const actorId = fc.integer({ min: 1, max: 8 });
  const sourceId = fc.integer({ min: 100, max: 107 });
  const records = fc.record({
    sources: fc.array(
      fc.record({ id: sourceId, publisherId: fc.option(actorId), copyOfId: fc.option(sourceId) }),
      { maxLength: 8 },
    ),
    parents: fc.array(fc.tuple(actorId, fc.option(actorId)), { maxLength: 8 }),
    unnamed: fc.uniqueArray(actorId, { maxLength: 4 }),
    claims: fc.array(
      fc.record({
        id: fc.integer({ min: 1, max: 60 }),
        claimantId: fc.option(actorId),
        sourceId,
        firstRelayId: fc.option(actorId),
      }),
      { maxLength: 40 },
    ),
    fold: fc.boolean(),
  });

  it('puts two claims in one origin exactly when their own origins are the same, each group described by its first claim', () => {
    fc.assert(
      fc.property(records, ({ sources, parents, unnamed, claims, fold }) => {
        const context: OriginContext = {
          sources: new Map(sources.map((s) => [s.id, s])),
          actorParents: new Map(parents),
          unnamedGroups: new Set(unnamed),
          repeats: [],
        };
        const options = { foldToTopLevel: fold };
        const origins = independentOrigins(claims, context, options);
        const firstOf = new Map<number, OriginClaim>();
        for (const c of claims) if (!firstOf.has(c.id)) firstOf.set(c.id, c);
        const byKey = new Map<string, number[]>();
        for (const c of [...firstOf.values()].sort((a, b) => a.id - b.id)) {
          const key = originKeyOf(c, context, options);
          byKey.set(key, [...(byKey.get(key) ?? []), c.id]);
        }
        expect(origins.map((o) => o.claimIds)).toEqual([...byKey.values()]);
        for (const o of origins) {
          const { claimIds, ...described } = o;
          expect(described).toEqual(
            originOf(firstOf.get(claimIds[0] as number) as OriginClaim, context, options),
          );
        }
      }),
      { numRuns: 500 },
    );
  });
});
