import { and, asc, eq, getTableColumns, gt, inArray, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { Db } from '../../db/client.js';
import { actors, attributions, claims, eventParties, events } from '../../db/schema.js';
import { fieldProblem, problem } from '../../errors.js';
import { type Page, toPage } from '../../lib/pagination.js';
import { count, requireReference, wouldCycle } from '../../lib/references.js';
import { containsPattern, nowIso } from '../../lib/schemas.js';
import type { Event, EventInput, EventPatch } from './events.schemas.js';

export interface EventFilter {
  q?: string | undefined;
  kind?: string | undefined;
  parent?: number | undefined;
  after?: number | undefined;
  limit: number;
}

const parent = alias(events, 'parent');

const searchTextOf = (e: { title: string; placeName: string | null }) =>
  [e.title, e.placeName ?? ''].join('\n').toLowerCase();

function checkTimeRange(startsAt: string | null, endsAt: string | null) {
  if (startsAt && endsAt && endsAt < startsAt) {
    throw fieldProblem(
      'INVALID_TIME_RANGE',
      '/endsAt',
      `endsAt (${endsAt}) is before startsAt (${startsAt}).`,
    );
  }
}

export function createEventsRepository(db: Db) {
  const { searchText: _omitted, ...columns } = getTableColumns(events);
  const select = () =>
    db
      .select({ ...columns, parentTitle: parent.title })
      .from(events)
      .leftJoin(parent, eq(parent.id, events.parentId));

  type Row = ReturnType<ReturnType<typeof select>['all']>[number];

  /** The parties of a whole page of events, in one query. */
  function partiesOf(ids: number[]): Map<number, Event['parties']> {
    const byEvent = new Map<number, Event['parties']>();
    if (ids.length === 0) return byEvent;
    const rows = db
      .select({
        eventId: eventParties.eventId,
        role: eventParties.role,
        id: actors.id,
        name: actors.name,
        kind: actors.kind,
      })
      .from(eventParties)
      .innerJoin(actors, eq(actors.id, eventParties.actorId))
      .where(inArray(eventParties.eventId, ids))
      .orderBy(asc(eventParties.eventId), asc(eventParties.role), asc(actors.id))
      .all();
    for (const { eventId, role, ...actor } of rows) {
      const list = byEvent.get(eventId) ?? [];
      list.push({ actor, role });
      byEvent.set(eventId, list);
    }
    return byEvent;
  }

  function toEvents(rows: Row[]): Event[] {
    const parties = partiesOf(rows.map((r) => r.id));
    return rows.map(({ parentTitle, ...e }) => ({
      ...e,
      parent: e.parentId !== null && parentTitle !== null ? { id: e.parentId, title: parentTitle } : null,
      parties: parties.get(e.id) ?? [],
    }));
  }

  function replaceParties(eventId: number, parties: EventInput['parties']) {
    if (parties === undefined) return;
    parties.forEach((p, i) => {
      requireReference(db, actors, p.actorId, `/parties/${i}/actorId`, 'Actor');
    });
    db.delete(eventParties).where(eq(eventParties.eventId, eventId)).run();
    const unique = new Map(parties.map((p) => [`${p.actorId}:${p.role}`, p]));
    if (unique.size > 0) {
      db.insert(eventParties)
        .values([...unique.values()].map((p) => ({ eventId, actorId: p.actorId, role: p.role })))
        .run();
    }
  }

  const repo = {
    get(id: number): Event | null {
      return toEvents(select().where(eq(events.id, id)).all())[0] ?? null;
    },

    list(filter: EventFilter): Page<Event> {
      const where: (SQL | undefined)[] = [];
      if (filter.q) where.push(sql`${events.searchText} LIKE ${containsPattern(filter.q)} ESCAPE '\\'`);
      if (filter.kind) where.push(eq(events.kind, filter.kind));
      if (filter.parent !== undefined) where.push(eq(events.parentId, filter.parent));
      if (filter.after !== undefined) where.push(gt(events.id, filter.after));
      const rows = select()
        .where(and(...where))
        .orderBy(asc(events.id))
        .limit(filter.limit + 1)
        .all();
      return toPage(toEvents(rows), filter.limit);
    },

    create(input: EventInput): Event {
      return db.transaction(() => {
        requireReference(db, events, input.parentId, '/parentId', 'Event');
        checkTimeRange(input.startsAt ?? null, input.endsAt ?? null);
        const now = nowIso();
        const { id } = db
          .insert(events)
          .values({
            title: input.title,
            summary: input.summary ?? null,
            kind: input.kind,
            startsAt: input.startsAt ?? null,
            endsAt: input.endsAt ?? null,
            timePrecision: input.timePrecision ?? null,
            placeName: input.placeName ?? null,
            latitude: input.latitude ?? null,
            longitude: input.longitude ?? null,
            parentId: input.parentId ?? null,
            searchText: searchTextOf({ title: input.title, placeName: input.placeName ?? null }),
            createdAt: now,
            updatedAt: now,
          })
          .returning({ id: events.id })
          .get();
        replaceParties(id, input.parties);
        return repo.get(id) as Event;
      });
    },

    update(id: number, patch: EventPatch): Event | null {
      return db.transaction(() => {
        const current = repo.get(id);
        if (!current) return null;
        if (patch.parentId !== undefined && patch.parentId !== null) {
          requireReference(db, events, patch.parentId, '/parentId', 'Event');
          if (wouldCycle(db, 'events', id, patch.parentId)) {
            throw fieldProblem(
              'HIERARCHY_CYCLE',
              '/parentId',
              `Event ${patch.parentId} is event ${id} or lies below it, so it cannot be its parent.`,
            );
          }
        }
        const { parties, ...fields } = patch;
        const merged = { ...current, ...fields };
        checkTimeRange(merged.startsAt, merged.endsAt);
        db.update(events)
          .set({ ...fields, searchText: searchTextOf(merged), updatedAt: nowIso() })
          .where(eq(events.id, id))
          .run();
        replaceParties(id, parties);
        return repo.get(id);
      });
    },

    delete(id: number): boolean {
      return db.transaction(() => {
        if (!repo.get(id)) return false;
        const uses = [
          ['events under it', sql`SELECT count(*) AS n FROM ${events} WHERE ${events.parentId} = ${id}`],
          ['claims about it', sql`SELECT count(*) AS n FROM ${claims} WHERE ${claims.eventId} = ${id}`],
          [
            'attributions for it',
            sql`SELECT count(*) AS n FROM ${attributions} WHERE ${attributions.eventId} = ${id}`,
          ],
        ] as const;
        const found = uses.map(([what, q]) => ({ what, n: count(db, q) })).filter((u) => u.n > 0);
        if (found.length > 0) {
          const list = found.map((u) => `${u.n} ${u.what}`).join(', ');
          throw problem('RESOURCE_IN_USE', `Event ${id} is still referenced by ${list}.`);
        }
        db.delete(events).where(eq(events.id, id)).run();
        return true;
      });
    },
  };
  return repo;
}
