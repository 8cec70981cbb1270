import Fastify, { type FastifyInstance } from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppConfig } from './config.js';
import { serializerCompiler } from './lib/serializer.js';
import { actorsRoutes } from './modules/actors/actors.routes.js';
import { attributionsRoutes } from './modules/attributions/attributions.routes.js';
import { auditRoutes } from './modules/audit/audit.routes.js';
import { claimLinksRoutes } from './modules/claim-links/claim-links.routes.js';
import { claimsRoutes } from './modules/claims/claims.routes.js';
import { crossCheckRoutes } from './modules/cross-check/cross-check.routes.js';
import { eventsRoutes } from './modules/events/events.routes.js';
import { healthRoutes } from './modules/health/health.routes.js';
import { keysRoutes } from './modules/keys/keys.routes.js';
import { searchRoutes } from './modules/search/search.routes.js';
import { sourcesRoutes } from './modules/sources/sources.routes.js';
import { authPlugin } from './plugins/auth.js';
import { dbPlugin } from './plugins/db.js';
import { limitsPlugin } from './plugins/limits.js';
import { openapiPlugin } from './plugins/openapi.js';
import { buildProblem, problemsPlugin, sendProblem } from './plugins/problems.js';
import { viewCachePlugin } from './plugins/view-cache.js';
import { writerPlugin } from './plugins/writer.js';

declare module 'fastify' {
  interface FastifyInstance {
    writeSettings: { requireIfMatch: boolean };
  }
}

export interface BuildAppOptions extends Partial<AppConfig> {
  databasePath: string;
  /** false (default) or a pino logger option object. */
  logger?: boolean | object;
}

/** Builds the service; it never listens (server.ts does) so tests can drive it in-process. */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? 5 * 1024 * 1024,
    genReqId: () => crypto.randomUUID(),
    requestIdHeader: false,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // Slow or idle clients are cut off rather than holding connections open.
    connectionTimeout: options.requestTimeoutMs ?? 30_000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 5_000,
    // Errors raised by the router itself (a malformed URL) bypass the error handler: shape them here.
    frameworkErrors: (error, request, reply) => sendProblem(reply, buildProblem(request, error)),
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // A JSON API: anything but JSON is a 415, not a string handed to the validators.
  app.removeContentTypeParser(['text/plain']);

  await app.register(dbPlugin, { databasePath: options.databasePath });
  await app.register(writerPlugin, { commitDelayMs: options.writeCommitDelayMs ?? 0 });
  await app.register(limitsPlugin, {
    rateLimitMax: options.rateLimitMax ?? 600,
    rateLimitWindowMs: options.rateLimitWindowMs ?? 60_000,
    corsOrigins: options.corsOrigins ?? [],
  });
  await app.register(problemsPlugin);
  await app.register(authPlugin, {
    requireKeyForReads: options.requireKeyForReads ?? false,
    bootstrapAdminKey: options.bootstrapAdminKey,
  });
  app.decorate('writeSettings', { requireIfMatch: options.requireIfMatch ?? false });
  await app.register(viewCachePlugin, { maxEntries: 256 });
  await app.register(openapiPlugin);

  // A synchronous hook: an async one costs a promise and a microtask on every response.
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id);
    done(null, payload);
  });

  await app.register(healthRoutes);
  await app.register(actorsRoutes);
  await app.register(sourcesRoutes);
  await app.register(eventsRoutes);
  await app.register(claimsRoutes);
  await app.register(attributionsRoutes);
  await app.register(claimLinksRoutes);
  await app.register(crossCheckRoutes);
  await app.register(searchRoutes);
  await app.register(keysRoutes);
  await app.register(auditRoutes);

  return app;
}
