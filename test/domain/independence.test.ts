import { describe, expect, it } from 'vitest';
import {
  independentOrigins,
  type OriginClaim,
  type OriginContext,
  type OriginSource,
  originKeyOf,
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
    expect(origins).toEqual([{ key: `actor:${AP}`, actorId: AP, sourceId: null, claimIds: [1, 2] }]);
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
      { key: `actor:${MINISTRY}`, actorId: MINISTRY, sourceId: null, claimIds: [1, 2] },
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
    expect(folded).toEqual([{ key: `actor:${STATE}`, actorId: STATE, sourceId: null, claimIds: [1, 2] }]);
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
      { key: `actor:${MINISTRY}`, actorId: MINISTRY, sourceId: null, claimIds: [1, 2, 3] },
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
      { key: `actor:${OUTLET_B}`, actorId: OUTLET_B, sourceId: null, claimIds: [1, 2] },
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
      { key: `actor:${MINISTRY}`, actorId: MINISTRY, sourceId: null, claimIds: [1, 2, 3] },
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
      { key: `source:${ANON}`, actorId: null, sourceId: ANON, claimIds: [1, 2] },
      { key: `source:${C}`, actorId: null, sourceId: C, claimIds: [3] },
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
      { key: 'source:999', actorId: null, sourceId: 999, claimIds: [1] },
      { key: 'source:404', actorId: null, sourceId: 404, claimIds: [2] },
      { key: `actor:${MINISTRY}`, actorId: MINISTRY, sourceId: null, claimIds: [3] },
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
      { key: `actor:${AP}`, actorId: AP, sourceId: null, claimIds: [1, 2, 3] },
      { key: `source:${ANON}`, actorId: null, sourceId: ANON, claimIds: [4] },
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
      { key: `actor:${MINISTRY}`, actorId: MINISTRY, sourceId: null, claimIds: [4, 8, 9] },
      { key: `actor:${OUTLET_C}`, actorId: OUTLET_C, sourceId: null, claimIds: [5, 7] },
    ]);
    // Stable under reordering of the input and of the repeats pair.
    const reversed = independentOrigins([...claims].reverse(), { ...context, repeats: [[4, 9]] });
    expect(reversed).toEqual(origins);
  });

  it('counts duplicate claim ids once (first occurrence wins) and handles an empty list', () => {
    const context = ctx([source(PAPER_1, OUTLET_B)]);
    const origins = independentOrigins([claim(1, MINISTRY, PAPER_1), claim(1, ARMY, PAPER_1)], context);
    expect(origins).toEqual([{ key: `actor:${MINISTRY}`, actorId: MINISTRY, sourceId: null, claimIds: [1] }]);
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
