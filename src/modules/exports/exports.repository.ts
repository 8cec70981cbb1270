import type { Db } from '../../db/client.js';
import type {
  ExportActor,
  ExportAttribution,
  ExportEvent,
  ExportInput,
  ExportSource,
} from '../../domain/exports/types.js';
import { createClaimsRepository } from '../claims/claims.repository.js';
import type { Claim } from '../claims/claims.schemas.js';

// The API's claim is what the mappers read: this fails to compile if the two drift apart.
const claimIsExportable = (c: Claim): ExportInput['claims'][number] => c;

const json = (ids: Iterable<number>) => JSON.stringify([...new Set(ids)]);

/** Reads everything one export needs in a few queries: claims with their sources, actors and events. */
export function createExportsRepository(db: Db) {
  const sqlite = db.$client;
  const claims = createClaimsRepository(db);

  // An event's claims and the claims that carry attributions for it, in id order, a page at a time.
  const eventClaims = `
    SELECT id FROM claims WHERE event_id = @event AND id > @after AND (@all OR retracted_at IS NULL)
    UNION
    SELECT a.claim_id FROM attributions a JOIN claims c ON c.id = a.claim_id
    WHERE a.event_id = @event AND a.claim_id > @after
      AND (@all OR (a.retracted_at IS NULL AND c.retracted_at IS NULL))`;
  const eventClaimIds = sqlite.prepare(`${eventClaims} ORDER BY 1 LIMIT @limit`).pluck();
  const eventClaimCount = sqlite.prepare(`SELECT count(*) FROM (${eventClaims})`).pluck();
  const eventGradedCount = sqlite
    .prepare(
      `SELECT count(*) FROM (${eventClaims}) u JOIN claims c ON c.id = u.id WHERE c.credibility_grade IS NOT NULL`,
    )
    .pluck();
  // A LEFT JOIN on the actor: an attribution may hold nobody responsible.
  const attributionsOf = sqlite.prepare(
    `SELECT a.id, a.claim_id AS claimId, a.role, a.position, a.created_at AS createdAt, a.updated_at AS updatedAt,
            e.id AS eventId, e.title AS eventTitle, x.id AS actorId, x.name AS actorName, x.kind AS actorKind
     FROM attributions a JOIN events e ON e.id = a.event_id LEFT JOIN actors x ON x.id = a.actor_id
     WHERE a.claim_id IN (SELECT value FROM json_each(@ids)) AND (@all OR a.retracted_at IS NULL)
     ORDER BY a.id`,
  );
  const actorsOf = sqlite.prepare(
    `SELECT id, name, kind, description, wikidata_id AS wikidataId, parent_id AS parentId,
            created_at AS createdAt, updated_at AS updatedAt
     FROM actors WHERE id IN (SELECT value FROM json_each(?))`,
  );
  const sourcesOf = sqlite.prepare(
    `SELECT id, title, url, publisher_id AS publisherId, copy_of_id AS copyOfId, published_at AS publishedAt,
            retrieved_at AS retrievedAt, language, kind, sha256, created_at AS createdAt, updated_at AS updatedAt
     FROM sources WHERE id IN (SELECT value FROM json_each(?))`,
  );
  const eventsOf = sqlite.prepare(
    `SELECT id, title, summary, kind, starts_at AS startsAt, ends_at AS endsAt, place_name AS placeName,
            created_at AS createdAt, updated_at AS updatedAt
     FROM events WHERE id IN (SELECT value FROM json_each(?))`,
  );

  function assemble(
    baseUrl: string,
    event: ExportEvent | null,
    found: Claim[],
    includeRetracted: boolean,
  ): ExportInput {
    const exportClaims = found.map(claimIsExportable);
    const rows = attributionsOf.all({ ids: json(found.map((c) => c.id)), all: includeRetracted ? 1 : 0 }) as {
      id: number;
      claimId: number;
      role: string;
      position: string;
      createdAt: string;
      updatedAt: string;
      eventId: number;
      eventTitle: string;
      actorId: number | null;
      actorName: string | null;
      actorKind: string | null;
    }[];
    const attributions: ExportAttribution[] = rows.map((r) => ({
      id: r.id,
      claimId: r.claimId,
      role: r.role,
      position: r.position,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
      event: { id: r.eventId, title: r.eventTitle },
      actor:
        r.actorId !== null && r.actorName !== null && r.actorKind !== null
          ? { id: r.actorId, name: r.actorName, kind: r.actorKind }
          : null,
    }));
    const sources = new Map(
      (sourcesOf.all(json(found.map((c) => c.source.id))) as ExportSource[]).map((s) => [s.id, s]),
    );
    // Copies' originals too, so that the provenance can name them.
    const originals = [...sources.values()].flatMap((s) => (s.copyOfId === null ? [] : [s.copyOfId]));
    for (const s of sourcesOf.all(json(originals)) as ExportSource[]) sources.set(s.id, s);
    const actorIds = [
      ...found.flatMap((c) => [...(c.claimant ? [c.claimant.id] : []), ...c.reportedVia.map((a) => a.id)]),
      ...attributions.flatMap((a) => (a.actor ? [a.actor.id] : [])),
      ...[...sources.values()].flatMap((s) => (s.publisherId === null ? [] : [s.publisherId])),
    ];
    const actors = new Map((actorsOf.all(json(actorIds)) as ExportActor[]).map((a) => [a.id, a]));
    const eventIds = [
      ...(event ? [event.id] : []),
      ...found.flatMap((c) => (c.event ? [c.event.id] : [])),
      ...attributions.map((a) => a.event.id),
    ];
    const events = new Map((eventsOf.all(json(eventIds)) as ExportEvent[]).map((e) => [e.id, e]));
    return { baseUrl, event, claims: exportClaims, attributions, actors, sources, events };
  }

  return {
    /** One claim and what it refers to, or null when the claim does not exist. */
    forClaim(baseUrl: string, claimId: number): ExportInput | null {
      // The claim itself is exported even when retracted (it says so); retracted attributions are not.
      const claim = claims.get(claimId);
      return claim ? assemble(baseUrl, null, [claim], false) : null;
    },

    event(eventId: number): ExportEvent | null {
      return ((eventsOf.all(json([eventId])) as ExportEvent[])[0] ?? null) as ExportEvent | null;
    },

    /** How many claims an event export holds, and how many of them carry a credibility grade. */
    eventCounts(eventId: number, includeRetracted: boolean): { claims: number; graded: number } {
      const params = { event: eventId, after: 0, all: includeRetracted ? 1 : 0 };
      return {
        claims: eventClaimCount.get(params) as number,
        graded: eventGradedCount.get(params) as number,
      };
    },

    /**
     * The next page of an event's claims (and of the claims that carry attributions for it), after claim
     * id `after`, with what they refer to; retracted claims and attributions only if asked for.
     */
    eventPage(
      baseUrl: string,
      event: ExportEvent,
      options: { includeRetracted: boolean; after: number; limit: number },
    ): { input: ExportInput; next: number | null } {
      const ids = eventClaimIds.all({
        event: event.id,
        after: options.after,
        limit: options.limit,
        all: options.includeRetracted ? 1 : 0,
      }) as number[];
      const byId = claims.byIds(ids);
      const found = ids.flatMap((id) => {
        const c = byId.get(id);
        return c ? [c] : [];
      });
      const last = ids[ids.length - 1];
      return {
        input: assemble(baseUrl, event, found, options.includeRetracted),
        next: ids.length === options.limit && last !== undefined ? last : null,
      };
    },
  };
}
