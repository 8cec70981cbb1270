import type Database from 'better-sqlite3';
import { type RawQuery, rawRows } from '../../lib/raw-rows.js';
import { gradeOf, retractionOf } from '../../lib/row-parts.js';
import type { Claim } from './claims.schemas.js';

/*
 * Claims as the API shows them, from the flat rows of the claims select (built with Drizzle in
 * claims.repository.ts). Nothing here loads Drizzle, zod or the schema: the search worker builds the claims of
 * its hits with it, from SQL text the main thread hands it.
 */

/** A row of the claims select: its columns, with the claimant, source and event joined (claims.repository.ts). */
export interface ClaimSelectRow {
  id: number;
  text: string;
  stance: Claim['stance'];
  modality: Claim['modality'];
  statedAt: string | null;
  statedAtPrecision: Claim['statedAtPrecision'];
  createdAt: string;
  updatedAt: string;
  claimantId: number | null;
  claimantName: string | null;
  claimantKind: NonNullable<Claim['claimant']>['kind'] | null;
  sourceId: number;
  sourceTitle: string | null;
  sourceUrl: string | null;
  sourcePublishedAt: string | null;
  eventId: number | null;
  eventTitle: string | null;
  quoteExact: string;
  quotePrefix: string;
  quoteSuffix: string;
  quoteStart: number;
  quoteEnd: number;
  verified: number;
  credibilityGrade: NonNullable<Claim['credibility']>['grade'] | null;
  credibilityGradedBy: string | null;
  credibilityGradedAt: string | null;
  credibilityRationale: string | null;
  retractedAt: string | null;
  retractedBy: string | null;
  retractionReason: string | null;
}

/** Turns rows of the claims select into claims, each with its chain (read for the whole page at once). */
export function createClaimMapper(sqlite: Database.Database) {
  // One prepared query for the chains of a whole page, not one per claim (nor one built per page size).
  const chainRows = sqlite.prepare(
    `SELECT v.claim_id AS claimId, a.id, a.name, a.kind FROM claim_reported_via v JOIN actors a ON a.id = v.actor_id
     WHERE v.claim_id IN (SELECT value FROM json_each(?)) ORDER BY v.claim_id, v.position`,
  );
  function chainsOf(ids: number[]): Map<number, Claim['reportedVia']> {
    const chains = new Map<number, Claim['reportedVia']>();
    if (ids.length === 0) return chains;
    const rows = chainRows.all(JSON.stringify(ids)) as ({ claimId: number } & Claim['reportedVia'][number])[];
    for (const { claimId, ...actor } of rows) {
      const chain = chains.get(claimId) ?? [];
      chain.push(actor);
      chains.set(claimId, chain);
    }
    return chains;
  }

  function toClaim(r: ClaimSelectRow, reportedVia: Claim['reportedVia']): Claim {
    return {
      id: r.id,
      text: r.text,
      stance: r.stance,
      modality: r.modality,
      statedAt: r.statedAt,
      statedAtPrecision: r.statedAtPrecision,
      claimant:
        r.claimantId !== null && r.claimantName !== null && r.claimantKind !== null
          ? { id: r.claimantId, name: r.claimantName, kind: r.claimantKind }
          : null,
      source: {
        id: r.sourceId,
        title: r.sourceTitle ?? '',
        url: r.sourceUrl,
        publishedAt: r.sourcePublishedAt,
      },
      event: r.eventId !== null && r.eventTitle !== null ? { id: r.eventId, title: r.eventTitle } : null,
      reportedVia,
      quote: {
        exact: r.quoteExact,
        prefix: r.quotePrefix,
        suffix: r.quoteSuffix,
        start: r.quoteStart,
        end: r.quoteEnd,
        verified: Boolean(r.verified),
      },
      credibility: gradeOf({
        grade: r.credibilityGrade,
        gradedBy: r.credibilityGradedBy,
        gradedAt: r.credibilityGradedAt,
        rationale: r.credibilityRationale,
      }),
      retraction: retractionOf(r),
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
    };
  }

  /** A page of claims, their chains read in one query for the whole page. */
  function toClaims(rows: ClaimSelectRow[]): Claim[] {
    const chains = chainsOf(rows.map((r) => r.id));
    return rows.map((r) => toClaim(r, chains.get(r.id) ?? []));
  }

  /**
   * One claim whose row carries its chain as JSON (`[[id, name, kind], …]`, see CHAIN_JSON in
   * claims.repository.ts): one statement instead of two. A page reads its chains in one query instead, which
   * is cheaper than a subquery per row.
   */
  function toClaimWithChain(r: ClaimSelectRow & { chainJson: string }): Claim {
    const links = JSON.parse(r.chainJson) as [number, string, Claim['reportedVia'][number]['kind']][];
    return toClaim(
      r,
      links.map(([id, name, kind]) => ({ id, name, kind })),
    );
  }

  return { toClaims, toClaimWithChain };
}

/** Claims by id from the select `query` (the repository's `byIdsQuery`), keyed by id. */
export function claimsByIds(sqlite: Database.Database, query: RawQuery) {
  const select = rawRows<ClaimSelectRow>(sqlite, query);
  const { toClaims } = createClaimMapper(sqlite);
  return (ids: number[]): Map<number, Claim> => {
    if (ids.length === 0) return new Map();
    const found = toClaims(select({ ids: JSON.stringify([...new Set(ids)]) }));
    return new Map(found.map((c) => [c.id, c]));
  };
}
