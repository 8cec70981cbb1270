import { and, asc, eq, gt, gte, isNull, lt, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { actors, claims, events, sources } from '../../db/schema.js';
import { problem } from '../../errors.js';
import { type Page, toPage } from '../../lib/pagination.js';
import type { RawQuery } from '../../lib/raw-rows.js';
import { countStatement, prepared, rawQuery, rawSelect, tableWriter } from '../../lib/statements.js';
import type { Holds, Same } from '../../lib/type-equal.js';
import { type ClaimSelectRow, claimsByIds, createClaimMapper } from './claims.reader.js';
import type { Claim } from './claims.schemas.js';

export interface ClaimFilter {
  actor?: number | undefined;
  includeSubordinates?: boolean | undefined;
  event?: number | undefined;
  source?: number | undefined;
  stance?: Claim['stance'] | undefined;
  statedAfter?: string | undefined;
  statedBefore?: string | undefined;
  includeRetracted?: boolean | undefined;
  after?: number | undefined;
  limit: number;
}

export type ClaimRow = typeof claims.$inferInsert;

// SQLite's substr() and length() count characters (code points) on TEXT, the unit of quote positions,
// so whether a quote still lies where it was anchored is checked without loading the source text.
const verified = sql<number>`(
  substr(${sources.text}, ${claims.quoteStart} + 1, ${claims.quoteEnd} - ${claims.quoteStart}) = ${claims.quoteExact}
  AND length(${claims.quoteExact}) = ${claims.quoteEnd} - ${claims.quoteStart}
  AND substr(${sources.text}, ${claims.quoteStart} + 1 - length(${claims.quotePrefix}), length(${claims.quotePrefix})) = ${claims.quotePrefix}
  AND substr(${sources.text}, ${claims.quoteEnd} + 1, length(${claims.quoteSuffix})) = ${claims.quoteSuffix}
)`;

// Plain text and integer columns only: read as bare rows (rawSelect), with no decoding to do.
const selection = {
  id: claims.id,
  text: claims.text,
  stance: claims.stance,
  modality: claims.modality,
  statedAt: claims.statedAt,
  statedAtPrecision: claims.statedAtPrecision,
  createdAt: claims.createdAt,
  updatedAt: claims.updatedAt,
  claimantId: claims.claimantId,
  claimantName: actors.name,
  claimantKind: actors.kind,
  sourceId: claims.sourceId,
  sourceTitle: sources.title,
  sourceUrl: sources.url,
  sourcePublishedAt: sources.publishedAt,
  eventId: claims.eventId,
  eventTitle: events.title,
  quoteExact: claims.quoteExact,
  quotePrefix: claims.quotePrefix,
  quoteSuffix: claims.quoteSuffix,
  quoteStart: claims.quoteStart,
  quoteEnd: claims.quoteEnd,
  verified,
  credibilityGrade: claims.credibilityGrade,
  credibilityGradedBy: claims.credibilityGradedBy,
  credibilityGradedAt: claims.credibilityGradedAt,
  credibilityRationale: claims.credibilityRationale,
  retractedAt: claims.retractedAt,
  retractedBy: claims.retractedBy,
  retractionReason: claims.retractionReason,
};
const FIELDS = Object.keys(selection);

/** A claim's chain as JSON, `[[id, name, kind], …]` in order (claims.reader.ts `toClaimWithChain`). */
const CHAIN_JSON = sql<string>`(
  SELECT json_group_array(json_array(a.id, a.name, a.kind) ORDER BY v.position)
  FROM claim_reported_via v JOIN actors a ON a.id = v.actor_id WHERE v.claim_id = ${claims.id}
)`;

/**
 * The claims select, with the claimant, source and event joined; each query adds its WHERE. `extra` columns
 * come after the others; their type is the caller's to give (rawSelect's row type).
 */
function selectClaims(db: Db, extra: Record<string, SQL> = {}) {
  return (
    db
      .select({ ...selection, ...extra } as typeof selection)
      .from(claims)
      // A LEFT JOIN keeps claims as the outer loop (every claim has its source: the column is NOT NULL with a
      // foreign key). With an inner join SQLite may scan sources first and sort, which costs a full scan
      // for a page deep in the list.
      .leftJoin(sources, eq(sources.id, claims.sourceId))
      .leftJoin(actors, eq(actors.id, claims.claimantId))
      .leftJoin(events, eq(events.id, claims.eventId))
  );
}

// claims.reader.ts declares the rows in plain TypeScript (for the search worker, which has no Drizzle): they
// must stay the rows this select returns.
export type ClaimRowsAgree = Holds<
  Same<ReturnType<ReturnType<typeof selectClaims>['all']>[number], ClaimSelectRow>
>;

/** Claims by the ids in the JSON array `ids`, as SQL text (the search workers run it on their connections). */
export function claimsByIdsQuery(db: Db): RawQuery {
  return rawQuery(
    selectClaims(db).where(sql`${claims.id} IN (SELECT value FROM json_each(${sql.placeholder('ids')}))`),
    FIELDS,
  );
}

export function createClaimsRepository(db: Db) {
  const { toClaims, toClaimWithChain } = createClaimMapper(db.$client);

  // Lists are prepared once per combination of filters (at most a few dozen), not built per request.
  const listStatements = new Map<string, ReturnType<typeof prepareList>>();
  function prepareList(present: Set<string>, withSubordinates: boolean, includeRetracted: boolean) {
    const p = (name: string) => sql.placeholder(name);
    const where: (SQL | undefined)[] = [];
    if (present.has('actor')) {
      where.push(
        withSubordinates
          ? sql`${claims.claimantId} IN (
              WITH RECURSIVE down(id) AS (SELECT ${p('actor')} UNION SELECT a.id FROM ${actors} a JOIN down ON a.parent_id = down.id)
              SELECT id FROM down)`
          : eq(claims.claimantId, p('actor')),
      );
    }
    if (present.has('event')) where.push(eq(claims.eventId, p('event')));
    if (present.has('source')) where.push(eq(claims.sourceId, p('source')));
    if (present.has('stance')) where.push(eq(claims.stance, p('stance')));
    if (present.has('statedAfter')) where.push(gte(claims.statedAt, p('statedAfter')));
    if (present.has('statedBefore')) where.push(lt(claims.statedAt, p('statedBefore')));
    if (!includeRetracted) where.push(isNull(claims.retractedAt));
    if (present.has('after')) where.push(gt(claims.id, p('after')));
    return rawSelect<ClaimSelectRow>(
      db.$client,
      selectClaims(db)
        .where(and(...where))
        .orderBy(asc(claims.id))
        .limit(p('limit')),
      FIELDS,
    );
  }

  const byIds = claimsByIds(db.$client, claimsByIdsQuery(db));
  // One claim: its chain comes in the same statement (CHAIN_JSON).
  const getStatement = rawSelect<ClaimSelectRow & { chainJson: string }>(
    db.$client,
    selectClaims(db, { chainJson: CHAIN_JSON }).where(eq(claims.id, sql.placeholder('id'))),
    [...FIELDS, 'chainJson'],
  );
  const rowStatement = db
    .select()
    .from(claims)
    .where(eq(claims.id, sql.placeholder('id')))
    .prepare();
  const claimsTable = tableWriter(db, claims);
  const deleteChain = prepared(db.$client, 'DELETE FROM claim_reported_via WHERE claim_id = ?');
  const insertChainLink = prepared(
    db.$client,
    'INSERT INTO claim_reported_via (claim_id, position, actor_id) VALUES (?, ?, ?)',
  );
  const deleteClaim = prepared(db.$client, 'DELETE FROM claims WHERE id = ?');
  const attributionsOfClaim = countStatement(db.$client, 'attributions', 'claim_id');

  const repo = {
    get(id: number): Claim | null {
      const row = getStatement({ id })[0];
      return row ? toClaimWithChain(row) : null;
    },

    /** Claims by id, for embedding in attributions and links: one query for a whole page. */
    byIds,

    /** The stored row, for updates. */
    row(id: number) {
      return rowStatement.get({ id }) ?? null;
    },

    list(filter: ClaimFilter): Page<Claim> {
      const values = {
        actor: filter.actor,
        event: filter.event,
        source: filter.source,
        stance: filter.stance,
        statedAfter: filter.statedAfter,
        statedBefore: filter.statedBefore,
        after: filter.after,
        limit: filter.limit + 1,
      };
      const shape = (Object.keys(values) as (keyof typeof values)[]).filter((k) => values[k] !== undefined);
      const key = `${shape.join(',')}|${filter.includeSubordinates ? 'sub' : ''}|${filter.includeRetracted ? 'all' : ''}`;
      let statement = listStatements.get(key);
      if (!statement) {
        statement = prepareList(
          new Set(shape),
          filter.includeSubordinates ?? false,
          filter.includeRetracted ?? false,
        );
        listStatements.set(key, statement);
      }
      return toPage(toClaims(statement(values)), filter.limit);
    },

    insert(row: ClaimRow, reportedViaIds: number[]): number {
      const id = claimsTable.insert(row);
      repo.replaceChain(id, reportedViaIds, true);
      return id;
    },

    update(id: number, changes: Partial<ClaimRow>, reportedViaIds: number[] | undefined): void {
      claimsTable.update(id, changes);
      if (reportedViaIds !== undefined) repo.replaceChain(id, reportedViaIds);
    },

    replaceChain(id: number, actorIds: number[], isNew = false): void {
      if (!isNew) deleteChain.run(id);
      actorIds.forEach((actorId, position) => {
        insertChainLink.run(id, position, actorId);
      });
    },

    markRetracted(id: number, by: string, reason: string): void {
      const now = new Date().toISOString();
      claimsTable.update(id, { retractedAt: now, retractedBy: by, retractionReason: reason, updatedAt: now });
    },

    /** Deletes a claim no attribution rests on; its chain and links go with it. */
    delete(id: number): boolean {
      return db.transaction(() => {
        if (!repo.row(id)) return false;
        const carried = attributionsOfClaim(id);
        if (carried > 0) {
          throw problem(
            'RESOURCE_IN_USE',
            `Claim ${id} carries ${carried} attribution(s); delete them first.`,
          );
        }
        deleteClaim.run(id);
        return true;
      });
    },
  };
  return repo;
}

export type ClaimsRepository = ReturnType<typeof createClaimsRepository>;
