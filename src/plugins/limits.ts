import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { problem } from '../errors.js';
import { createKeysService, principalOfRequest } from '../modules/keys/keys.service.js';
import { securityHeadersPlugin } from './security-headers.js';

export interface LimitsOptions {
  /** Requests per window for each API key, and for each address without a valid key. */
  rateLimitMax: number;
  rateLimitWindowMs: number;
  /** Origins allowed to call the API from a browser; none by default. */
  corsOrigins: string[];
}

/**
 * What protects the service from a hostile or runaway client: rate limits per key and per address,
 * security headers, and CORS closed unless origins are configured. Registered before authentication,
 * so failed key guesses count against the caller's address.
 */
export const limitsPlugin = fp(
  async (app: FastifyInstance, opts: LimitsOptions) => {
    const keys = createKeysService(app.db);

    await app.register(securityHeadersPlugin, {
      // The API serves JSON: nothing may be framed or loaded from its responses. The docs page sets its own policy.
      contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
      hsts: false,
    });

    await app.register(cors, {
      origin: opts.corsOrigins.length > 0 ? opts.corsOrigins : false,
      methods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', 'if-match', 'if-none-match', 'idempotency-key'],
      exposedHeaders: ['etag', 'location', 'link', 'x-request-id', 'retry-after', 'idempotent-replayed'],
    });

    // Headers first, so that 429s carry them too. Then one app-level onRequest hook, added before the
    // auth plugin's, so that every request is counted before anything can reject it: failed key
    // guesses, 404s and problem pages included. (Per-route limiting, the plugin's default, runs after
    // app-level hooks and never sees rejected requests.)
    await app.register(rateLimit, {
      global: false,
      max: opts.rateLimitMax,
      timeWindow: opts.rateLimitWindowMs,
      keyGenerator: (request) => {
        const { principal } = principalOfRequest(request, keys);
        return principal ? `key:${principal.keyId}` : `ip:${request.ip}`;
      },
      errorResponseBuilder: (_request, context) =>
        problem(
          'RATE_LIMITED',
          `Rate limit of ${context.max} requests per ${context.after} reached; retry later.`,
        ),
    });
    app.addHook('onRequest', app.rateLimit());
  },
  { name: 'limits', dependencies: ['db'] },
);
