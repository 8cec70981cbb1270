import { and, asc, eq, gt, isNull, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { actors, attributions, claims, events } from '../../db/schema.js';
import { type FieldError, ProblemError, problem } from '../../errors.js';
import { type Page, toPage } from '../../lib/pagination.js';
import { requireReference } from '../../lib/references.js';
import { retractionOf } from '../../lib/retraction.js';
import { nowIso } from '../../lib/schemas.js';
import { prepared, tableWriter } from '../../lib/statements.js';
import { createClaimsRepository } from '../claims/claims.repository.js';
import type { Attribution, AttributionInput, AttributionPatch } from './attributions.schemas.js';

export interface AttributionFilter {
  event?: number | undefined;
  actor?: number | undefined;
  position?: Attribution['position'] | undefined;
  claim?: number | undefined;
  includeRetracted?: boolean | undefined;
  after?: number | undefined;
  limit: number;
}

/**
 * An attribution names the actor held responsible, except with position `no_attribution`, which names nobody.
 * Errors point at the fields the request sent (both, when it sent both).
 */
function checkActorAndPosition(
  row: { actorId: number | null; position: Attribution['position'] },
  sent: { actorId: boolean; position: boolean },
): void {
  const named = row.actorId !== null;
  const unattributed = row.position === 'no_attribution';
  if (named !== unattributed) return;
  const detail = named
    ? `Position no_attribution names nobody, but actor ${row.actorId} is named: leave actorId out (or null), or choose another position.`
    : `Position ${row.position} needs the actor held responsible (actorId); when the claim names nobody, use position no_attribution.`;
  const errors: FieldError[] = [];
  if (sent.actorId || !sent.position)
    errors.push({
      in: 'body',
      pointer: '/actorId',
      message: named ? 'Must be null with position no_attribution' : `Required with position ${row.position}`,
    });
  if (sent.position)
    errors.push({
      in: 'body',
      pointer: '/position',
      message: named ? `Actor ${row.actorId} is named` : 'No actor is named: only no_attribution fits',
    });
  throw new ProblemError('INCONSISTENT_FIELDS', detail, { errors });
}

export function createAttributionsRepository(db: Db) {
  const claimsRepo = createClaimsRepository(db);

  const select = () =>
    db
      .select({
        id: attributions.id,
        role: attributions.role,
        position: attributions.position,
        createdAt: attributions.createdAt,
        updatedAt: attributions.updatedAt,
        retractedAt: attributions.retractedAt,
        retractedBy: attributions.retractedBy,
        retractionReason: attributions.retractionReason,
        claimId: attributions.claimId,
        eventId: events.id,
        eventTitle: events.title,
        actorId: actors.id,
        actorName: actors.name,
        actorKind: actors.kind,
      })
      .from(attributions)
      .innerJoin(events, eq(events.id, attributions.eventId))
      .leftJoin(actors, eq(actors.id, attributions.actorId));

  function toAttributions(rows: ReturnType<ReturnType<typeof select>['all']>): Attribution[] {
    const carried = claimsRepo.byIds(rows.map((r) => r.claimId));
    return rows.map((r) => {
      const claim = carried.get(r.claimId);
      if (!claim) throw new Error(`claim ${r.claimId} of attribution ${r.id} is missing`);
      return {
        id: r.id,
        role: r.role,
        position: r.position,
        event: { id: r.eventId, title: r.eventTitle },
        actor:
          r.actorId !== null && r.actorName !== null && r.actorKind !== null
            ? { id: r.actorId, name: r.actorName, kind: r.actorKind }
            : null,
        claim,
        retraction: retractionOf(r),
        createdAt: r.createdAt,
        updatedAt: r.updatedAt,
      };
    });
  }

  const byId = select()
    .where(eq(attributions.id, sql.placeholder('id')))
    .prepare();
  const rowById = db
    .select()
    .from(attributions)
    .where(eq(attributions.id, sql.placeholder('id')))
    .prepare();
  const twinOf = prepared(
    db.$client,
    // IS, not =: an attribution that names no actor (NULL) has twins too.
    'SELECT id FROM attributions WHERE claim_id = ? AND event_id = ? AND actor_id IS ? AND role = ?',
  ).pluck();
  const attributionsTable = tableWriter(db, attributions);
  const deleteAttribution = prepared(db.$client, 'DELETE FROM attributions WHERE id = ?');

  function checkRefs(input: AttributionPatch) {
    requireReference(db, events, input.eventId, '/eventId', 'Event');
    requireReference(db, actors, input.actorId, '/actorId', 'Actor');
    requireReference(db, claims, input.claimId, '/claimId', 'Claim');
  }

  function checkUnique(
    row: { claimId: number; eventId: number; actorId: number | null; role: string },
    exceptId?: number,
  ) {
    const twin = twinOf.get(row.claimId, row.eventId, row.actorId, row.role) as number | undefined;
    if (twin !== undefined && twin !== exceptId) {
      const who = row.actorId === null ? 'no actor named' : `actor ${row.actorId}`;
      throw problem(
        'DUPLICATE',
        `Attribution ${twin} already records this: claim ${row.claimId}, event ${row.eventId}, ${who}, role ${row.role}.`,
      );
    }
  }

  const repo = {
    get(id: number): Attribution | null {
      return toAttributions(byId.all({ id }))[0] ?? null;
    },

    list(filter: AttributionFilter): Page<Attribution> {
      const where: (SQL | undefined)[] = [];
      if (filter.event !== undefined) where.push(eq(attributions.eventId, filter.event));
      if (filter.actor !== undefined) where.push(eq(attributions.actorId, filter.actor));
      if (filter.actor !== undefined && filter.position === 'no_attribution') {
        throw problem(
          'BAD_REQUEST',
          'Position no_attribution names no actor, so it cannot be combined with an actor filter.',
          {
            errors: [
              { in: 'query', pointer: '/position', message: 'no_attribution cannot be combined with actor' },
            ],
          },
        );
      }
      if (filter.position) where.push(eq(attributions.position, filter.position));
      if (filter.claim !== undefined) where.push(eq(attributions.claimId, filter.claim));
      if (!filter.includeRetracted) where.push(isNull(attributions.retractedAt));
      if (filter.after !== undefined) where.push(gt(attributions.id, filter.after));
      const rows = select()
        .where(and(...where))
        .orderBy(asc(attributions.id))
        .limit(filter.limit + 1)
        .all();
      return toPage(toAttributions(rows), filter.limit);
    },

    create(input: AttributionInput): Attribution {
      return db.transaction(() => {
        const row = { ...input, actorId: input.actorId ?? null, role: input.role ?? 'perpetrator' };
        checkActorAndPosition(row, { actorId: true, position: true });
        checkRefs(input);
        checkUnique(row);
        const now = nowIso();
        const id = attributionsTable.insert({ ...row, createdAt: now, updatedAt: now });
        return repo.get(id) as Attribution;
      });
    },

    update(id: number, patch: AttributionPatch): Attribution | null {
      return db.transaction(() => {
        const current = rowById.get({ id });
        if (!current) return null;
        const merged = { ...current, ...patch };
        checkActorAndPosition(merged, { actorId: 'actorId' in patch, position: 'position' in patch });
        checkRefs(patch);
        checkUnique(merged, id);
        attributionsTable.update(id, { ...patch, updatedAt: nowIso() });
        return repo.get(id);
      });
    },

    markRetracted(id: number, by: string, reason: string): void {
      const now = nowIso();
      attributionsTable.update(id, {
        retractedAt: now,
        retractedBy: by,
        retractionReason: reason,
        updatedAt: now,
      });
    },

    delete(id: number): boolean {
      return deleteAttribution.run(id).changes > 0;
    },
  };
  return repo;
}
