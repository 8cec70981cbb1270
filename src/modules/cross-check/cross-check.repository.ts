import type { Db } from '../../db/client.js';
import type { OriginContext, OriginSource } from '../../domain/independence.js';

export interface AttributionRow {
  id: number;
  eventId: number;
  actorId: number;
  role: string;
  position: string;
  claimId: number;
  retractedAt: string | null;
  retractedBy: string | null;
  retractionReason: string | null;
  /** The carrying claim's claimant, source and retraction, enough to count origins without loading it. */
  claimantId: number | null;
  sourceId: number;
  claimRetracted: number;
}

/**
 * The reads the cross-checking views need beyond the resources' own repositories: the recursive walks
 * (actor ancestry, copy chains, repeats components) are done in SQL, once per view, not per claim.
 */
export function createCrossCheckRepository(db: Db) {
  const sqlite = db.$client;

  const attributionsOfEvent = sqlite.prepare(
    `SELECT a.id, a.event_id AS eventId, a.actor_id AS actorId, a.role, a.position, a.claim_id AS claimId,
            a.retracted_at AS retractedAt, a.retracted_by AS retractedBy, a.retraction_reason AS retractionReason,
            c.claimant_id AS claimantId, c.source_id AS sourceId, c.retracted_at IS NOT NULL AS claimRetracted
     FROM attributions a JOIN claims c ON c.id = a.claim_id WHERE a.event_id = ? ORDER BY a.id`,
  );
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
  // each claim of the set is mapped to the smallest claim id of its component. CROSS JOIN keeps the walk
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
     ) SELECT seed, min(id) AS representative FROM comp GROUP BY seed`,
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

    /**
     * Everything the independence rule needs about a set of claims. `contextFor` narrows it to a subset
     * (one position on the board) while keeping repeats that run through claims outside the subset.
     */
    originContext(claims: { id: number; sourceId: number; claimantId: number | null }[]) {
      const ids = claims.map((c) => c.id);
      const sourceRows = copyChains.all(
        JSON.stringify([...new Set(claims.map((c) => c.sourceId))]),
      ) as OriginSource[];
      const sources = new Map(sourceRows.map((s) => [s.id, s]));
      const actorIds = [
        ...claims.flatMap((c) => (c.claimantId === null ? [] : [c.claimantId])),
        ...sourceRows.flatMap((s) => (s.publisherId === null ? [] : [s.publisherId])),
      ];
      const components = repeatsComponents.all(JSON.stringify(ids)) as {
        seed: number;
        representative: number;
      }[];
      const representative = new Map(components.map((c) => [c.seed, c.representative]));
      const actorParents = this.actorParents(actorIds);
      return {
        actorParents,
        contextFor(subset: Iterable<number>): OriginContext {
          const firstOf = new Map<number, number>();
          const repeats: [number, number][] = [];
          for (const id of subset) {
            const rep = representative.get(id) ?? id;
            const first = firstOf.get(rep);
            if (first === undefined) firstOf.set(rep, id);
            else repeats.push([first, id]);
          }
          return { sources, actorParents, repeats };
        },
      };
    },
  };
}

export type CrossCheckRepository = ReturnType<typeof createCrossCheckRepository>;
