import type { FastifyPluginAsync } from 'fastify';
import { problem } from '../../errors.js';
import { registerCrudRoutes } from '../../lib/crud.js';
import { createAttributionsRepository } from './attributions.repository.js';
import {
  AttributionPage,
  AttributionSchema,
  CreateAttributionBody,
  ListAttributionsQuery,
  UpdateAttributionBody,
} from './attributions.schemas.js';

export const attributionsRoutes: FastifyPluginAsync = async (app) => {
  const attributions = createAttributionsRepository(app.db);
  registerCrudRoutes(app, {
    path: '/attributions',
    param: 'attributionId',
    tag: 'attributions',
    names: ['Attribution', 'Attributions'],
    noun: 'attribution',
    schemas: {
      item: AttributionSchema,
      page: AttributionPage,
      query: ListAttributionsQuery,
      create: CreateAttributionBody,
      update: UpdateAttributionBody,
    },
    repo: attributions,
    retract: attributions.markRetracted,
    notFound: (id) => problem('ATTRIBUTION_NOT_FOUND', `Attribution ${id} does not exist.`),
    docs: {
      list: 'Attributions in creation order, each with the carrying claim embedded (claimant, source, chain, quote).',
      create:
        'Records that the claim `claimId` holds `actorId` responsible for `eventId` (or denies it, speculates, declines to say). ' +
        'The claim may be about a related event: it is not required to share `eventId`.',
    },
  });
};
