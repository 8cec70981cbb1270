import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { problemResponses } from '../../lib/openapi.js';
import { decodeCursor, sendPage } from '../../lib/pagination.js';
import { AuditPage, AuditQuery } from './audit.schemas.js';
import { createAuditService } from './audit.service.js';

export const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  const audit = createAuditService(app.db);

  app.get('/audit', {
    config: { role: 'admin' },
    schema: {
      operationId: 'listAudit',
      tags: ['audit'],
      summary: 'The whole audit log (admin)',
      description: 'Every change, oldest first, filterable by resource, record, key and operation.',
      querystring: AuditQuery,
      response: { 200: AuditPage, ...problemResponses(400, 401, 403) },
    },
    handler: async (request, reply) => {
      const { cursor, ...filter } = request.query;
      return sendPage(request, reply, audit.list({ ...filter, after: decodeCursor(cursor) }));
    },
  });
};
