import type { FastifyPluginAsync } from 'fastify';
import { problem } from '../../errors.js';
import { registerCrudRoutes } from '../../lib/crud.js';
import { createSourcesRepository } from './sources.repository.js';
import {
  CreateSourceBody,
  ListSourcesQuery,
  SourcePage,
  SourceSchema,
  UpdateSourceBody,
} from './sources.schemas.js';

export const sourcesRoutes: FastifyPluginAsync = async (app) => {
  registerCrudRoutes(app, {
    path: '/sources',
    param: 'sourceId',
    tag: 'sources',
    names: ['Source', 'Sources'],
    noun: 'source',
    schemas: {
      item: SourceSchema,
      page: SourcePage,
      query: ListSourcesQuery,
      create: CreateSourceBody,
      update: UpdateSourceBody,
    },
    repo: createSourcesRepository(app.db),
    notFound: (id) => problem('SOURCE_NOT_FOUND', `Source ${id} does not exist.`),
    docs: {
      list: 'Sources in creation order, without their text. `q` matches titles case-insensitively.',
      create:
        'Stores `text` verbatim (byte for byte) and computes its SHA-256. Quotes of claims are anchored in this text, counting Unicode code points.',
      update:
        'Changes the fields sent. `text` can change only while no claim quotes it (409 `SOURCE_TEXT_LOCKED` otherwise): a new version of a document is a new source.',
      delete: 'Refused with 409 while claims quote it.',
    },
  });
};
