import { and, asc, eq, gt, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { Db } from '../../db/client.js';
import { actors } from '../../db/schema.js';
import { fieldProblem, problem } from '../../errors.js';
import { gradeColumns, gradeOf } from '../../lib/grades.js';
import { type Page, toPage } from '../../lib/pagination.js';
import { requireReference, wouldCycle } from '../../lib/references.js';
import { containsPattern, nowIso } from '../../lib/schemas.js';
import { countStatement, prepared, tableWriter } from '../../lib/statements.js';
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
export function identifiableOf(
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

  const byId = select()
    .where(eq(actors.id, sql.placeholder('id')))
    .prepare();
  const holderOf = prepared(db.$client, 'SELECT id FROM actors WHERE wikidata_id = ?').pluck();
  const actorsTable = tableWriter(db, actors);
  const deleteActor = prepared(db.$client, 'DELETE FROM actors WHERE id = ?');
  const uses = [
    { what: 'actors below it', count: countStatement(db.$client, 'actors', 'parent_id') },
    { what: 'claims by it', count: countStatement(db.$client, 'claims', 'claimant_id') },
    { what: 'claims relayed by it', count: countStatement(db.$client, 'claim_reported_via', 'actor_id') },
    { what: 'sources it published', count: countStatement(db.$client, 'sources', 'publisher_id') },
    { what: 'attributions to it', count: countStatement(db.$client, 'attributions', 'actor_id') },
  ];

  function checkWikidataFree(wikidataId: string | null | undefined, exceptId?: number) {
    if (!wikidataId) return;
    const holder = holderOf.get(wikidataId) as number | undefined;
    if (holder !== undefined && holder !== exceptId) {
      throw problem('DUPLICATE', `Actor ${holder} already has Wikidata id ${wikidataId}.`, {
        errors: [{ in: 'body', pointer: '/wikidataId', message: `Already used by actor ${holder}` }],
      });
    }
  }

  const repo = {
    get(id: number): Actor | null {
      const row = byId.get({ id });
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
        const id = actorsTable.insert({
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
        });
        return repo.get(id) as Actor;
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
        actorsTable.update(id, {
          ...fields,
          identifiable,
          ...reliabilityColumns(reliability),
          searchText: searchTextOf({ name, aliases }),
          updatedAt: nowIso(),
        });
        return repo.get(id);
      });
    },

    /** Deletes an actor nothing refers to; says what still refers to it otherwise. */
    delete(id: number): boolean {
      return db.transaction(() => {
        if (!repo.get(id)) return false;
        const found = uses.map((u) => ({ what: u.what, n: u.count(id) })).filter((u) => u.n > 0);
        if (found.length > 0) {
          const list = found.map((u) => `${u.n} ${u.what}`).join(', ');
          throw problem('RESOURCE_IN_USE', `Actor ${id} is still referenced by ${list}.`);
        }
        deleteActor.run(id);
        return true;
      });
    },
  };
  return repo;
}

export type ActorsRepository = ReturnType<typeof createActorsRepository>;
