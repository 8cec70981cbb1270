import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import helmet, { type HelmetOptions } from 'helmet';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Security headers for this route instead of the service's: helmet options merged over them, or false. */
    helmet?: HelmetOptions | false;
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

/**
 * helmet's security headers on every response, computed once. (@fastify/helmet rebuilds the helmet
 * middleware from its options on every request, which cost about a quarter of the time of serving one claim.)
 * The headers are static here: no CSP nonces. A route may set its own with `config.helmet`.
 */
export const securityHeadersPlugin = fp(
  async (app: FastifyInstance, options: HelmetOptions) => {
    const global = headersOf(options);
    const perRoute = new Map<object, Headers | null>();
    app.addHook('onRoute', (route) => {
      if (route.helmet !== undefined) route.config = { ...route.config, helmet: route.helmet };
      const own = route.config?.helmet;
      if (own === undefined) return;
      perRoute.set(
        route.config as object,
        own === false ? null : headersOf({ ...options, ...own } as HelmetOptions),
      );
    });
    app.addHook('onRequest', (request, reply, done) => {
      const config = request.routeOptions.config;
      const headers = config.helmet === undefined ? global : perRoute.get(config);
      if (headers) reply.headers(headers);
      done();
    });
  },
  { name: 'security-headers' },
);
