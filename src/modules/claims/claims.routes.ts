import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { problem } from '../../errors.js';
import { registerCrudRoutes } from '../../lib/crud.js';
import { listResponses, sendList } from '../../lib/list-formats.js';
import { decodeCursor } from '../../lib/pagination.js';
import { idParams } from '../../lib/schemas.js';
import { createActorsRepository } from '../actors/actors.repository.js';
import { createClaimsRepository } from './claims.repository.js';
import {
  ClaimPage,
  ClaimSchema,
  CreateClaimBody,
  ListActorClaimsQuery,
  ListClaimsQuery,
  UpdateClaimBody,
} from './claims.schemas.js';
import { createClaimsService } from './claims.service.js';

export const claimsRoutes: FastifyPluginAsyncZod = async (app) => {
  const claims = createClaimsRepository(app.db);
  const service = createClaimsService(app.db);
  const actors = createActorsRepository(app.db);

  registerCrudRoutes(app, {
    path: '/claims',
    param: 'claimId',
    tag: 'claims',
    names: ['Claim', 'Claims'],
    noun: 'claim',
    schemas: {
      item: ClaimSchema,
      page: ClaimPage,
      query: ListClaimsQuery,
      create: CreateClaimBody,
      update: UpdateClaimBody,
    },
    repo: {
      get: claims.get,
      list: claims.list,
      create: service.create,
      update: service.update,
      delete: claims.delete,
    },
    retract: claims.markRetracted,
    notFound: (id) => problem('CLAIM_NOT_FOUND', `Claim ${id} does not exist.`),
    docs: {
      list: 'Claims in creation order, each with its claimant, source, event, chain and quote embedded. Filters combine with AND.',
      create:
        'Anchors `quote.exact` in the source text and stores the verbatim span with its context and code-point offsets. ' +
        'A quote that is not in the text, or that occurs more than once without `start`, `prefix` or `suffix` to choose, is a 422 and nothing is stored.',
      delete:
        'Deletes the claim with its chain and links; refused with 409 while an attribution rests on it.',
    },
  });

  app.get('/actors/:actorId/claims', {
    schema: {
      operationId: 'listActorClaims',
      tags: ['claims', 'actors'],
      summary: 'List what an actor said',
      description:
        'The same list as `GET /claims?actor={actorId}`. With `includeSubordinates=true`, also what every actor below it said.',
      params: idParams('actorId'),
      querystring: ListActorClaimsQuery,
      response: listResponses(ClaimPage, 400, 404),
    },
    handler: async (request, reply) => {
      const { actorId } = request.params;
      if (!actors.get(actorId)) throw problem('ACTOR_NOT_FOUND', `Actor ${actorId} does not exist.`);
      const { cursor, format, limit, ...filter } = request.query;
      return sendList(request, reply, {
        fetch: (after, size) =>
          claims.list({ ...filter, limit: size, actor: actorId, after: decodeCursor(after) }),
        cursor,
        limit,
        format,
        page: ClaimPage,
        name: `actor-${actorId}-claims`,
      });
    },
  });
};
