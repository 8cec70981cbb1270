import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { problem } from '../../errors.js';
import { problemResponses } from '../../lib/openapi.js';
import { RETRY_AFTER_SECONDS } from '../../lib/sqlite-errors.js';

const HealthSchema = z
  .object({ status: z.literal('ok'), database: z.literal('ok'), claims: z.number().int() })
  .meta({ id: 'Health' });

const ReadinessSchema = z
  .object({
    status: z.literal('ready'),
    writes: z.literal('accepted').describe('Writes are being taken (no storage failure since start-up).'),
  })
  .meta({ id: 'Readiness' });

export const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  const probe = app.db.$client.prepare('SELECT count(*) AS n FROM claims');
  const config = { public: true };
  const tags = ['service'];

  const storageFailed = () => {
    const failure = app.storage.failure;
    if (!failure) return;
    throw problem(
      'STORAGE_FAILED',
      `Writes stopped after a storage failure (${failure.code}) at ${failure.at}; the service is restarting.`,
      {},
      { 'retry-after': String(RETRY_AFTER_SECONDS.io) },
    );
  };

  const countClaims = () => {
    try {
      return (probe.get() as { n: number }).n;
    } catch (err) {
      app.log.error({ err }, 'health check failed');
      throw problem(
        'SERVICE_UNAVAILABLE',
        'The database is not available; try again shortly.',
        {},
        {
          'retry-after': String(RETRY_AFTER_SECONDS.closed),
        },
      );
    }
  };

  app.get('/health', {
    config,
    schema: {
      operationId: 'getHealth',
      tags,
      summary: 'Liveness: the service and its database answer',
      description:
        'A 503 means the process should be restarted: its database does not answer, or a storage failure (an I/O ' +
        'or fsync error on a write) stopped writes, after which the service exits by itself for its supervisor to ' +
        'restart it. Use `/health/ready` to decide whether to send traffic.',
      response: { 200: HealthSchema, ...problemResponses(503) },
    },
    handler: async () => {
      storageFailed();
      return { status: 'ok' as const, database: 'ok' as const, claims: countClaims() };
    },
  });

  app.get('/health/ready', {
    config,
    schema: {
      operationId: 'getReadiness',
      tags,
      summary: 'Readiness: the service takes reads and writes',
      description:
        'A 503 while the database does not answer or while writes are refused after a storage failure: send no traffic.',
      response: { 200: ReadinessSchema, ...problemResponses(503) },
    },
    handler: async () => {
      storageFailed();
      countClaims();
      return { status: 'ready' as const, writes: 'accepted' as const };
    },
  });
};
