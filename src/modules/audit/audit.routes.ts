import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { listResponses, sendList } from '../../lib/list-formats.js';
import { decodeCursor } from '../../lib/pagination.js';
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
      response: listResponses(AuditPage, 400, 401, 403),
    },
    handler: async (request, reply) => {
      const { cursor, format, limit, ...filter } = request.query;
      return sendList(request, reply, {
        fetch: (after, size) => audit.list({ ...filter, limit: size, after: decodeCursor(after) }),
        cursor,
        limit,
        format,
        page: AuditPage,
        name: 'audit',
      });
    },
  });
};
