/**
 * Groups claims into independent origins: ten outlets repeating one wire story, or one ministry statement relayed
 * by a news agency, are ONE origin, not ten; but two newspapers that each quote their own anonymous officials are
 * two pieces of reporting, not one.
 *
 * The rule:
 * 1. The origin of a claim made by a named actor is that actor (the claimant). The statement's relays
 *    (`reportedVia`: the news agency that carried a ministry's statement) and the outlet that printed it are NOT
 *    separate origins.
 * 2. The origin of a claim by an UNNAMED collective (an actor of kind `group` not marked identifiable: "US
 *    officials", "sources familiar with the matter", "local Telegram channels") is that group AS REPORTED BY the
 *    outlet that first reported it: the first relay of the claim's `reportedVia` chain when there is one ("US
 *    officials told the Wall Street Journal", printed by another paper), else the source's publisher (for a copy,
 *    the publisher of the original at the root of the `copyOf` chain), else that root source itself. The WSJ's US
 *    officials printed by three papers are one origin; the New York Times' US officials are another.
 * 3. The origin of a claim a source makes in its own voice (claimant null) is the source's publisher; for a source
 *    that records `copyOf` another source (a syndicated wire story), the publisher of the ORIGINAL at the root of
 *    the `copyOf` chain. A root source with no known publisher is its own origin.
 * 4. With the option `foldToTopLevel`, every origin actor (claimant, publisher, unnamed group and the outlet that
 *    reported it) is replaced by its top-most ancestor in the actor hierarchy (a ministry and its state count as
 *    one origin); without it, the parent chain is not followed.
 * 5. Claims linked by a `repeats` link (in either direction, transitively) collapse into one origin; so do
 *    own-voice claims in sources that are copies of one another (same `copyOf` root).
 * 6. Origins are the connected groups after applying 1-5. An actor as claimant and the same actor as publisher are
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
  /** The first actor of the claim's `reportedVia` chain (the one nearest the claimant), if any. */
  firstRelayId?: number | null;
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
  /** Claimants that are unnamed collectives (kind `group`, not marked identifiable): rule 2 applies to them. */
  unnamedGroups?: ReadonlySet<number>;
}

export interface OriginOptions {
  foldToTopLevel?: boolean;
}

/** Where one claim originates, before `repeats` collapsing. */
export interface OriginOf {
  /**
   * `actor:<id>` (a named claimant or a publisher), `source:<id>` (a publisher-less root source), or for an
   * unnamed group `actor:<group>@actor:<reporter>` / `actor:<group>@source:<root source>`.
   */
  key: string;
  /** The origin actor: the named claimant, the publisher, or the unnamed group. */
  actorId: number | null;
  /** A publisher-less root source: the origin itself, or (with `actorId`) where an unnamed group was reported. */
  sourceId: number | null;
  /** For an unnamed group: the relay or publisher that reported it. */
  reportedById: number | null;
}

export interface Origin extends OriginOf {
  /** Ascending. The group's key and fields are those of its lowest claim id's origin. */
  claimIds: number[];
}

type Ref = { kind: 'actor' | 'source'; id: number };
type OriginRef = { main: Ref; reportedBy: Ref | null };

/**
 * Follows `next` from `start` to the end of the chain. On a loop the lowest id on the loop is the end, so every
 * node leading into the same loop agrees. Every node walked is memoized with the result.
 */
