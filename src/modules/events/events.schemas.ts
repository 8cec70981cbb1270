import { createInsertSchema, createSelectSchema } from 'drizzle-zod';
import { z } from 'zod';
import { events, PARTY_ROLES } from '../../db/schema.js';
import { pageOf, pageQuerySchema } from '../../lib/pagination.js';
import { idParam, idSchema, instant, name, queryText, text, timePrecision } from '../../lib/schemas.js';
import { ActorRefSchema } from '../actors/actors.schemas.js';

export const EventRefSchema = z
  .object({ id: z.number().int(), title: z.string() })
  .meta({ id: 'EventRef', description: 'An event, named in place.' });

const partyRole = z
  .enum(PARTY_ROLES)
  .describe(
    'How the actor takes part: `target` (the state or body attacked), `accused`, `perpetrator`, `victim`, `mediator`, `other`.',
  );

export const EventPartySchema = z
  .object({ actor: ActorRefSchema, role: partyRole })
  .meta({ id: 'EventParty', description: 'An actor that is a party to the event.' });

export const EventSchema = createSelectSchema(events)
  .omit({ searchText: true })
  .extend({
    parent: EventRefSchema.nullable().describe('The larger event this one is part of.'),
    parties: z
      .array(EventPartySchema)
      .describe(
        'The parties to the event; their claims (and those of bodies under them) are flagged as interested.',
      ),
  })
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
})
  .pick({
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
  })
  .extend({
    parties: z
      .array(z.object({ actorId: idSchema, role: partyRole }).strict())
      .max(50)
      .describe('The parties to the event (replaces the whole list on update).'),
  });

export const CreateEventBody = writable.partial({ parties: true }).strict().meta({ id: 'CreateEvent' });
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
