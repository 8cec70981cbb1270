import { and, asc, eq, getTableColumns, gt, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { Db } from '../../db/client.js';
import { attributions, claims, events } from '../../db/schema.js';
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

  const toEvent = ({ parentTitle, ...e }: ReturnType<ReturnType<typeof select>['all']>[number]): Event => ({
    ...e,
    parent: e.parentId !== null && parentTitle !== null ? { id: e.parentId, title: parentTitle } : null,
  });

  const repo = {
    get(id: number): Event | null {
      const row = select().where(eq(events.id, id)).get();
      return row ? toEvent(row) : null;
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
      return toPage(rows.map(toEvent), filter.limit);
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
        const merged = { ...current, ...patch };
        checkTimeRange(merged.startsAt, merged.endsAt);
        db.update(events)
          .set({ ...patch, searchText: searchTextOf(merged), updatedAt: nowIso() })
          .where(eq(events.id, id))
          .run();
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
