import { and, asc, eq, getTableColumns, gt, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { Db } from '../../db/client.js';
import { actors, eventParties, events } from '../../db/schema.js';
import { fieldProblem, problem } from '../../errors.js';
import { type Page, toPage } from '../../lib/pagination.js';
import { requireReference, wouldCycle } from '../../lib/references.js';
import { containsPattern, nowIso } from '../../lib/schemas.js';
import { countStatement, prepared, tableWriter } from '../../lib/statements.js';
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

  const byId = select()
    .where(eq(events.id, sql.placeholder('id')))
    .prepare();
  const partiesStatement = db
    .select({
      eventId: eventParties.eventId,
      role: eventParties.role,
      id: actors.id,
      name: actors.name,
      kind: actors.kind,
    })
    .from(eventParties)
    .innerJoin(actors, eq(actors.id, eventParties.actorId))
    .where(sql`${eventParties.eventId} IN (SELECT value FROM json_each(${sql.placeholder('ids')}))`)
    .orderBy(asc(eventParties.eventId), asc(eventParties.role), asc(actors.id))
    .prepare();
  const eventsTable = tableWriter(db, events);
  const deleteParties = prepared(db.$client, 'DELETE FROM event_parties WHERE event_id = ?');
  const insertParty = prepared(
    db.$client,
    'INSERT INTO event_parties (event_id, actor_id, role) VALUES (?, ?, ?)',
  );
  const deleteEvent = prepared(db.$client, 'DELETE FROM events WHERE id = ?');
  const uses = [
    { what: 'events under it', count: countStatement(db.$client, 'events', 'parent_id') },
    { what: 'claims about it', count: countStatement(db.$client, 'claims', 'event_id') },
    { what: 'attributions for it', count: countStatement(db.$client, 'attributions', 'event_id') },
  ];

  /** The parties of a whole page of events, in one query. */
  function partiesOf(ids: number[]): Map<number, Event['parties']> {
    const byEvent = new Map<number, Event['parties']>();
    if (ids.length === 0) return byEvent;
    const rows = partiesStatement.all({ ids: JSON.stringify(ids) });
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
    deleteParties.run(eventId);
    const unique = new Map(parties.map((p) => [`${p.actorId}:${p.role}`, p]));
    for (const p of unique.values()) insertParty.run(eventId, p.actorId, p.role);
  }

  const repo = {
    get(id: number): Event | null {
      return toEvents(byId.all({ id }))[0] ?? null;
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
        const id = eventsTable.insert({
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
        });
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
        eventsTable.update(id, { ...fields, searchText: searchTextOf(merged), updatedAt: nowIso() });
        replaceParties(id, parties);
        return repo.get(id);
      });
    },

    delete(id: number): boolean {
      return db.transaction(() => {
        if (!repo.get(id)) return false;
        const found = uses.map((u) => ({ what: u.what, n: u.count(id) })).filter((u) => u.n > 0);
        if (found.length > 0) {
          const list = found.map((u) => `${u.n} ${u.what}`).join(', ');
          throw problem('RESOURCE_IN_USE', `Event ${id} is still referenced by ${list}.`);
        }
        deleteEvent.run(id);
        return true;
      });
    },
  };
  return repo;
}
