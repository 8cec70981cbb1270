import { createInsertSchema, createSelectSchema } from 'drizzle-zod';
import { z } from 'zod';
import { events } from '../../db/schema.js';
import { pageOf, pageQuerySchema } from '../../lib/pagination.js';
import { idParam, idSchema, instant, name, queryText, text, timePrecision } from '../../lib/schemas.js';

export const EventRefSchema = z
  .object({ id: z.number().int(), title: z.string() })
  .meta({ id: 'EventRef', description: 'An event, named in place.' });

export const EventSchema = createSelectSchema(events)
  .omit({ searchText: true })
  .extend({ parent: EventRefSchema.nullable().describe('The larger event this one is part of.') })
  .meta({ id: 'Event', description: 'What happened, when and where, with the precision that is known.' });

const writable = createInsertSchema(events, {
  title: () => name(500),
  summary: () => text(10_000).nullable(),
  kind: () =>
    z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,59}$/, 'Must be a snake_case word such as `drone_attack`')
      .describe('What sort of event, as a snake_case word: `drone_attack`, `statement`, `sanctions`…'),
  startsAt: () => instant.nullable(),
  endsAt: () => instant.nullable(),
  timePrecision: () => timePrecision.nullable().describe('How precisely `startsAt`/`endsAt` are known.'),
  placeName: () => text(500).nullable(),
  latitude: () => z.number().min(-90).max(90).nullable(),
  longitude: () => z.number().min(-180).max(180).nullable(),
  parentId: () => idSchema.nullable().describe('The larger event this one is part of.'),
}).pick({
  title: true,
  summary: true,
  kind: true,
  startsAt: true,
  endsAt: true,
  timePrecision: true,
  placeName: true,
  latitude: true,
  longitude: true,
  parentId: true,
});

export const CreateEventBody = writable.strict().meta({ id: 'CreateEvent' });
export const UpdateEventBody = writable.partial().strict().meta({ id: 'UpdateEvent' });

export type EventInput = z.infer<typeof CreateEventBody>;
export type EventPatch = z.infer<typeof UpdateEventBody>;
export type Event = z.infer<typeof EventSchema>;

export const ListEventsQuery = pageQuerySchema.extend({
  q: queryText.optional().describe('Matches titles and place names, case-insensitively.'),
  kind: z.string().max(60).optional(),
  parent: idParam.optional().describe('Only the events directly under this one.'),
});

export const EventPage = pageOf(EventSchema, 'EventPage');
