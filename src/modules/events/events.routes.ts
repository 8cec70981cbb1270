import type { FastifyPluginAsync } from 'fastify';
import { problem } from '../../errors.js';
import { registerCrudRoutes } from '../../lib/crud.js';
import { createEventsRepository } from './events.repository.js';
import {
  CreateEventBody,
  EventPage,
  EventSchema,
  ListEventsQuery,
  UpdateEventBody,
} from './events.schemas.js';

export const eventsRoutes: FastifyPluginAsync = async (app) => {
  registerCrudRoutes(app, {
    path: '/events',
    param: 'eventId',
    tag: 'events',
    names: ['Event', 'Events'],
    noun: 'event',
    schemas: {
      item: EventSchema,
      page: EventPage,
      query: ListEventsQuery,
      create: CreateEventBody,
      update: UpdateEventBody,
    },
    repo: createEventsRepository(app.db),
    notFound: (id) => problem('EVENT_NOT_FOUND', `Event ${id} does not exist.`),
    docs: {
      list: 'Events in creation order. `q` matches titles and place names case-insensitively.',
      create: 'Times are stored in UTC; `timePrecision` says how precisely they are known.',
      delete: 'Refused with 409 while claims, attributions or other events refer to it.',
    },
  });
};
