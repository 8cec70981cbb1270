import type { Db } from '../../db/client.js';
import type { OriginContext, OriginSource } from '../../domain/independence.js';

export interface AttributionRow {
  id: number;
  eventId: number;
  /** Null for `no_attribution`. */
  actorId: number | null;
  role: string;
  position: string;
  claimId: number;
  retractedAt: string | null;
  retractedBy: string | null;
  retractionReason: string | null;
  /** The carrying claim's claimant, source and retraction, enough to count origins without loading it. */
  claimantId: number | null;
  sourceId: number;
  firstRelayId: number | null;
  claimRetracted: number;
}

/** What the independence rule needs to know about one claim. */
export interface ClaimOriginRow {
  id: number;
  sourceId: number;
  claimantId: number | null;
  firstRelayId?: number | null;
}

// The first relay of a claim's chain: the actor nearest the claimant.
const FIRST_RELAY = `(SELECT v.actor_id FROM claim_reported_via v WHERE v.claim_id = c.id ORDER BY v.position LIMIT 1)`;

/**
 * The reads the cross-checking views need beyond the resources' own repositories: the recursive walks
 * (actor ancestry, copy chains, repeats components) are done in SQL, once per view, not per claim.
 */
export function createCrossCheckRepository(db: Db) {
  const sqlite = db.$client;

  const attributionsOfEvent = sqlite.prepare(
    `SELECT a.id, a.event_id AS eventId, a.actor_id AS actorId, a.role, a.position, a.claim_id AS claimId,
            a.retracted_at AS retractedAt, a.retracted_by AS retractedBy, a.retraction_reason AS retractionReason,
            c.claimant_id AS claimantId, c.source_id AS sourceId, ${FIRST_RELAY} AS firstRelayId,
            c.retracted_at IS NOT NULL AS claimRetracted
     FROM attributions a JOIN claims c ON c.id = a.claim_id WHERE a.event_id = ? ORDER BY a.id`,
  );
  const claimOrigins = sqlite.prepare(
    `SELECT c.id, c.source_id AS sourceId, c.claimant_id AS claimantId, ${FIRST_RELAY} AS firstRelayId
     FROM claims c WHERE c.id IN (SELECT value FROM json_each(?))`,
  );
  const unnamedGroups = sqlite
    .prepare(
      `SELECT id FROM actors WHERE id IN (SELECT value FROM json_each(?)) AND kind = 'group' AND NOT identifiable`,
    )
    .pluck();
  const partiesOfEvent = sqlite.prepare(
    'SELECT actor_id AS actorId, role FROM event_parties WHERE event_id = ? ORDER BY actor_id, role',
  );
  const ancestry = sqlite.prepare(
    `WITH RECURSIVE up(id, parent_id) AS (
       SELECT id, parent_id FROM actors WHERE id IN (SELECT value FROM json_each(?))
       UNION SELECT a.id, a.parent_id FROM actors a JOIN up ON a.id = up.parent_id
     ) SELECT id, parent_id AS parentId FROM up`,
  );
  const copyChains = sqlite.prepare(
    `WITH RECURSIVE chain(id, publisher_id, copy_of_id) AS (
       SELECT id, publisher_id, copy_of_id FROM sources WHERE id IN (SELECT value FROM json_each(?))
       UNION SELECT s.id, s.publisher_id, s.copy_of_id FROM sources s JOIN chain ON s.id = chain.copy_of_id
     ) SELECT id, publisher_id AS publisherId, copy_of_id AS copyOfId FROM chain`,
  );
  // Repeats link claims into undirected components, possibly through claims outside the set asked about;
  // each claim of the set is listed with every other member of its component (a claim with no repeats
  // link is not listed: on a large board that is most of them). CROSS JOIN keeps the walk
  // driven from comp into the link indexes whatever the planner's statistics say (without statistics it
  // chose to scan claim_links for every step, about 100 times slower).
  const repeatsComponents = sqlite.prepare(
    `WITH RECURSIVE comp(seed, id) AS (
       SELECT value, value FROM json_each(?)
       UNION
       SELECT comp.seed, l.to_claim_id FROM comp CROSS JOIN claim_links l
         ON l.from_claim_id = comp.id AND l.relation = 'repeats'
       UNION
       SELECT comp.seed, l.from_claim_id FROM comp CROSS JOIN claim_links l
         ON l.to_claim_id = comp.id AND l.relation = 'repeats'
     ) SELECT seed, id FROM comp WHERE id <> seed`,
  );
  // Claims in the other sources of each claim's copy family (every source sharing its copyOf root). Copy chains
  // are short and loop-free in practice; a loop ends the walk (no root is found) rather than running on.
  const copyFamily = sqlite.prepare(
    `WITH RECURSIVE
       start(claim_id, source_id) AS (
         SELECT id, source_id FROM claims WHERE id IN (SELECT value FROM json_each(?))),
       up(source_id, id, next, depth) AS (
         SELECT s.id, s.id, s.copy_of_id, 0 FROM sources s WHERE s.id IN (SELECT source_id FROM start)
         UNION SELECT up.source_id, s.id, s.copy_of_id, up.depth + 1 FROM sources s JOIN up ON s.id = up.next
           WHERE up.depth < 64),
       roots(source_id, root) AS (SELECT source_id, id FROM up WHERE next IS NULL),
       down(root, id, depth) AS (
         SELECT DISTINCT root, root, 0 FROM roots
         UNION SELECT down.root, s.id, down.depth + 1 FROM sources s JOIN down ON s.copy_of_id = down.id
           WHERE down.depth < 64)
     SELECT DISTINCT st.claim_id AS claimId, c.id AS otherId
     FROM start st JOIN roots r ON r.source_id = st.source_id JOIN down d ON d.root = r.root
     JOIN claims c ON c.source_id = d.id
     WHERE d.id <> st.source_id`,
  );
  const quotes = sqlite.prepare(
    'SELECT id, quote_exact AS quote FROM claims WHERE id IN (SELECT value FROM json_each(?))',
  );
  const subtree = sqlite.prepare(
    `WITH RECURSIVE down(id) AS (SELECT ? UNION SELECT e.id FROM events e JOIN down ON e.parent_id = down.id)
     SELECT id FROM down`,
  );

  return {
    attributionsOfEvent: (eventId: number) => attributionsOfEvent.all(eventId) as AttributionRow[],

    partiesOfEvent: (eventId: number) => partiesOfEvent.all(eventId) as { actorId: number; role: string }[],

    /** The event and every event below it. */
    eventSubtree: (eventId: number) => (subtree.all(eventId) as { id: number }[]).map((r) => r.id),

    /** actor id -> parent id, for the actors given and all their ancestors. */
    actorParents(actorIds: number[]): Map<number, number | null> {
      const rows = ancestry.all(JSON.stringify([...new Set(actorIds)])) as {
        id: number;
        parentId: number | null;
      }[];
      return new Map(rows.map((r) => [r.id, r.parentId]));
    },

    /** What the independence rule needs about each of these claims. */
    claimOrigins: (ids: number[]) =>
      ids.length === 0 ? [] : (claimOrigins.all(JSON.stringify([...new Set(ids)])) as ClaimOriginRow[]),

    /** For each claim, the claims in the other sources of its copy family. */
    copyFamilyClaims: (ids: number[]) =>
      ids.length === 0
        ? []
        : (copyFamily.all(JSON.stringify([...new Set(ids)])) as { claimId: number; otherId: number }[]),

    /** The verbatim quote of each claim. */
    quotesOf(ids: number[]): Map<number, string> {
      if (ids.length === 0) return new Map();
      const rows = quotes.all(JSON.stringify([...new Set(ids)])) as { id: number; quote: string }[];
      return new Map(rows.map((r) => [r.id, r.quote]));
    },

    /** The other claims linked to each of `ids` by `repeats`, transitively; ids with none are left out. */
    repeatsMembers(ids: number[]): Map<number, number[]> {
      const members = new Map<number, number[]>();
      if (ids.length === 0) return members;
      for (const { seed, id } of repeatsComponents.all(JSON.stringify([...new Set(ids)])) as {
        seed: number;
        id: number;
      }[]) {
        const list = members.get(seed) ?? [];
        list.push(id);
        members.set(seed, list);
      }
      return members;
    },

    /**
     * Everything the independence rule needs about a set of claims. `contextFor` narrows it to a subset
     * (one position on the board) while keeping repeats that run through claims outside the subset.
     * `alsoActors` are actors whose ancestry is needed too (the actors held responsible, for the roll-up).
     * `claimIds` and `sourceIds` are every claim and source the answer depends on (for caching).
     */
    originContext(claims: ClaimOriginRow[], alsoActors: number[] = []) {
      const ids = claims.map((c) => c.id);
      const sourceRows = copyChains.all(
        JSON.stringify([...new Set(claims.map((c) => c.sourceId))]),
      ) as OriginSource[];
      const sources = new Map(sourceRows.map((s) => [s.id, s]));
      const claimants = [...new Set(claims.flatMap((c) => (c.claimantId === null ? [] : [c.claimantId])))];
      const actorIds = [
        ...claimants,
        ...claims.flatMap((c) => (c.firstRelayId == null ? [] : [c.firstRelayId])),
        ...sourceRows.flatMap((s) => (s.publisherId === null ? [] : [s.publisherId])),
        ...alsoActors,
      ];
      const representative = new Map<number, number>();
      const componentIds = new Set<number>(ids);
      for (const [seed, members] of this.repeatsMembers(ids)) {
        representative.set(
          seed,
          members.reduce((a, b) => Math.min(a, b), seed),
        );
        for (const id of members) componentIds.add(id);
      }
      const actorParents = this.actorParents(actorIds);
      const unnamed = new Set(
        claimants.length === 0 ? [] : (unnamedGroups.all(JSON.stringify(claimants)) as number[]),
      );
      return {
        actorParents,
        sources,
        unnamedGroups: unnamed as ReadonlySet<number>,
        claimIds: componentIds as ReadonlySet<number>,
        contextFor(subset: Iterable<number>): OriginContext {
          const repeats: [number, number][] = [];
          if (representative.size > 0) {
            // Only a claim with repeats links has a representative: one without is alone in its component.
            const firstOf = new Map<number, number>();
            for (const id of subset) {
              const rep = representative.get(id);
              if (rep === undefined) continue;
              const first = firstOf.get(rep);
              if (first === undefined) firstOf.set(rep, id);
              else if (first !== id) repeats.push([first, id]);
            }
          }
          return { sources, actorParents, repeats, unnamedGroups: unnamed };
        },
      };
    },
  };
}

export type CrossCheckRepository = ReturnType<typeof createCrossCheckRepository>;
