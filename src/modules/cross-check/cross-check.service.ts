import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { ATTRIBUTION_POSITIONS } from '../../db/schema.js';
import {
  independentOrigins,
  type Origin,
  type OriginContext,
  originKeyOf,
} from '../../domain/independence.js';
import { gradeOf } from '../../lib/grades.js';
import { decodeCursorState, encodeCursorState, type Page } from '../../lib/pagination.js';
import { retractionOf } from '../../lib/retraction.js';
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

  /** Describes origins with names rather than bare keys. */
  function describeOrigins(origins: Origin[]) {
    const actors = actorsById(origins.flatMap((o) => (o.actorId === null ? [] : [o.actorId])));
    const sourceIds = origins.flatMap((o) => (o.sourceId === null ? [] : [o.sourceId]));
    const sources = new Map(
      (sourceIds.length === 0 ? [] : (sourceRefs.all(JSON.stringify(sourceIds)) as { id: number }[])).map(
        (s) => [s.id, s as { id: number; title: string; url: string | null; publishedAt: string | null }],
      ),
    );
    return origins.map((o) => {
      const actor = o.actorId === null ? undefined : actors.get(o.actorId);
      return {
        key: o.key,
        actor: actor ? refOf(actor) : null,
        source: o.sourceId === null ? null : (sources.get(o.sourceId) ?? null),
        claimIds: o.claimIds,
      };
    });
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
    board(eventId: number, options: { foldToTopLevel: boolean }): Board | null {
      const event = events.get(eventId);
      if (!event) return null;
      const rows = repo.attributionsOfEvent(eventId);
      const claimIds = [...new Set(rows.map((r) => r.claimId))];
      const carried = claims.byIds(claimIds);
      const originClaims = [...carried.values()].map((c) => ({
        id: c.id,
        claimantId: c.claimant?.id ?? null,
        sourceId: c.source.id,
      }));
      const origins = repo.originContext(originClaims);
      const context: OriginContext = origins.contextFor(originClaims.map((c) => c.id));
      const parents = context.actorParents ?? new Map();
      const heldIds = [...new Set(rows.map((r) => r.actorId))];
      const actors = actorsById([
        ...heldIds,
        ...originClaims.flatMap((c) => (c.claimantId ? [c.claimantId] : [])),
      ]);
      const partyRoles = new Map<number, string>();
      for (const p of event.parties) if (!partyRoles.has(p.actor.id)) partyRoles.set(p.actor.id, p.role);

      const originOptions = { foldToTopLevel: options.foldToTopLevel };
      const countOrigins = (ids: number[]) => {
        const set = new Set(ids);
        return independentOrigins(
          originClaims.filter((c) => set.has(c.id)),
          origins.contextFor(set),
          originOptions,
        );
      };

      const boardActors = heldIds.map((heldId) => {
        const mine = rows.filter((r) => r.actorId === heldId);
        const positions = ATTRIBUTION_POSITIONS.map((position) => {
          const entries: BoardEntry[] = mine
            .filter((r) => r.position === position)
            .map((r) => {
              const claim = carried.get(r.claimId) as Claim;
              const claimantId = claim.claimant?.id ?? null;
              let interestedAs: string | null = null;
              if (claimantId !== null) {
                for (const ancestor of lineage(claimantId, parents)) {
                  const role =
                    ancestor === heldId ? (partyRoles.get(ancestor) ?? 'accused') : partyRoles.get(ancestor);
                  if (role) {
                    interestedAs = role;
                    break;
                  }
                }
              }
              const origin = originClaims.find((c) => c.id === claim.id);
              return {
                attributionId: r.id,
                role: r.role as BoardEntry['role'],
                claim,
                originKey: origin ? originKeyOf(origin, context, originOptions) : `source:${claim.source.id}`,
                interestedParty: interestedAs !== null,
                interestedAs,
                claimantReliability: reliabilityOf(claimantId === null ? undefined : actors.get(claimantId)),
                retraction: retractionOf(r),
              };
            });
          const standing = entries.filter((e) => !e.retraction && !e.claim.retraction);
          const origins = countOrigins(standing.map((e) => e.claim.id));
          return {
            position,
            count: standing.length,
            retracted: entries.length - standing.length,
            independentOrigins: origins.length,
            origins: describeOrigins(origins),
            entries,
          };
        });
        const held = actors.get(heldId) as ActorRow;
        const standing = positions.flatMap((p) =>
          p.entries.filter((e) => !e.retraction && !e.claim.retraction).map((e) => e.claim.id),
        );
        return {
          actor: refOf(held),
          count: standing.length,
          independentOrigins: countOrigins(standing).length,
          positions,
        };
      });

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
      const params: unknown[] = [JSON.stringify(eventIds)];
      const where = ['c.event_id IN (SELECT value FROM json_each(?))'];
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
      // Undated claims come last; within a time, creation order.
      if (filter.cursor !== undefined) {
        const after = decodeCursorState(filter.cursor, TimelineCursor);
        if (after.at === null) {
          where.push('(t IS NULL AND c.id > ?)');
          params.push(after.id);
        } else {
          where.push('(t IS NULL OR t > ? OR (t = ? AND c.id > ?))');
          params.push(after.at, after.at, after.id);
        }
      }
      params.push(filter.limit + 1);
      const rows = sqlite
        .prepare(
          `SELECT c.id, coalesce(c.stated_at, s.published_at) AS t,
                  CASE WHEN c.stated_at IS NOT NULL THEN 'statedAt' WHEN s.published_at IS NOT NULL THEN 'publishedAt' END AS basis,
                  CASE WHEN c.stated_at IS NOT NULL THEN c.stated_at_precision ELSE s.published_at_precision END AS precision
           FROM claims c JOIN sources s ON s.id = c.source_id
           WHERE ${where.join(' AND ')}
           ORDER BY t IS NULL, t, c.id LIMIT ?`,
        )
        .all(...params) as {
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