function chainEnd(start: number, next: (id: number) => number | null, memo: Map<number, number>): number {
  // Most walks start at a node already walked (every claim of one source, every claim of one ministry).
  const memoized = memo.get(start);
  if (memoized !== undefined) return memoized;
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

/** `<kind>:<id>`, made once per id and kept in `keys`. */
function interned(keys: Map<number, string>, kind: Ref['kind'], id: number): string {
  let key = keys.get(id);
  if (key === undefined) {
    key = `${kind}:${id}`;
    keys.set(id, key);
  }
  return key;
}

class Resolver {
  private readonly sourceRoots = new Map<number, number>();
  private readonly actorTops = new Map<number, number>();
  /** Interned `actor:<id>` and `source:<id>` strings: a board asks for the same few thousand keys many times. */
  private readonly actorKeys = new Map<number, string>();
  private readonly sourceKeys = new Map<number, string>();

  constructor(
    private readonly context: OriginContext,
    private readonly fold: boolean,
  ) {}

  origin(claim: OriginClaim): OriginRef {
    const { claimantId } = claim;
    if (claimantId === null) return { main: this.voiceOf(claim.sourceId), reportedBy: null };
    const main: Ref = { kind: 'actor', id: this.actor(claimantId) };
    if (this.context.unnamedGroups?.has(claimantId) !== true) return { main, reportedBy: null };
    const relay = claim.firstRelayId ?? null;
    return {
      main,
      reportedBy: relay === null ? this.voiceOf(claim.sourceId) : { kind: 'actor', id: this.actor(relay) },
    };
  }

  /** The key of `origin(claim)`, built without the objects: the board asks it of every claim per position. */
  key(claim: OriginClaim): string {
    const { claimantId } = claim;
    if (claimantId === null) return this.voiceKey(claim.sourceId);
    const main = this.actorKey(this.actor(claimantId));
    if (this.context.unnamedGroups?.has(claimantId) !== true) return main;
    const relay = claim.firstRelayId ?? null;
    return `${main}@${relay === null ? this.voiceKey(claim.sourceId) : this.actorKey(this.actor(relay))}`;
  }

  private root(sourceId: number): number {
    const { sources } = this.context;
    return chainEnd(sourceId, (id) => sources.get(id)?.copyOfId ?? null, this.sourceRoots);
  }

  /** Whose voice a source carries: the publisher of its copy root, else the root source itself. */
  private voiceOf(sourceId: number): Ref {
    const root = this.root(sourceId);
    const publisherId = this.context.sources.get(root)?.publisherId ?? null;
    return publisherId === null
      ? { kind: 'source', id: root }
      : { kind: 'actor', id: this.actor(publisherId) };
  }

  private voiceKey(sourceId: number): string {
    const root = this.root(sourceId);
    const publisherId = this.context.sources.get(root)?.publisherId ?? null;
    return publisherId === null ? this.sourceKey(root) : this.actorKey(this.actor(publisherId));
  }

  private actorKey(id: number): string {
    return interned(this.actorKeys, 'actor', id);
  }

  private sourceKey(id: number): string {
    return interned(this.sourceKeys, 'source', id);
  }

  private actor(id: number): number {
    const parents = this.context.actorParents;
    if (!this.fold || parents === undefined) return id;
    return chainEnd(id, (a) => parents.get(a) ?? null, this.actorTops);
  }
}

const refKey = (ref: Ref) => `${ref.kind}:${ref.id}`;
const keyOf = (origin: OriginRef): string =>
  origin.reportedBy === null ? refKey(origin.main) : `${refKey(origin.main)}@${refKey(origin.reportedBy)}`;

function describe(origin: OriginRef): OriginOf {
  const { main, reportedBy } = origin;
  return {
    key: keyOf(origin),
    actorId: main.kind === 'actor' ? main.id : null,
    sourceId: main.kind === 'source' ? main.id : reportedBy?.kind === 'source' ? reportedBy.id : null,
    reportedById: reportedBy?.kind === 'actor' ? reportedBy.id : null,
  };
}

/** Where one claim originates, before `repeats` collapsing (exported for the API to show per claim). */
export function originOf(claim: OriginClaim, context: OriginContext, options: OriginOptions = {}): OriginOf {
  return describe(new Resolver(context, options.foldToTopLevel === true).origin(claim));
}

/** The origin key of one claim before `repeats` collapsing. */
export function originKeyOf(claim: OriginClaim, context: OriginContext, options: OriginOptions = {}): string {
  return originOf(claim, context, options).key;
}

/** Groups claims into independent origins, ordered by their lowest claim id. */
export function independentOrigins(
  claims: readonly OriginClaim[],
  context: OriginContext,
  options: OriginOptions = {},
): Origin[] {
  // Sorted by id (the sort is stable, so of a claim listed twice the first stays first), then deduplicated.
  const unique = [...claims].sort((a, b) => a.id - b.id);
  let n = 0;
  for (let i = 0; i < unique.length; i++) {
    const claim = unique[i] as OriginClaim;
    if (n === 0 || (unique[n - 1] as OriginClaim).id !== claim.id) unique[n++] = claim;
  }
  unique.length = n;

  const parent = new Int32Array(n);
  const size = new Int32Array(n).fill(1);
  for (let i = 0; i < n; i++) parent[i] = i;
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

  // Claims with the same origin key are one origin (rules 1-4, 6): only keys are made per claim, and the
  // described origin only for the claim a group is known by.
  const resolver = new Resolver(context, options.foldToTopLevel === true);
  const firstWithKey = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const key = resolver.key(unique[i] as OriginClaim);
    const first = firstWithKey.get(key);
    if (first === undefined) firstWithKey.set(key, i);
    else union(first, i);
  }
  // Rule 5.
  if (context.repeats.length > 0) {
    const indexOf = new Map<number, number>();
    for (let i = 0; i < n; i++) indexOf.set((unique[i] as OriginClaim).id, i);
    for (const [a, b] of context.repeats) {
      const ia = indexOf.get(a);
      const ib = indexOf.get(b);
      if (ia !== undefined && ib !== undefined) union(ia, ib);
    }
  }

  // Claims are visited in ascending id order, so groups come out ordered by, and keyed on, their lowest claim id.
  const groups = new Map<number, Origin>();
  const result: Origin[] = [];
  for (let i = 0; i < n; i++) {
    const claim = unique[i] as OriginClaim;
    const root = find(i);
    const group = groups.get(root);
    if (group !== undefined) {
      group.claimIds.push(claim.id);
      continue;
    }
    const created: Origin = { ...describe(resolver.origin(claim)), claimIds: [claim.id] };
    groups.set(root, created);
    result.push(created);
  }
  return result;
}
