import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import helmet, { type HelmetOptions } from 'helmet';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Security headers for this route instead of the service's: helmet options merged over them, or false. */
    helmet?: HelmetOptions | false;
    /** Set by the security-headers plugin: the headers computed for this route, null for none. */
    securityHeaders?: Record<string, string> | null;
  }
  interface RouteShorthandOptions {
    /** The same as `config.helmet` (the route option @fastify/helmet took). */
    helmet?: HelmetOptions | false;
  }
}

type Headers = Record<string, string>;

/** The headers helmet sets for these options, computed once by running its middleware on a stand-in response. */
function headersOf(options: HelmetOptions): Headers {
  const headers: Headers = {};
  const response = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader: () => undefined,
    getHeader: () => undefined,
  };
  let failed: unknown;
  helmet(options)({} as never, response as never, (error?: unknown) => {
    failed = error;
  });
  if (failed) throw failed;
  return headers;
}

export interface SecurityHeadersOptions {
  /** What every API response carries. */
  api: Headers;
  /** helmet's options for pages: routes under `documentPrefixes` and routes with `config.helmet`. */
  document: HelmetOptions;
  documentPrefixes: string[];
}

/**
 * Security headers on every response, computed once: the API's own set on JSON routes, and helmet's full set
 * on pages (@fastify/helmet rebuilt the helmet middleware from its options on every request, which cost about
 * a quarter of the time of serving one claim). The headers are static: no CSP nonces. A route may set its own
 * with `config.helmet` (helmet options merged over the pages', or false for none).
 */
export const securityHeadersPlugin = fp(
  async (app: FastifyInstance, options: SecurityHeadersOptions) => {
    const api = { ...options.api };
    const document = headersOf(options.document);
    app.addHook('onRoute', (route) => {
      const own = route.helmet ?? route.config?.helmet;
      const isPage = options.documentPrefixes.some((prefix) => route.url.startsWith(prefix));
      if (own === undefined && !isPage) return;
      // Kept in the route's config, which Fastify copies into every request's routeOptions.
      const securityHeaders =
        own === false
          ? null
          : own === undefined
            ? document
            : headersOf({ ...options.document, ...own } as HelmetOptions);
      route.config = { ...route.config, helmet: own ?? {}, securityHeaders };
    });
    app.addHook('onRequest', (request, reply, done) => {
      const own = request.routeOptions.config.securityHeaders;
      const headers = own === undefined ? api : own;
      if (headers) reply.headers(headers);
      done();
    });
  },
  { name: 'security-headers' },
);
