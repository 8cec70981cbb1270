import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problem } from '../../errors.js';
import { problemResponses } from '../../lib/openapi.js';

const HealthSchema = z
  .object({ status: z.literal('ok'), database: z.literal('ok'), claims: z.number().int() })
  .meta({ id: 'Health' });

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  const probe = app.db.$client.prepare('SELECT count(*) AS n FROM claims');

  app.get('/health', {
    config: { public: true },
    schema: {
      operationId: 'getHealth',
      tags: ['service'],
      summary: 'Check that the service and its database answer',
      response: { 200: HealthSchema, ...problemResponses(503) },
    },
    handler: async () => {
      try {
        const { n } = probe.get() as { n: number };
        return { status: 'ok' as const, database: 'ok' as const, claims: n };
      } catch (err) {
        app.log.error({ err }, 'health check failed');
        throw problem('SERVICE_UNAVAILABLE', 'The database is not available; try again shortly.');
      }
    },
  });
};
