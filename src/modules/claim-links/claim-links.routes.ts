import type { FastifyPluginAsync } from 'fastify';
import { problem } from '../../errors.js';
import { registerCrudRoutes } from '../../lib/crud.js';
import { createClaimLinksRepository } from './claim-links.repository.js';
import {
  ClaimLinkPage,
  ClaimLinkSchema,
  CreateClaimLinkBody,
  ListClaimLinksQuery,
  UpdateClaimLinkBody,
} from './claim-links.schemas.js';

export const claimLinksRoutes: FastifyPluginAsync = async (app) => {
  registerCrudRoutes(app, {
    path: '/claim-links',
    param: 'claimLinkId',
    tag: 'claim-links',
    names: ['ClaimLink', 'ClaimLinks'],
    noun: 'claim link',
    schemas: {
      item: ClaimLinkSchema,
      page: ClaimLinkPage,
      query: ListClaimLinksQuery,
      create: CreateClaimLinkBody,
      update: UpdateClaimLinkBody,
    },
    repo: createClaimLinksRepository(app.db),
    notFound: (id) => problem('CLAIM_LINK_NOT_FOUND', `Claim link ${id} does not exist.`),
    docs: {
      list: 'Links in creation order, both claims embedded. `claim` lists the links from or to one claim.',
      create:
        'Records that claim `fromClaimId` corroborates, contradicts, repeats or responds to claim `toClaimId`.',
    },
  });
};
