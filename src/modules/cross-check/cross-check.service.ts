import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { HELD_POSITIONS } from '../../db/schema.js';
import {
  independentOrigins,
  type Origin,
  type OriginSource,
  originKeyOf,
  originOf,
} from '../../domain/independence.js';
import { gradeOf } from '../../lib/grades.js';
import { decodeCursorState, encodeCursorState, type Page } from '../../lib/pagination.js';
import { retractionOf } from '../../lib/retraction.js';
import { prepared } from '../../lib/statements.js';
import { unionFind } from '../../lib/union-find.js';
import type { ViewDependencies } from '../../plugins/view-cache.js';
import { createClaimsRepository } from '../claims/claims.repository.js';
import type { Claim } from '../claims/claims.schemas.js';
import { createEventsRepository } from '../events/events.repository.js';
import { createCrossCheckRepository } from './cross-check.repository.js';
import type {
  AppearanceSchema,
  AttributionBoardSchema,
  BoardEntrySchema,
  ProvenanceSchema,
  TimelineEntrySchema,
} from './cross-check.schemas.js';
import { INDEPENDENCE_RULE } from './cross-check.schemas.js';

type Board = z.infer<typeof AttributionBoardSchema>;
type BoardEntry = z.infer<typeof BoardEntrySchema>;
type TimelineEntry = z.infer<typeof TimelineEntrySchema>;
type Appearance = z.infer<typeof AppearanceSchema>;
type Provenance = z.infer<typeof ProvenanceSchema>;
type SourceRef = { id: number; title: string; url: string | null; publishedAt: string | null };
type ActorRef = { id: number; name: string; kind: ActorRow['kind'] };
type DescribedOrigin = {
  key: string;
  actor: ActorRef | null;
  reportedBy: ActorRef | null;
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

/** The words of a quote, whatever its case, accents, punctuation and spacing: how copies are compared. */
const sameWords = (text: string) =>
  text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .join(' ');

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
     FROM attributions a JOIN events e ON e.id = a.event_id LEFT JOIN actors x ON x.id = a.actor_id
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
    const actors = actorsById(
      origins.flatMap((o) => [o.actorId, o.reportedById].filter((id): id is number => id !== null)),
    );
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
        const reporter = o.reportedById === null ? undefined : actors.get(o.reportedById);
        const described = {
          key: o.key,
          actor: actor ? refOf(actor) : null,
          reportedBy: reporter ? refOf(reporter) : null,
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

  /** The publisher whose voice a source carries: its copy root's, or null when that is unknown. */
  function voiceOf(sourceId: number, sources: ReadonlyMap<number, OriginSource>): number | null {
    const seen = new Set<number>();
    let id = sourceId;
    for (;;) {
      const source = sources.get(id);
      if (!source) return null;
      if (source.copyOfId === null || seen.has(source.copyOfId)) return source.publisherId;
      seen.add(id);
      id = source.copyOfId;
    }
  }

  /**
   * For each claim: the claims that make the same statement of the same origin. Claims linked by `repeats`
   * (transitively), and claims in copies of one source (one `copyOf` root) with the same origin and the same
   * quoted words; followed for a few rounds, so that a copy of a repeat is found too. `sameCopy` tells whether
   * two members are joined by copying alone (rather than through a `repeats` link).
   */
  function statementGroups(ids: number[]): {
    membersOf: Map<number, number[]>;
    sameCopy: (a: number, b: number) => boolean;
  } {
    const all = unionFind();
    const copies = unionFind();
    const seen = new Set<number>();
    let frontier = [...new Set(ids)];
    for (let round = 0; round < 3 && frontier.length > 0; round++) {
      for (const id of frontier) {
        seen.add(id);
        all.find(id);
      }
      const discovered = new Set<number>();
      for (const [seed, members] of repo.repeatsMembers(frontier)) {
        for (const m of members) {
          all.union(seed, m);
          if (!seen.has(m)) discovered.add(m);
        }
      }
      for (const [a, b] of copiedStatements(frontier)) {
        all.union(a, b);
        copies.union(a, b);
        if (!seen.has(b)) discovered.add(b);
      }
      frontier = [...discovered];
    }
    const groups = all.groups();
    return {
      membersOf: new Map(ids.map((id) => [id, groups.get(all.find(id)) ?? [id]])),
      sameCopy: (a, b) => copies.find(a) === copies.find(b),
    };
  }

  /** Pairs [claim, other] where `other` is in a copy of the claim's source family and says the same, from the same origin. */
  function copiedStatements(ids: number[]): [number, number][] {
    const pairs = repo.copyFamilyClaims(ids);
    if (pairs.length === 0) return [];
    const rows = repo.claimOrigins([...new Set(pairs.flatMap((p) => [p.claimId, p.otherId]))]);
    const context = repo.originContext(rows).contextFor([]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const quotes = new Map([...repo.quotesOf([...byId.keys()])].map(([id, q]) => [id, sameWords(q)]));
    const keyOf = (id: number) => {
      const row = byId.get(id);
      return row ? `${originOf(row, context).key} ${quotes.get(id) ?? ''}` : null;
    };
    return pairs
      .filter((p) => {
        const key = keyOf(p.claimId);
        return key !== null && key === keyOf(p.otherId);
      })
      .map((p) => [p.claimId, p.otherId]);
  }

  const appearanceRefs = sqlite.prepare(
    `SELECT id, title, url, published_at AS publishedAt FROM sources WHERE id IN (SELECT value FROM json_each(?))`,
  );
  function appearances(
    ids: number[],
    rows: Map<number, { id: number; t: string | null; precision: string | null; sourceId: number }>,
    copied: (id: number) => boolean,
  ): Appearance[] {
    if (ids.length === 0) return [];
    const list = ids.map(
      (id) => rows.get(id) as { id: number; t: string | null; precision: string | null; sourceId: number },
    );
    const refs = new Map(
      (appearanceRefs.all(JSON.stringify([...new Set(list.map((r) => r.sourceId))])) as SourceRef[]).map(
        (r) => [r.id, r],
      ),
    );
    return list
      .sort((a, b) => (a.t ?? '9999').localeCompare(b.t ?? '9999') || a.id - b.id)
      .map((r) => ({
        claimId: r.id,
        at: r.t,
        precision: (r.t === null ? null : r.precision) as Appearance['precision'],
        source: refs.get(r.sourceId) as SourceRef,
        via: copied(r.id) ? ('copy' as const) : ('repeats' as const),
      }));
  }

  /**
   * The origin the board counts a claim under: its own (rules 1-3), or with claims linked to it by `repeats`, the
   * origin of the lowest claim id among them, which is the key they all count under when they stand together.
   */
  function originOfClaim(claimId: number): Provenance['origin'] {
    const members = [claimId, ...(repo.repeatsMembers([claimId]).get(claimId) ?? [])];
    const rows = repo.claimOrigins(members).sort((a, b) => a.id - b.id);
    const context = repo.originContext(rows).contextFor(members);
    const group = independentOrigins(rows, context).find((o) => o.claimIds.includes(claimId));
    const representative = rows.find((r) => r.id === group?.claimIds[0]);
    if (!group || !representative) throw new Error(`claim ${claimId} has no origin`);
    const unnamed =
      representative.claimantId !== null && context.unnamedGroups?.has(representative.claimantId);
    const described = describeOrigins([group]).get(group.key) as DescribedOrigin;
    return {
      key: group.key,
      basis:
        representative.claimantId !== null
          ? unnamed
            ? 'unnamed_group'
            : 'claimant'
          : group.actorId !== null
            ? 'publisher'
            : 'source',
      actor: described.actor,
      reportedBy: described.reportedBy,
      source: described.source,
      collapsedWith: group.claimIds.filter((id) => id !== claimId),
    };
  }

  return {
    /**
     * The attribution board of an event (null when the event does not exist), with every event, claim, source
     * and actor it was computed from, so that a cache can tell which writes change it.
     */
    board(
      eventId: number,
      options: { foldToTopLevel: boolean; rollUp: boolean; entries: number },
    ): { board: Board | null; dependsOn: ViewDependencies } {
      const event = events.get(eventId);
      if (!event) return { board: null, dependsOn: { events: [eventId] } };
      const rows = repo.attributionsOfEvent(eventId);
      const originClaims = [...new Map(rows.map((r) => [r.claimId, r])).values()].map((r) => ({
        id: r.claimId,
        claimantId: r.claimantId,
        sourceId: r.sourceId,
        firstRelayId: r.firstRelayId,
      }));
      const heldIds = [...new Set(rows.flatMap((r) => (r.actorId === null ? [] : [r.actorId])))];
      const originsOf = repo.originContext(originClaims, heldIds);
      const parents = originsOf.actorParents;
      const baseContext = originsOf.contextFor([]);
      const originOptions = { foldToTopLevel: options.foldToTopLevel };
      const claimById = new Map(originClaims.map((c) => [c.id, c]));
      // independentOrigins counts a claim listed twice once.
      const countOrigins = (claimIds: number[]) =>
        independentOrigins(
          claimIds.map((id) => claimById.get(id) as (typeof originClaims)[number]),
          originsOf.contextFor(claimIds),
          originOptions,
        );
      const isStanding = (r: (typeof rows)[number]) => r.retractedAt === null && !r.claimRetracted;
      const topOf = (id: number) => lineage(id, parents).at(-1) ?? id;

      // One row per actor held responsible (its top-level ancestor with rollUp), then by position; rows come in
      // attribution order. Attributions naming nobody get the row keyed null, shown last.
      const byRow = new Map<number | null, Map<string, typeof rows>>();
      for (const r of rows) {
        const key = r.actorId === null ? null : options.rollUp ? topOf(r.actorId) : r.actorId;
        const positions = byRow.get(key) ?? new Map<string, typeof rows>();
        const list = positions.get(r.position);
        if (list) list.push(r);
        else positions.set(r.position, [r]);
        byRow.set(key, positions);
      }
      const rowKeys = [...byRow.keys()].sort((a, b) => Number(a === null) - Number(b === null));
      const positionsOf = (
        key: number | null,
      ): readonly Board['actors'][number]['positions'][number]['position'][] =>
        key === null ? ['no_attribution'] : HELD_POSITIONS;

      // Only the entries shown are loaded whole, in one query for the board.
      const shownRows = rowKeys.flatMap((key) =>
        [...(byRow.get(key)?.values() ?? [])].flatMap((list) => list.slice(0, options.entries)),
      );
      const shownClaims = claims.byIds(shownRows.map((r) => r.claimId));
      const partyRoles = new Map<number, string>();
      for (const p of event.parties) if (!partyRoles.has(p.actor.id)) partyRoles.set(p.actor.id, p.role);

      const counted = rowKeys.map((key) => {
        const positions = byRow.get(key) ?? new Map<string, typeof rows>();
        return {
          key,
          positions: positionsOf(key).map((position) => {
            const list = positions.get(position) ?? [];
            const standing = list.filter(isStanding);
            const origins = countOrigins(standing.map((r) => r.claimId));
            return { position, list, standing, origins };
          }),
          origins: countOrigins(
            [...positions.values()].flatMap((list) => list.filter(isStanding).map((r) => r.claimId)),
          ),
        };
      });

      const shownOrigins = counted.flatMap((a) => a.positions.flatMap((p) => largestFirst(p.origins)));
      const described = describeOrigins(shownOrigins);
      const actors = actorsById([
        ...heldIds,
        ...rowKeys.flatMap((k) => (k === null ? [] : [k])),
        ...shownRows.flatMap((r) => (r.claimantId === null ? [] : [r.claimantId])),
      ]);

      // Whoever speaks: the claimant, or for a claim in a source's own voice, the publisher it originates with.
      // It is interested when it is (or is under) a party to the event or the actor held responsible.
      const interestOf = (r: (typeof rows)[number], heldId: number | null): string | null => {
        const speaker = r.claimantId ?? voiceOf(r.sourceId, originsOf.sources);
        if (speaker === null) return null;
        // Every claimant and publisher on the board is in the origin context, so its ancestry is in `parents`.
        for (const ancestor of lineage(speaker, parents)) {
          const role =
            ancestor === heldId ? (partyRoles.get(ancestor) ?? 'accused') : partyRoles.get(ancestor);
          if (role) return role;
        }
        return null;
      };

      const boardActors = counted.map(({ key, positions, origins }) => ({
        actor: key === null ? null : refOf(actors.get(key) as ActorRow),
        count: positions.reduce((n, p) => n + p.standing.length, 0),
        independentOrigins: origins.length,
        positions: positions.map(({ position, list, standing, origins: positionOrigins }) => {
          const keyOfClaim = new Map(
            positionOrigins.flatMap((o) => o.claimIds.map((id) => [id, o.key] as const)),
          );
          const entries: BoardEntry[] = list.slice(0, options.entries).map((r) => {
            const interestedAs = interestOf(r, key);
            const light = claimById.get(r.claimId) as (typeof originClaims)[number];
            const held = r.actorId === null ? undefined : actors.get(r.actorId);
            return {
              attributionId: r.id,
              role: r.role as BoardEntry['role'],
              heldActor: held ? refOf(held) : null,
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

      const shown = [...shownClaims.values()];
      return {
        board: {
          event: { id: event.id, title: event.title, parties: event.parties },
          independenceRule: INDEPENDENCE_RULE,
          foldToTopLevel: options.foldToTopLevel,
          rollUp: options.rollUp,
          actors: boardActors,
        },
        dependsOn: {
          events: [eventId, ...shown.flatMap((c) => (c.event ? [c.event.id] : []))],
          claims: [...originsOf.claimIds],
          sources: [...originsOf.sources.keys()],
          actors: [
            ...parents.keys(),
            ...event.parties.map((p) => p.actor.id),
            ...shown.flatMap((c) => [
              ...(c.claimant ? [c.claimant.id] : []),
              ...c.reportedVia.map((a) => a.id),
            ]),
          ],
        },
      };
    },

    /**
     * The event's claims in the order they were made, or null when the event does not exist. With `groupRepeats`,
     * a statement one origin repeated (in copies of a source, or linked by `repeats`) is one entry at its earliest
     * time; the later appearances are listed with it and left out of the sequence.
     */
    timeline(
      eventId: number,
      filter: {
        actor?: number | undefined;
        includeSubordinates: boolean;
        stance?: string | undefined;
        includeSubevents: boolean;
        includeRetracted: boolean;
        groupRepeats: boolean;
        limit: number;
        cursor?: string | undefined;
      },
    ): Page<TimelineEntry> | null {
      if (!events.get(eventId)) return null;
      const eventIds = filter.includeSubevents ? repo.eventSubtree(eventId) : [eventId];
      const scopeParams: unknown[] = [];
      const scope: string[] = [];
      if (eventIds.length === 1) {
        scope.push('c.event_id = ?');
        scopeParams.push(eventId);
      } else {
        scope.push('c.event_id IN (SELECT value FROM json_each(?))');
        scopeParams.push(JSON.stringify(eventIds));
      }
      if (filter.actor !== undefined) {
        scope.push(
          filter.includeSubordinates
            ? `c.claimant_id IN (WITH RECURSIVE down(id) AS (SELECT ? UNION SELECT a.id FROM actors a JOIN down ON a.parent_id = down.id) SELECT id FROM down)`
            : 'c.claimant_id = ?',
        );
        scopeParams.push(filter.actor);
      }
      if (!filter.includeRetracted) scope.push('c.retracted_at IS NULL');
      if (filter.stance) {
        scope.push('c.stance = ?');
        scopeParams.push(filter.stance);
      }
      const columns = `c.id, c.effective_at AS t,
                  CASE WHEN c.stated_at IS NOT NULL THEN 'statedAt' WHEN c.effective_at IS NOT NULL THEN 'publishedAt' END AS basis,
                  CASE WHEN c.stated_at IS NOT NULL THEN c.stated_at_precision ELSE s.published_at_precision END AS precision`;
      type Row = { id: number; t: string | null; basis: TimelineEntry['basis']; precision: string | null };
      // effective_at is statedAt, else the source's publishedAt (kept by triggers); undated claims sort
      // last as '9999', which is also what the index (event_id, coalesce(effective_at, '9999'), id) holds.
      // The seek is written as a range on the index expression (>=) plus the tie-break, so SQLite seeks to the page.
      const rowsAfter = (after: { at: string | null; id: number } | undefined, limit: number): Row[] => {
        const where = [...scope];
        const params = [...scopeParams];
        if (after !== undefined) {
          const at = after.at ?? '9999';
          where.push(
            `coalesce(c.effective_at, '9999') >= ? AND (coalesce(c.effective_at, '9999') > ? OR c.id > ?)`,
          );
          params.push(at, at, after.id);
        }
        params.push(limit);
        // Prepared once per combination of filters (the SQL text), not compiled per request.
        return prepared(
          sqlite,
          `SELECT ${columns} FROM claims c LEFT JOIN sources s ON s.id = c.source_id
           WHERE ${where.join(' AND ')} ORDER BY coalesce(c.effective_at, '9999'), c.id LIMIT ?`,
        ).all(...params) as Row[];
      };
      const inScope = (ids: number[]): Map<number, Row & { sourceId: number }> => {
        if (ids.length === 0) return new Map();
        const found = prepared(
          sqlite,
          `SELECT ${columns}, c.source_id AS sourceId FROM claims c LEFT JOIN sources s ON s.id = c.source_id
           WHERE c.id IN (SELECT value FROM json_each(?)) AND ${scope.join(' AND ')}`,
        ).all(JSON.stringify(ids), ...scopeParams) as (Row & { sourceId: number })[];
        return new Map(found.map((r) => [r.id, r]));
      };

      const start =
        filter.cursor === undefined ? undefined : decodeCursorState(filter.cursor, TimelineCursor);
      const heads: { row: Row; also: Appearance[] }[] = [];
      if (!filter.groupRepeats) {
        for (const row of rowsAfter(start, filter.limit + 1)) heads.push({ row, also: [] });
      } else {
        // Scan in order, keeping only the earliest appearance of each statement, until the page is full.
        let after = start;
        for (;;) {
          const want = filter.limit + 1 - heads.length;
          const batch = rowsAfter(after, want * 2 + 8);
          const { membersOf, sameCopy } = statementGroups(batch.map((r) => r.id));
          const members = inScope([...new Set([...membersOf.values()].flat())]);
          for (const row of batch) {
            const others = (membersOf.get(row.id) ?? []).filter((id) => id !== row.id && members.has(id));
            const order = (r: Row) => [r.t ?? '9999', r.id] as const;
            const earlier = others.some((id) => {
              const [t, i] = order(members.get(id) as Row);
              const [u, j] = order(row);
              return t < u || (t === u && i < j);
            });
            if (earlier) continue;
            heads.push({ row, also: appearances(others, members, (id) => sameCopy(row.id, id)) });
            if (heads.length > filter.limit) break;
          }
          const last = batch[batch.length - 1];
          if (heads.length > filter.limit || batch.length < want * 2 + 8 || !last) break;
          after = { v: 1, at: last.t, id: last.id };
        }
      }

      const page = heads.slice(0, filter.limit);
      const found = claims.byIds(page.map((h) => h.row.id));
      const claimants = actorsById([...found.values()].flatMap((c) => (c.claimant ? [c.claimant.id] : [])));
      const data = page.map(({ row: r, also }) => {
        const claim = found.get(r.id) as Claim;
        return {
          at: r.t,
          precision: r.t === null ? null : r.precision,
          basis: r.basis,
          claim,
          claimantReliability: reliabilityOf(claim.claimant ? claimants.get(claim.claimant.id) : undefined),
          alsoAppearedIn: also,
        };
      });
      const last = page[page.length - 1]?.row;
      const nextCursor =
        heads.length > filter.limit && last ? encodeCursorState({ v: 1, at: last.t, id: last.id }) : null;
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
        actorId: number | null;
        actorName: string | null;
        actorKind: Claim['reportedVia'][number]['kind'] | null;
      }[];
      return {
        claim,
        origin: originOfClaim(claimId),
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
          actor:
            a.actorId !== null && a.actorName !== null && a.actorKind !== null
              ? { id: a.actorId, name: a.actorName, kind: a.actorKind }
              : null,
        })),
      };
    },
  };
}
