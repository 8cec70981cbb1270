import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppConfig } from './config.js';
import {
  BASELINE_SECURITY_HEADERS,
  clientErrorHandler,
  createHttpServer,
  repairUrl,
  requestLogSerializer,
} from './lib/http-server.js';
import { lazyChildLogger } from './lib/lazy-logger.js';
import { DEFAULT_STREAM_PAGE_SIZE } from './lib/list-formats.js';
import { serializerCompiler } from './lib/serializer.js';
import { validatorCompiler } from './lib/validation.js';
import { actorsRoutes } from './modules/actors/actors.routes.js';
import { attributionsRoutes } from './modules/attributions/attributions.routes.js';
import { auditRoutes } from './modules/audit/audit.routes.js';
import { candidatesRoutes } from './modules/candidates/candidates.routes.js';
import { changesRoutes } from './modules/changes/changes.routes.js';
import { claimLinksRoutes } from './modules/claim-links/claim-links.routes.js';
import { claimsRoutes } from './modules/claims/claims.routes.js';
import { crossCheckRoutes } from './modules/cross-check/cross-check.routes.js';
import { eventsRoutes } from './modules/events/events.routes.js';
import { exportsRoutes } from './modules/exports/exports.routes.js';
import { healthRoutes } from './modules/health/health.routes.js';
import { keysRoutes } from './modules/keys/keys.routes.js';
import { searchRoutes } from './modules/search/search.routes.js';
import { sourcesRoutes } from './modules/sources/sources.routes.js';
import { transferRoutes } from './modules/transfer/transfer.routes.js';
import type { Resolver } from './modules/webhooks/webhooks.delivery.js';
import { webhooksPlugin } from './modules/webhooks/webhooks.plugin.js';
import { webhooksRoutes } from './modules/webhooks/webhooks.routes.js';
import { authPlugin } from './plugins/auth.js';
import { dbPlugin } from './plugins/db.js';
import { deskPlugin } from './plugins/desk.js';
import { httpEdgesPlugin } from './plugins/http-edges.js';
import { idempotencyPlugin } from './plugins/idempotency.js';
import { limitsPlugin } from './plugins/limits.js';
import { openapiPlugin } from './plugins/openapi.js';
import { buildProblem, problemsPlugin, sendProblem } from './plugins/problems.js';
import { type StorageFailure, storagePlugin } from './plugins/storage.js';
import { viewCachePlugin } from './plugins/view-cache.js';
import { writerPlugin } from './plugins/writer.js';

declare module 'fastify' {
  interface FastifyInstance {
    writeSettings: { requireIfMatch: boolean };
  }
}

export interface BuildAppOptions extends Partial<AppConfig> {
  databasePath: string;
  /** How webhook deliveries resolve host names (tests hand in a fake DNS). */
  webhookResolver?: Resolver;
  /** Rows per database page while a CSV or NDJSON list streams (tests make it small). */
  listStreamPageSize?: number;
  /** false (default) or a pino logger option object. */
  logger?: boolean | object;
  /** Called once when writes stop after a storage failure (server.ts exits so that recovery runs). */
  onStorageFailure?: (failure: StorageFailure) => void;
  /** The built desk page (default dist/desk). */
  deskDir?: string;
  /** The largest POST /imports body in bytes (16 MiB unless set). */
  importBodyLimit?: number;
  /** How long past its budget a search may hold its worker before the worker is replaced (tests shorten it). */
  searchGraceMs?: number;
}

/** How long one statement may block the event loop waiting for another process's lock (see plugins/storage). */
const SERVER_BUSY_TIMEOUT_MS = 20;

