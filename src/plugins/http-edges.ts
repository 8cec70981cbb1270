import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { z } from 'zod';
import { problem } from '../errors.js';
import { noQuery } from '../lib/validation.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The methods served on a concrete path (for 405 and `Allow`), empty when no route matches it. */
    allowedMethods(path: string): string[];
  }
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Routes of the docs page keep their own rules (swagger-ui's static files). */
const isDocsRoute = (url: string) => url === '/docs' || url.startsWith('/docs/');

function patternOf(url: string): RegExp {
  const source = url
    .replace(/\/+$/, '')
    .split(/(:\w+|\*)/)
    .map((part) => {
      if (part === '*') return '.*';
      if (part.startsWith(':')) return '[^/]+';
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}/?$`);
}

/** `charset` of a JSON content type, lower-cased and unquoted; undefined when none is given. */
function charsetOf(contentType: string): string | undefined {
  const match = /;\s*charset\s*=\s*("?)([^";\s]*)\1/i.exec(contentType);
  return match ? (match[2] ?? '').toLowerCase() : undefined;
}

/**
 * The rules every route keeps, whichever module registers it: unknown query parameters are a 400 naming
 * them (as unknown body fields are), JSON bodies are UTF-8 (another charset is a 415), and a method a
 * known path does not serve is a 405 with `Allow` (the not-found handler asks `allowedMethods`).
 */
export const httpEdgesPlugin = fp(
  async (app: FastifyInstance) => {
    const routes: { pattern: RegExp; methods: string[] }[] = [];

    app.addHook('onRoute', (route) => {
      const methods = (Array.isArray(route.method) ? route.method : [route.method]).map(String);
      if (route.url !== '*') routes.push({ pattern: patternOf(route.url), methods });
      if (isDocsRoute(route.url) || methods.includes('OPTIONS')) return;
      route.schema ??= {};
      const schema = route.schema;
      const query = schema.querystring;
      if (query === undefined) schema.querystring = noQuery();
      else if (query instanceof z.ZodObject) schema.querystring = query.strict();
    });

    app.decorate('allowedMethods', (path: string) => {
      const allowed = new Set<string>();
      for (const route of routes) if (route.pattern.test(path)) for (const m of route.methods) allowed.add(m);
      return [...allowed].sort();
    });

    // Callback style: most requests pass straight through, without a promise each.
    app.addHook('preParsing', (request, _reply, payload, done) => {
      const type = request.headers['content-type'];
      if (!BODY_METHODS.has(request.method) || typeof type !== 'string') return done(null, payload);
      if (!/^\s*application\/json\s*(;|$)/i.test(type)) return done(null, payload);
      const charset = charsetOf(type);
      if (charset === undefined || charset === 'utf-8' || charset === 'utf8') return done(null, payload);
      done(
        problem(
          'UNSUPPORTED_MEDIA_TYPE',
          'Send JSON as UTF-8: application/json with no charset, or charset=utf-8.',
          {
            errors: [{ in: 'headers', pointer: '/content-type', message: 'Only charset=utf-8 is accepted' }],
          },
        ),
      );
    });
  },
  { name: 'http-edges' },
);
