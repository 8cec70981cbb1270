import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { problem } from '../errors.js';
import { BASELINE_SECURITY_HEADERS } from '../lib/http-server.js';
import { createRateWindows, spokenDuration } from '../lib/rate-window.js';
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
      api: BASELINE_SECURITY_HEADERS,
      // Pages: helmet's set, nothing framed or loaded unless the page's own policy says so (the docs and the
      // desk set theirs). No HSTS: TLS ends in front of the service, which decides it.
      document: {
        contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
        hsts: false,
      },
      documentPrefixes: ['/docs'],
    });

    await app.register(cors, {
      origin: opts.corsOrigins.length > 0 ? opts.corsOrigins : false,
      methods: ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', 'if-match', 'if-none-match', 'idempotency-key'],
      exposedHeaders: ['etag', 'location', 'link', 'x-request-id', 'retry-after', 'idempotent-replayed'],
    });

    // Headers first, so that 429s carry them too. Then one app-level onRequest hook, added before the
    // auth plugin's, so that every request is counted before anything can reject it: failed key guesses,
    // 404s and problem pages included. A fixed window per API key, or per address without a valid key, counted
    // synchronously (the @fastify/rate-limit plugin this replaces cost a request about four promises, a tenth of
    // the time of serving one claim), with the same headers and answers.
    const windows = createRateWindows({ max: opts.rateLimitMax, windowMs: opts.rateLimitWindowMs });
    const limit = String(opts.rateLimitMax);
    app.addHook('onRequest', (request, reply, done) => {
      const { principal } = principalOfRequest(request, keys);
      const { current, ttlMs } = windows.hit(principal ? `key:${principal.keyId}` : `ip:${request.ip}`);
      const reset = String(Math.ceil(ttlMs / 1000));
      reply.header('x-ratelimit-limit', limit);
      reply.header('x-ratelimit-remaining', String(Math.max(0, opts.rateLimitMax - current)));
      reply.header('x-ratelimit-reset', reset);
      if (current <= opts.rateLimitMax) return done();
      reply.header('retry-after', reset);
      done(
        problem(
          'RATE_LIMITED',
          `Rate limit of ${opts.rateLimitMax} requests per ${spokenDuration(Math.ceil(ttlMs / 1000) * 1000)} reached; retry later.`,
        ),
      );
    });
  },
  { name: 'limits', dependencies: ['db'] },
);
