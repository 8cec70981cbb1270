import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { ATTRIBUTION_POSITIONS } from '../../db/schema.js';
import { independentOrigins, type Origin, originKeyOf } from '../../domain/independence.js';
import { gradeOf } from '../../lib/grades.js';
import { decodeCursorState, encodeCursorState, type Page } from '../../lib/pagination.js';
import { retractionOf } from '../../lib/retraction.js';
import { prepared } from '../../lib/statements.js';
import { createClaimsRepository } from '../claims/claims.repository.js';
import type { Claim } from '../claims/claims.schemas.js';
import { createEventsRepository } from '../events/events.repository.js';
import { createCrossCheckRepository } from './cross-check.repository.js';
import type {
  AttributionBoardSchema,
  BoardEntrySchema,
  ProvenanceSchema,
  TimelineEntrySchema,
} from './cross-check.schemas.js';
import { INDEPENDENCE_RULE } from './cross-check.schemas.js';

type Board = z.infer<typeof AttributionBoardSchema>;
type BoardEntry = z.infer<typeof BoardEntrySchema>;
type TimelineEntry = z.infer<typeof TimelineEntrySchema>;
type Provenance = z.infer<typeof ProvenanceSchema>;
type SourceRef = { id: number; title: string; url: string | null; publishedAt: string | null };
type DescribedOrigin = {
  key: string;
  actor: { id: number; name: string; kind: ActorRow['kind'] } | null;
  source: SourceRef | null;
  claimIds: number[];
};

/** At most this many origins are named per position: the largest, kept in the rule's order (lowest claim id). */
const ORIGINS_SHOWN = 50;
const largestFirst = (origins: Origin[]) =>
  origins.length <= ORIGINS_SHOWN
    ? origins
    : [...origins]
        .sort((a, b) => b.claimIds.length - a.claimIds.length || a.key.localeCompare(b.key))
        .slice(0, ORIGINS_SHOWN)
        .sort((a, b) => (a.claimIds[0] ?? 0) - (b.claimIds[0] ?? 0));

type ActorRow = {
  id: number;
  name: string;
  kind: Claim['reportedVia'][number]['kind'];
  parentId: number | null;
  grade: 'A' | 'B' | 'C' | 'D' | 'E' | 'F' | null;
  gradedBy: string | null;
  gradedAt: string | null;
  rationale: string | null;
};

const TimelineCursor = z.object({
  v: z.literal(1),
  at: z.string().max(40).nullable(),
  id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});