/** Builds the service; it never listens (server.ts does) so tests can drive it in-process. */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const keepAliveTimeoutMs = options.keepAliveTimeoutMs ?? 5_000;
  const logger =
    options.logger && typeof options.logger === 'object'
      ? { ...options.logger, serializers: { req: requestLogSerializer } }
      : (options.logger ?? false);
  let log: FastifyBaseLogger | undefined;
  const app = Fastify({
    logger,
    bodyLimit: options.bodyLimit ?? 5 * 1024 * 1024,
    genReqId: () => crypto.randomUUID(),
    childLoggerFactory: lazyChildLogger,
    requestIdHeader: false,
    // HEAD is not served (405): the API description lists no HEAD operations.
    exposeHeadRoutes: false,
    // Long segments reach validation (a 400 naming the parameter) instead of failing in the router.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 16_384 },
    rewriteUrl: (req) => repairUrl(req.url ?? '/'),
    // Slow clients are cut off at REQUEST_TIMEOUT_MS, headers and body alike (see lib/http-server.ts).
    serverFactory: (handler) => createHttpServer(handler, { requestTimeoutMs, keepAliveTimeoutMs }),
    clientErrorHandler: (error, socket) => {
      if (log) clientErrorHandler(log, requestTimeoutMs)(error, socket);
      else socket.destroy();
    },
    // Errors raised by the router itself bypass the hooks; the URL repair above leaves none in practice,
    // and what might remain still leaves with a request id and the security headers.
    frameworkErrors: (error, request, reply) =>
      sendProblem(
        reply.headers({ ...BASELINE_SECURITY_HEADERS, 'x-request-id': request.id }),
        buildProblem(request, error),
      ),
  }).withTypeProvider<ZodTypeProvider>();
  log = app.log;

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // A JSON API: anything but JSON is a 415, not a string handed to the validators.
  app.removeContentTypeParser(['text/plain']);

  // Every response names its request. Set before any other hook, so that whatever answers (a 429, a 401, a 503)
  // carries it; synchronous, and not an onSend hook: with none, Fastify skips that stage of every response.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });

  await app.register(dbPlugin, {
    databasePath: options.databasePath,
    busyTimeoutMs: SERVER_BUSY_TIMEOUT_MS,
    create: options.createDatabase ?? true,
  });
  await app.register(storagePlugin, {
    writeLockTimeoutMs: options.writeLockTimeoutMs ?? 2_000,
    onFailure: options.onStorageFailure,
  });
  await app.register(httpEdgesPlugin);
  await app.register(idempotencyPlugin);
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
  app.decorate('listStreaming', { pageSize: options.listStreamPageSize ?? DEFAULT_STREAM_PAGE_SIZE });
  app.decorate('exportSettings', { publicBaseUrl: options.publicBaseUrl });
  await app.register(viewCachePlugin, { maxEntries: 256 });
  await app.register(openapiPlugin);
  await app.register(webhooksPlugin, {
    // Off unless asked for: the server turns it on (WEBHOOK_DISPATCH), tests where they need it.
    dispatch: options.webhookDispatch ?? false,
    allowedNetworks: options.webhookAllowedNetworks ?? [],
    timeoutMs: options.webhookTimeoutMs ?? 5_000,
    pollMs: options.webhookPollMs ?? 1_000,
    retryBaseMs: options.webhookRetryBaseMs ?? 5_000,
    retryWindowMs: options.webhookRetryWindowMs ?? 24 * 60 * 60 * 1000,
    concurrency: options.webhookConcurrency ?? 4,
    disableAfterGone: options.webhookDisableAfterGone ?? 3,
    disableAfterFailures: options.webhookDisableAfterFailures ?? 5,
    resolve: options.webhookResolver,
  });

  await app.register(healthRoutes);
  await app.register(actorsRoutes);
  await app.register(sourcesRoutes);
  await app.register(eventsRoutes);
  await app.register(claimsRoutes);
  await app.register(attributionsRoutes);
  await app.register(claimLinksRoutes);
  await app.register(crossCheckRoutes);
  await app.register(searchRoutes, {
    databasePath: options.databasePath,
    workers: options.searchWorkers ?? 1,
    budgetMs: options.searchTimeBudgetMs ?? 250,
    graceMs: options.searchGraceMs ?? 250,
  });
  await app.register(candidatesRoutes);
  await app.register(keysRoutes);
  await app.register(auditRoutes);
  await app.register(deskPlugin, { dir: options.deskDir });
  await app.register(changesRoutes);
  await app.register(exportsRoutes);
  await app.register(webhooksRoutes);
  await app.register(transferRoutes, { importBodyLimit: options.importBodyLimit });

  return app;
}
