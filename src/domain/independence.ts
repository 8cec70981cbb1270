/**
 * Groups claims into independent origins: ten outlets repeating one wire story, or one ministry statement relayed
 * by a news agency, are ONE origin, not ten.
 *
 * The rule:
 * 1. The origin of a claim made by an actor is that actor (the claimant). The statement's relays (`reportedVia`:
 *    the news agency that carried a ministry's statement) and the outlet that printed it are NOT separate origins.
 *    With the option `foldToTopLevel`, an origin actor (claimant or publisher) is replaced by its top-most
 *    ancestor in the actor hierarchy (a ministry and its state count as one origin); without it, the parent chain
 *    is not followed.
 * 2. The origin of a claim a source makes in its own voice (claimant null) is the source's publisher; for a source
 *    that records `copyOf` another source (a syndicated wire story), the publisher of the ORIGINAL at the root of
 *    the `copyOf` chain. A root source with no known publisher is its own origin.
 * 3. Claims linked by a `repeats` link (in either direction, transitively) collapse into one origin; so do
 *    own-voice claims in sources that are copies of one another (same `copyOf` root).
 * 4. Origins are the connected groups after applying 1-3. An actor as claimant and the same actor as publisher are
 *    the same origin.
 *
 * Robustness: a `copyOf` or parent chain that loops resolves to the lowest id on the loop, whichever node the walk
 * started from; a source missing from the context, or a `copyOf` pointing at one, ends the chain there and that
 * source is its own origin; an actor without a known parent is top-level; duplicate claim ids count once (the first
 * occurrence wins).
 */

export interface OriginClaim {
  id: number;
  claimantId: number | null;
  sourceId: number;
}

export interface OriginSource {
  id: number;
  publisherId: number | null;
  copyOfId: number | null;
}

export interface OriginContext {
  /** Every source of the claims, and every source on their `copyOf` chains. */
  sources: ReadonlyMap<number, OriginSource>;
  /** Needed only with `foldToTopLevel`: actor id -> parent id (whole ancestry of claimants and publishers). */
  actorParents?: ReadonlyMap<number, number | null>;
  /** Claim id pairs linked by `repeats` (either direction; pairs naming claims not in the list are ignored). */
  repeats: ReadonlyArray<readonly [number, number]>;
}

export interface OriginOptions {
  foldToTopLevel?: boolean;
}

export interface Origin {
  /** 'actor:<id>' or 'source:<id>' of the group's representative: the origin of the group's lowest claim id. */
  key: string;
  /** The origin actor, when the representative origin is an actor. */
  actorId: number | null;
  /** The origin source, when it is a publisher-less (or unknown) root source. */
  sourceId: number | null;
  /** Ascending. */
  claimIds: number[];
}

type OriginRef = { kind: 'actor'; id: number } | { kind: 'source'; id: number };

/**
 * Follows `next` from `start` to the end of the chain. On a loop the lowest id on the loop is the end, so every
 * node leading into the same loop agrees. Every node walked is memoized with the result.
 */
function chainEnd(start: number, next: (id: number) => number | null, memo: Map<number, number>): number {
  const path: number[] = [];
  const seen = new Map<number, number>();
  let current = start;
  let end: number;
  for (;;) {
    const known = memo.get(current);
    if (known !== undefined) {
      end = known;
      break;
    }
    const at = seen.get(current);
    if (at !== undefined) {
      end = current;
      for (let i = at; i < path.length; i++) end = Math.min(end, path[i] ?? end);
      break;
    }
    seen.set(current, path.length);
    path.push(current);
    const following = next(current);
    if (following === null) {
      end = current;
      break;
    }
    current = following;
  }
  for (const id of path) memo.set(id, end);
  return end;
}

class Resolver {
  private readonly sourceRoots = new Map<number, number>();
  private readonly actorTops = new Map<number, number>();

  constructor(
    private readonly context: OriginContext,
    private readonly fold: boolean,
  ) {}

  origin(claim: OriginClaim): OriginRef {
    if (claim.claimantId !== null) return { kind: 'actor', id: this.actor(claim.claimantId) };
    const { sources } = this.context;
    const root = chainEnd(claim.sourceId, (id) => sources.get(id)?.copyOfId ?? null, this.sourceRoots);
    const publisherId = sources.get(root)?.publisherId ?? null;
    return publisherId === null
      ? { kind: 'source', id: root }
      : { kind: 'actor', id: this.actor(publisherId) };
  }

  private actor(id: number): number {
    const parents = this.context.actorParents;
    if (!this.fold || parents === undefined) return id;
    return chainEnd(id, (a) => parents.get(a) ?? null, this.actorTops);
  }
}

const keyOf = (origin: OriginRef): string => `${origin.kind}:${origin.id}`;

/** The origin key of one claim before `repeats` collapsing (exported for the API to show per claim). */
export function originKeyOf(claim: OriginClaim, context: OriginContext, options: OriginOptions = {}): string {
  return keyOf(new Resolver(context, options.foldToTopLevel === true).origin(claim));
}

/** Groups claims into independent origins, ordered by their lowest claim id. */
export function independentOrigins(
  claims: readonly OriginClaim[],
  context: OriginContext,
  options: OriginOptions = {},
): Origin[] {
  const byId = new Map<number, OriginClaim>();
  for (const claim of claims) if (!byId.has(claim.id)) byId.set(claim.id, claim);
  const unique = [...byId.values()].sort((a, b) => a.id - b.id);
  const indexOf = new Map<number, number>();
  for (const [i, claim] of unique.entries()) indexOf.set(claim.id, i);

  const parent = new Int32Array(unique.length);
  const size = new Int32Array(unique.length).fill(1);
  for (let i = 0; i < parent.length; i++) parent[i] = i;
  const find = (x: number): number => {
    let i = x;
    while (parent[i] !== i) {
      const grand = parent[parent[i] ?? i] ?? i;
      parent[i] = grand;
      i = grand;
    }
    return i;
  };
  const union = (a: number, b: number): void => {
    let ra = find(a);
    let rb = find(b);
    if (ra === rb) return;
    if ((size[ra] ?? 0) < (size[rb] ?? 0)) [ra, rb] = [rb, ra];
    parent[rb] = ra;
    size[ra] = (size[ra] ?? 0) + (size[rb] ?? 0);
  };

  const resolver = new Resolver(context, options.foldToTopLevel === true);
  const origins: OriginRef[] = [];
  const firstWithKey = new Map<string, number>();
  for (const [i, claim] of unique.entries()) {
    const origin = resolver.origin(claim);
    origins.push(origin);
    const key = keyOf(origin);
    const first = firstWithKey.get(key);
    if (first === undefined) firstWithKey.set(key, i);
    else union(first, i);
  }
  for (const [a, b] of context.repeats) {
    const ia = indexOf.get(a);
    const ib = indexOf.get(b);
    if (ia !== undefined && ib !== undefined) union(ia, ib);
  }

  // Claims are visited in ascending id order, so groups come out ordered by, and keyed on, their lowest claim id.
  const groups = new Map<number, Origin>();
  const result: Origin[] = [];
  for (const [i, claim] of unique.entries()) {
    const root = find(i);
    const group = groups.get(root);
    if (group !== undefined) {
      group.claimIds.push(claim.id);
      continue;
    }
    const origin = origins[i] ?? { kind: 'source', id: claim.sourceId };
    const created: Origin = {
      key: keyOf(origin),
      actorId: origin.kind === 'actor' ? origin.id : null,
      sourceId: origin.kind === 'source' ? origin.id : null,
      claimIds: [claim.id],
    };
    groups.set(root, created);
    result.push(created);
  }
  return result;
}