export function createCrossCheckService(db: Db) {
  const sqlite = db.$client;
  const repo = createCrossCheckRepository(db);
  const claims = createClaimsRepository(db);
  const events = createEventsRepository(db);

  const actorRows = sqlite.prepare(
    `SELECT id, name, kind, parent_id AS parentId, reliability_grade AS grade, reliability_graded_by AS gradedBy,
            reliability_graded_at AS gradedAt, reliability_rationale AS rationale
     FROM actors WHERE id IN (SELECT value FROM json_each(?))`,
  );
  const sourceRows = sqlite.prepare(
    `SELECT s.id, s.title, s.url, s.published_at AS publishedAt, s.retrieved_at AS retrievedAt, s.sha256,
            s.publisher_id AS publisherId, s.text, o.id AS copyOfId, o.title AS copyOfTitle, o.url AS copyOfUrl,
            o.published_at AS copyOfPublishedAt
     FROM sources s LEFT JOIN sources o ON o.id = s.copy_of_id WHERE s.id = ?`,
  );
  const sourceRefs = sqlite.prepare(
    `SELECT id, title, url, published_at AS publishedAt FROM sources WHERE id IN (SELECT value FROM json_each(?))`,
  );
  const linksOfClaim = sqlite.prepare(
    `SELECT id, from_claim_id AS fromId, to_claim_id AS toId, relation, note FROM claim_links
     WHERE from_claim_id = ? OR to_claim_id = ? ORDER BY id`,
  );
  const attributionsOfClaim = sqlite.prepare(
    `SELECT a.id, a.role, a.position, e.id AS eventId, e.title AS eventTitle, x.id AS actorId, x.name AS actorName,
            x.kind AS actorKind
     FROM attributions a JOIN events e ON e.id = a.event_id JOIN actors x ON x.id = a.actor_id
     WHERE a.claim_id = ? ORDER BY a.id`,
  );

  function actorsById(ids: number[]): Map<number, ActorRow> {
    if (ids.length === 0) return new Map();
    const rows = actorRows.all(JSON.stringify([...new Set(ids)])) as ActorRow[];
    return new Map(rows.map((r) => [r.id, r]));
  }
  const refOf = (a: ActorRow) => ({ id: a.id, name: a.name, kind: a.kind });
  const reliabilityOf = (a: ActorRow | undefined) => (a ? gradeOf(a) : null);

  /** Describes origins with names rather than bare keys, keyed by origin key. */
  function describeOrigins(origins: Origin[]): Map<string, DescribedOrigin> {
    const actors = actorsById(origins.flatMap((o) => (o.actorId === null ? [] : [o.actorId])));
    const sourceIds = origins.flatMap((o) => (o.sourceId === null ? [] : [o.sourceId]));
    const sources = new Map(
      (sourceIds.length === 0 ? [] : (sourceRefs.all(JSON.stringify(sourceIds)) as SourceRef[])).map((x) => [
        x.id,
        x,
      ]),
    );
    return new Map(
      origins.map((o) => {
        const actor = o.actorId === null ? undefined : actors.get(o.actorId);
        const described = {
          key: o.key,
          actor: actor ? refOf(actor) : null,
          source: o.sourceId === null ? null : (sources.get(o.sourceId) ?? null),
          claimIds: o.claimIds,
        };
        return [o.key, described];
      }),
    );
  }

  /** Ancestors of an actor, itself included, guarding against a loop. */
  function lineage(actorId: number, parents: ReadonlyMap<number, number | null>): number[] {
    const seen: number[] = [];
    for (
      let id: number | null | undefined = actorId;
      id != null && !seen.includes(id);
      id = parents.get(id)
    ) {
      seen.push(id);
    }
    return seen;
  }

  return {
    /** The attribution board of an event, or null when the event does not exist. */
    board(eventId: number, options: { foldToTopLevel: boolean; entries: number }): Board | null {
      const event = events.get(eventId);
      if (!event) return null;
      const rows = repo.attributionsOfEvent(eventId);
      const originClaims = [...new Map(rows.map((r) => [r.claimId, r])).values()].map((r) => ({
        id: r.claimId,
        claimantId: r.claimantId,
        sourceId: r.sourceId,
      }));
      const originsOf = repo.originContext(originClaims);
      const baseContext = originsOf.contextFor([]);
      const originOptions = { foldToTopLevel: options.foldToTopLevel };
      const claimById = new Map(originClaims.map((c) => [c.id, c]));
      const countOrigins = (claimIds: number[]) => {
        const set = new Set(claimIds);
        return independentOrigins(
          [...set].map((id) => claimById.get(id) as (typeof originClaims)[number]),
          originsOf.contextFor(set),
          originOptions,
        );
      };
      const isStanding = (r: (typeof rows)[number]) => r.retractedAt === null && !r.claimRetracted;

      // Group by the actor held responsible, then by position; rows come in attribution order.
      const byActor = new Map<number, Map<string, typeof rows>>();
      for (const r of rows) {
        const positions = byActor.get(r.actorId) ?? new Map<string, typeof rows>();
        positions.set(r.position, [...(positions.get(r.position) ?? []), r]);
        byActor.set(r.actorId, positions);
      }

      // Only the entries shown are loaded whole, in one query for the board.
      const shownRows = [...byActor.values()].flatMap((positions) =>
        [...positions.values()].flatMap((list) => list.slice(0, options.entries)),
      );
      const shownClaims = claims.byIds(shownRows.map((r) => r.claimId));
      const partyRoles = new Map<number, string>();
      for (const p of event.parties) if (!partyRoles.has(p.actor.id)) partyRoles.set(p.actor.id, p.role);

      const counted = [...byActor.entries()].map(([heldId, positions]) => ({
        heldId,
        positions: ATTRIBUTION_POSITIONS.map((position) => {
          const list = positions.get(position) ?? [];
          const standing = list.filter(isStanding);
          const origins = countOrigins(standing.map((r) => r.claimId));
          return { position, list, standing, origins };
        }),
        origins: countOrigins(
          [...positions.values()].flatMap((list) => list.filter(isStanding).map((r) => r.claimId)),
        ),
      }));

      const shownOrigins = counted.flatMap((a) => a.positions.flatMap((p) => largestFirst(p.origins)));
      const described = describeOrigins(shownOrigins);
      const actors = actorsById([
        ...byActor.keys(),
        ...shownRows.flatMap((r) => (r.claimantId === null ? [] : [r.claimantId])),
      ]);
      const parents = originsOf.actorParents;

      const interestOf = (claimantId: number | null, heldId: number): string | null => {
        if (claimantId === null) return null;
        // Every claimant on the board is in the origin context, so its whole ancestry is in `parents`.
        for (const ancestor of lineage(claimantId, parents)) {
          const role =
            ancestor === heldId ? (partyRoles.get(ancestor) ?? 'accused') : partyRoles.get(ancestor);
          if (role) return role;
        }
        return null;
      };

      const boardActors = counted.map(({ heldId, positions, origins }) => ({
        actor: refOf(actors.get(heldId) as ActorRow),
        count: positions.reduce((n, p) => n + p.standing.length, 0),
        independentOrigins: origins.length,
        positions: positions.map(({ position, list, standing, origins: positionOrigins }) => {
          const keyOfClaim = new Map(
            positionOrigins.flatMap((o) => o.claimIds.map((id) => [id, o.key] as const)),
          );
          const entries: BoardEntry[] = list.slice(0, options.entries).map((r) => {
            const interestedAs = interestOf(r.claimantId, heldId);
            const light = claimById.get(r.claimId) as (typeof originClaims)[number];
            return {
              attributionId: r.id,
              role: r.role as BoardEntry['role'],
              claim: shownClaims.get(r.claimId) as Claim,
              originKey: keyOfClaim.get(r.claimId) ?? originKeyOf(light, baseContext, originOptions),
              interestedParty: interestedAs !== null,
              interestedAs,
              claimantReliability: reliabilityOf(
                r.claimantId === null ? undefined : actors.get(r.claimantId),
              ),
              retraction: retractionOf(r),
            };
          });
          return {
            position,
            count: standing.length,
            retracted: list.length - standing.length,
            independentOrigins: positionOrigins.length,
            origins: largestFirst(positionOrigins).map((o) => described.get(o.key) as DescribedOrigin),
            entries,
            moreEntries: list.length - entries.length,
          };
        }),
      }));

      return {
        event: { id: event.id, title: event.title, parties: event.parties },
        independenceRule: INDEPENDENCE_RULE,
        foldToTopLevel: options.foldToTopLevel,
        actors: boardActors,
      };
    },

    /** The event's claims in the order they were made, or null when the event does not exist. */
    timeline(
      eventId: number,
      filter: {
        actor?: number | undefined;
        includeSubordinates: boolean;
        stance?: string | undefined;
        includeSubevents: boolean;
        includeRetracted: boolean;
        limit: number;
        cursor?: string | undefined;
      },
    ): Page<TimelineEntry> | null {
      if (!events.get(eventId)) return null;
      const eventIds = filter.includeSubevents ? repo.eventSubtree(eventId) : [eventId];
      const params: unknown[] = [];
      const where: string[] = [];
      if (eventIds.length === 1) {
        where.push('c.event_id = ?');
        params.push(eventId);
      } else {
        where.push('c.event_id IN (SELECT value FROM json_each(?))');
        params.push(JSON.stringify(eventIds));
      }
      if (filter.actor !== undefined) {
        where.push(
          filter.includeSubordinates
            ? `c.claimant_id IN (WITH RECURSIVE down(id) AS (SELECT ? UNION SELECT a.id FROM actors a JOIN down ON a.parent_id = down.id) SELECT id FROM down)`
            : 'c.claimant_id = ?',
        );
        params.push(filter.actor);
      }
      if (!filter.includeRetracted) where.push('c.retracted_at IS NULL');
      if (filter.stance) {
        where.push('c.stance = ?');
        params.push(filter.stance);
      }
      // effective_at is statedAt, else the source's publishedAt (kept by triggers); undated claims sort
      // last as '9999', which is also what the index (event_id, coalesce(effective_at, '9999'), id) holds.
      if (filter.cursor !== undefined) {
        const after = decodeCursorState(filter.cursor, TimelineCursor);
        // Written as a range on the index expression (>=) plus the tie-break, so SQLite seeks to the page.
        const at = after.at ?? '9999';
        where.push(
          `coalesce(c.effective_at, '9999') >= ? AND (coalesce(c.effective_at, '9999') > ? OR c.id > ?)`,
        );
        params.push(at, at, after.id);
      }
      params.push(filter.limit + 1);
      // Prepared once per combination of filters (the SQL text), not compiled per request.
      const rows = prepared(
        sqlite,
        `SELECT c.id, c.effective_at AS t,
                  CASE WHEN c.stated_at IS NOT NULL THEN 'statedAt' WHEN c.effective_at IS NOT NULL THEN 'publishedAt' END AS basis,
                  CASE WHEN c.stated_at IS NOT NULL THEN c.stated_at_precision ELSE s.published_at_precision END AS precision
           FROM claims c LEFT JOIN sources s ON s.id = c.source_id
           WHERE ${where.join(' AND ')}
           ORDER BY coalesce(c.effective_at, '9999'), c.id LIMIT ?`,
      ).all(...params) as {
        id: number;
        t: string | null;
        basis: TimelineEntry['basis'];
        precision: string | null;
      }[];
      const page = rows.slice(0, filter.limit);
      const found = claims.byIds(page.map((r) => r.id));
      const claimants = actorsById([...found.values()].flatMap((c) => (c.claimant ? [c.claimant.id] : [])));
      const data = page.map((r) => {
        const claim = found.get(r.id) as Claim;
        return {
          at: r.t,
          precision: r.t === null ? null : r.precision,
          basis: r.basis,
          claim,
          claimantReliability: reliabilityOf(claim.claimant ? claimants.get(claim.claimant.id) : undefined),
        };
      });
      const last = page[page.length - 1];
      const nextCursor =
        rows.length > filter.limit && last ? encodeCursorState({ v: 1, at: last.t, id: last.id }) : null;
      return { data, nextCursor };
    },

    /** Where a claim comes from, step by step, or null when it does not exist. */
    provenance(claimId: number): Provenance | null {
      const claim = claims.get(claimId);
      if (!claim) return null;
      const source = sourceRows.get(claim.source.id) as {
        id: number;
        title: string;
        url: string | null;
        publishedAt: string | null;
        retrievedAt: string;
        sha256: string;
        publisherId: number | null;
        text: string;
        copyOfId: number | null;
        copyOfTitle: string | null;
        copyOfUrl: string | null;
        copyOfPublishedAt: string | null;
      };
      const actorIds = [
        ...(claim.claimant ? [claim.claimant.id] : []),
        ...claim.reportedVia.map((a) => a.id),
        ...(source.publisherId === null ? [] : [source.publisherId]),
      ];
      const actors = actorsById(actorIds);
      const node = (step: Provenance['chain'][number]['step'], id: number) => {
        const a = actors.get(id) as ActorRow;
        return { step, actor: { ...refOf(a), reliability: gradeOf(a) }, source: null };
      };
      const chain: Provenance['chain'] = [
        ...(claim.claimant ? [node('claimant', claim.claimant.id)] : []),
        ...claim.reportedVia.map((a) => node('relay', a.id)),
        ...(source.publisherId === null ? [] : [node('publisher', source.publisherId)]),
        {
          step: 'source',
          actor: null,
          source: {
            id: source.id,
            title: source.title,
            url: source.url,
            publishedAt: source.publishedAt,
            retrievedAt: source.retrievedAt,
            sha256: source.sha256,
            textIntact: createHash('sha256').update(source.text, 'utf8').digest('hex') === source.sha256,
            copyOf:
              source.copyOfId === null
                ? null
                : {
                    id: source.copyOfId,
                    title: source.copyOfTitle ?? '',
                    url: source.copyOfUrl,
                    publishedAt: source.copyOfPublishedAt,
                  },
          },
        },
      ];
      const links = linksOfClaim.all(claimId, claimId) as {
        id: number;
        fromId: number;
        toId: number;
        relation: Provenance['links']['outgoing'][number]['relation'];
        note: string | null;
      }[];
      const others = claims.byIds(links.map((l) => (l.fromId === claimId ? l.toId : l.fromId)));
      const side = (l: (typeof links)[number], otherId: number) => ({
        id: l.id,
        relation: l.relation,
        note: l.note,
        claim: others.get(otherId) as Claim,
      });
      const attributions = attributionsOfClaim.all(claimId) as {
        id: number;
        role: Provenance['attributions'][number]['role'];
        position: Provenance['attributions'][number]['position'];
        eventId: number;
        eventTitle: string;
        actorId: number;
        actorName: string;
        actorKind: Claim['reportedVia'][number]['kind'];
      }[];
      return {
        claim,
        chain,
        links: {
          outgoing: links.filter((l) => l.fromId === claimId).map((l) => side(l, l.toId)),
          incoming: links.filter((l) => l.toId === claimId).map((l) => side(l, l.fromId)),
        },
        attributions: attributions.map((a) => ({
          id: a.id,
          role: a.role,
          position: a.position,
          event: { id: a.eventId, title: a.eventTitle },
          actor: { id: a.actorId, name: a.actorName, kind: a.actorKind },
        })),
      };
    },
  };
}
