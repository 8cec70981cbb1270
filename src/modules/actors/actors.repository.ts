import { and, asc, eq, gt, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { Db } from '../../db/client.js';
import { actors, attributions, claimReportedVia, claims, sources } from '../../db/schema.js';
import { fieldProblem, problem } from '../../errors.js';
import { gradeColumns, gradeOf } from '../../lib/grades.js';
import { type Page, toPage } from '../../lib/pagination.js';
import { count, requireReference, wouldCycle } from '../../lib/references.js';
import { containsPattern, nowIso } from '../../lib/schemas.js';
import type { Actor, ActorInput, ActorPatch } from './actors.schemas.js';

export interface ActorFilter {
  q?: string | undefined;
  kind?: Actor['kind'] | undefined;
  parent?: number | undefined;
  after?: number | undefined;
  limit: number;
}

const parent = alias(actors, 'parent');

function reliabilityColumns(input: ActorPatch['reliability']) {
  const c = gradeColumns(input);
  return c
    ? {
        reliabilityGrade: c.grade,
        reliabilityGradedBy: c.gradedBy,
        reliabilityGradedAt: c.gradedAt,
        reliabilityRationale: c.rationale,
      }
    : {};
}

/**
 * Every kind but `group` is one identifiable body; a group is unnamed unless marked identifiable (and becomes
 * unnamed again when its kind is changed to `group` without saying).
 */
function identifiableOf(
  kind: Actor['kind'],
  wanted: boolean | undefined,
  current: boolean | undefined,
): boolean {
  if (kind !== 'group') {
    if (wanted === false) {
      throw fieldProblem(
        'INCONSISTENT_FIELDS',
        '/identifiable',
        `Only a group can be an unnamed collective; an actor of kind ${kind} is always identifiable.`,
      );
    }
    return true;
  }
  return wanted ?? current ?? false;
}

const searchTextOf = (a: { name: string; aliases: string[] }) =>
  [a.name, ...a.aliases].join('\n').toLowerCase();

export function createActorsRepository(db: Db) {
  const select = () =>
    db
      .select({
        id: actors.id,
        name: actors.name,
        kind: actors.kind,
        aliases: actors.aliases,
        parentId: actors.parentId,
        description: actors.description,
        wikidataId: actors.wikidataId,
        identifiable: actors.identifiable,
        reliabilityGrade: actors.reliabilityGrade,
        reliabilityGradedBy: actors.reliabilityGradedBy,
        reliabilityGradedAt: actors.reliabilityGradedAt,
        reliabilityRationale: actors.reliabilityRationale,
        createdAt: actors.createdAt,
        updatedAt: actors.updatedAt,
        parentRefId: parent.id,
        parentName: parent.name,
        parentKind: parent.kind,
      })
      .from(actors)
      .leftJoin(parent, eq(parent.id, actors.parentId));

  type Row = ReturnType<ReturnType<typeof select>['all']>[number];
  const toActor = ({
    parentRefId,
    parentName,
    parentKind,
    reliabilityGrade,
    reliabilityGradedBy,
    reliabilityGradedAt,
    reliabilityRationale,
    ...a
  }: Row): Actor => ({
    ...a,
    reliability: gradeOf({
      grade: reliabilityGrade,
      gradedBy: reliabilityGradedBy,
      gradedAt: reliabilityGradedAt,
      rationale: reliabilityRationale,
    }),
    parent:
      parentRefId !== null && parentName !== null && parentKind !== null
        ? { id: parentRefId, name: parentName, kind: parentKind }
        : null,
  });

  function checkWikidataFree(wikidataId: string | null | undefined, exceptId?: number) {
    if (!wikidataId) return;
    const holder = db.select({ id: actors.id }).from(actors).where(eq(actors.wikidataId, wikidataId)).get();
    if (holder && holder.id !== exceptId) {
      throw problem('DUPLICATE', `Actor ${holder.id} already has Wikidata id ${wikidataId}.`, {
        errors: [{ in: 'body', pointer: '/wikidataId', message: `Already used by actor ${holder.id}` }],
      });
    }
  }

  const repo = {
    get(id: number): Actor | null {
      const row = select().where(eq(actors.id, id)).get();
      return row ? toActor(row) : null;
    },

    list(filter: ActorFilter): Page<Actor> {
      const where: (SQL | undefined)[] = [];
      if (filter.q) where.push(sql`${actors.searchText} LIKE ${containsPattern(filter.q)} ESCAPE '\\'`);
      if (filter.kind) where.push(eq(actors.kind, filter.kind));
      if (filter.parent !== undefined) where.push(eq(actors.parentId, filter.parent));
      if (filter.after !== undefined) where.push(gt(actors.id, filter.after));
      const rows = select()
        .where(and(...where))
        .orderBy(asc(actors.id))
        .limit(filter.limit + 1)
        .all();
      return toPage(rows.map(toActor), filter.limit);
    },

    create(input: ActorInput): Actor {
      return db.transaction(() => {
        requireReference(db, actors, input.parentId, '/parentId', 'Actor');
        checkWikidataFree(input.wikidataId);
        const now = nowIso();
        const aliases = input.aliases ?? [];
        const inserted = db
          .insert(actors)
          .values({
            name: input.name,
            kind: input.kind,
            aliases,
            parentId: input.parentId ?? null,
            description: input.description ?? null,
            wikidataId: input.wikidataId ?? null,
            identifiable: identifiableOf(input.kind, input.identifiable, undefined),
            ...reliabilityColumns(input.reliability),
            searchText: searchTextOf({ name: input.name, aliases }),
            createdAt: now,
            updatedAt: now,
          })
          .returning({ id: actors.id })
          .get();
        return repo.get(inserted.id) as Actor;
      });
    },

    update(id: number, patch: ActorPatch): Actor | null {
      return db.transaction(() => {
        const current = repo.get(id);
        if (!current) return null;
        if (patch.parentId !== undefined && patch.parentId !== null) {
          requireReference(db, actors, patch.parentId, '/parentId', 'Actor');
          if (wouldCycle(db, 'actors', id, patch.parentId)) {
            throw fieldProblem(
              'HIERARCHY_CYCLE',
              '/parentId',
              `Actor ${patch.parentId} is actor ${id} or lies below it, so it cannot be its parent.`,
            );
          }
        }
        checkWikidataFree(patch.wikidataId, id);
        const { reliability, ...fields } = patch;
        const kind = patch.kind ?? current.kind;
        const identifiable = identifiableOf(
          kind,
          patch.identifiable,
          kind === current.kind ? current.identifiable : undefined,
        );
        const name = patch.name ?? current.name;
        const aliases = patch.aliases ?? current.aliases;
        db.update(actors)
          .set({
            ...fields,
            identifiable,
            ...reliabilityColumns(reliability),
            searchText: searchTextOf({ name, aliases }),
            updatedAt: nowIso(),
          })
          .where(eq(actors.id, id))
          .run();
        return repo.get(id);
      });
    },

    /** Deletes an actor nothing refers to; says what still refers to it otherwise. */
    delete(id: number): boolean {
      return db.transaction(() => {
        if (!repo.get(id)) return false;
        const uses = [
          {
            what: 'actors below it',
            n: count(db, sql`SELECT count(*) AS n FROM ${actors} WHERE ${actors.parentId} = ${id}`),
          },
          {
            what: 'claims by it',
            n: count(db, sql`SELECT count(*) AS n FROM ${claims} WHERE ${claims.claimantId} = ${id}`),
          },
          {
            what: 'claims relayed by it',
            n: count(
              db,
              sql`SELECT count(*) AS n FROM ${claimReportedVia} WHERE ${claimReportedVia.actorId} = ${id}`,
            ),
          },
          {
            what: 'sources it published',
            n: count(db, sql`SELECT count(*) AS n FROM ${sources} WHERE ${sources.publisherId} = ${id}`),
          },
          {
            what: 'attributions to it',
            n: count(
              db,
              sql`SELECT count(*) AS n FROM ${attributions} WHERE ${attributions.actorId} = ${id}`,
            ),
          },
        ].filter((u) => u.n > 0);
        if (uses.length > 0) {
          const list = uses.map((u) => `${u.n} ${u.what}`).join(', ');
          throw problem('RESOURCE_IN_USE', `Actor ${id} is still referenced by ${list}.`);
        }
        db.delete(actors).where(eq(actors.id, id)).run();
        return true;
      });
    },
  };
  return repo;
}

export type ActorsRepository = ReturnType<typeof createActorsRepository>;
