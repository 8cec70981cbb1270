import type { FastifyPluginAsync } from 'fastify';
import { problem } from '../../errors.js';
import { registerCrudRoutes } from '../../lib/crud.js';
import { createActorsRepository } from './actors.repository.js';
import {
  ActorPage,
  ActorSchema,
  CreateActorBody,
  ListActorsQuery,
  UpdateActorBody,
} from './actors.schemas.js';

export const actorsRoutes: FastifyPluginAsync = async (app) => {
  registerCrudRoutes(app, {
    path: '/actors',
    param: 'actorId',
    tag: 'actors',
    names: ['Actor', 'Actors'],
    noun: 'actor',
    schemas: {
      item: ActorSchema,
      page: ActorPage,
      query: ListActorsQuery,
      create: CreateActorBody,
      update: UpdateActorBody,
    },
    repo: createActorsRepository(app.db),
    notFound: (id) => problem('ACTOR_NOT_FOUND', `Actor ${id} does not exist.`),
    docs: {
      list: 'Actors in creation order. `q` matches names and aliases case-insensitively; `parent` lists the actors directly under one.',
      delete: 'Refused with 409 while claims, sources, attributions or other actors refer to it.',
    },
  });
};
