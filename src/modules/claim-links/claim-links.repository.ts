import { and, asc, eq, gt, inArray, or, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { claimLinks, claims } from '../../db/schema.js';
import { fieldProblem, problem } from '../../errors.js';
import { type Page, toPage } from '../../lib/pagination.js';
import { requireReference } from '../../lib/references.js';
import { nowIso } from '../../lib/schemas.js';
import { prepared, tableWriter } from '../../lib/statements.js';
import { createClaimsRepository } from '../claims/claims.repository.js';
import type { ClaimLink, ClaimLinkInput, ClaimLinkPatch } from './claim-links.schemas.js';

export interface ClaimLinkFilter {
  claim?: number | undefined;
  /** Links where either claim is about this event. */
  event?: number | undefined;
  relation?: ClaimLink['relation'] | undefined;
  relations?: ClaimLink['relation'][] | undefined;
  after?: number | undefined;
  limit: number;
}

type LinkRow = typeof claimLinks.$inferSelect;

export function createClaimLinksRepository(db: Db) {
  const claimsRepo = createClaimsRepository(db);

  function toLinks(rows: LinkRow[]): ClaimLink[] {
    const linked = claimsRepo.byIds(rows.flatMap((r) => [r.fromClaimId, r.toClaimId]));
    return rows.map((r) => {
      const from = linked.get(r.fromClaimId);
      const to = linked.get(r.toClaimId);
      if (!from || !to) throw new Error(`a claim of link ${r.id} is missing`);
      return {
        id: r.id,
        relation: r.relation,
        note: r.note,
        from,
        to,
        createdAt: r.createdAt,
        updatedAt: r.updatedAt,
      };
    });
  }

  const rowById = db
    .select()
    .from(claimLinks)
    .where(eq(claimLinks.id, sql.placeholder('id')))
    .prepare();
  const twinOf = prepared(
    db.$client,
    'SELECT id FROM claim_links WHERE from_claim_id = ? AND to_claim_id = ? AND relation = ?',
  ).pluck();
  const linksTable = tableWriter(db, claimLinks);
  const deleteLink = prepared(db.$client, 'DELETE FROM claim_links WHERE id = ?');

  function check(row: Pick<LinkRow, 'fromClaimId' | 'toClaimId' | 'relation'>, exceptId?: number) {
    if (row.fromClaimId === row.toClaimId) {
      throw fieldProblem('SELF_LINK', '/toClaimId', `Claim ${row.fromClaimId} cannot be linked to itself.`);
    }
    const twin = twinOf.get(row.fromClaimId, row.toClaimId, row.relation) as number | undefined;
    if (twin !== undefined && twin !== exceptId) {
      throw problem(
        'DUPLICATE',
        `Link ${twin} already says claim ${row.fromClaimId} ${row.relation} claim ${row.toClaimId}.`,
      );
    }
  }

  const repo = {
    get(id: number): ClaimLink | null {
      return toLinks(rowById.all({ id }))[0] ?? null;
    },

    list(filter: ClaimLinkFilter): Page<ClaimLink> {
      const where: (SQL | undefined)[] = [];
      if (filter.claim !== undefined) {
        where.push(or(eq(claimLinks.fromClaimId, filter.claim), eq(claimLinks.toClaimId, filter.claim)));
      }
      if (filter.event !== undefined) {
        const aboutEvent = db.select({ id: claims.id }).from(claims).where(eq(claims.eventId, filter.event));
        where.push(
          or(inArray(claimLinks.fromClaimId, aboutEvent), inArray(claimLinks.toClaimId, aboutEvent)),
        );
      }
      if (filter.relation) where.push(eq(claimLinks.relation, filter.relation));
      if (filter.relations) where.push(inArray(claimLinks.relation, filter.relations));
      if (filter.after !== undefined) where.push(gt(claimLinks.id, filter.after));
      const rows = db
        .select()
        .from(claimLinks)
        .where(and(...where))
        .orderBy(asc(claimLinks.id))
        .limit(filter.limit + 1)
        .all();
      return toPage(toLinks(rows), filter.limit);
    },

    create(input: ClaimLinkInput): ClaimLink {
      return db.transaction(() => {
        requireReference(db, claims, input.fromClaimId, '/fromClaimId', 'Claim');
        requireReference(db, claims, input.toClaimId, '/toClaimId', 'Claim');
        check(input);
        const now = nowIso();
        const id = linksTable.insert({ ...input, note: input.note ?? null, createdAt: now, updatedAt: now });
        return repo.get(id) as ClaimLink;
      });
    },

    update(id: number, patch: ClaimLinkPatch): ClaimLink | null {
      return db.transaction(() => {
        const current = rowById.get({ id });
        if (!current) return null;
        requireReference(db, claims, patch.fromClaimId, '/fromClaimId', 'Claim');
        requireReference(db, claims, patch.toClaimId, '/toClaimId', 'Claim');
        check({ ...current, ...patch }, id);
        linksTable.update(id, { ...patch, updatedAt: nowIso() });
        return repo.get(id);
      });
    },

    delete(id: number): boolean {
      return deleteLink.run(id).changes > 0;
    },
  };
  return repo;
}
