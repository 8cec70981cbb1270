import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { problem } from '../errors.js';
import {
  createKeysService,
  type Principal,
  principalOfRequest,
  type Role,
  roleAllows,
} from '../modules/keys/keys.service.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The API key's holder, or null for an anonymous request. */
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** The least role the route needs; by default writes need `editor` and reads need nothing. */
    role?: Role;
    /** Answers without a key even when reads require one (health, the API description). */
    public?: boolean;
  }
}

export interface AuthOptions {
  requireKeyForReads: boolean;
  bootstrapAdminKey?: string | undefined;
}

const CHALLENGE = { 'www-authenticate': 'Bearer realm="claimledger"' };
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * API keys: `Authorization: Bearer <key>`. A key that is sent must be valid, whatever the route;
 * writes need an editor (or admin) key, key management and hard deletes an admin key.
 */
export const authPlugin = fp(
  async (app: FastifyInstance, opts: AuthOptions) => {
    const keys = createKeysService(app.db);
    if (opts.bootstrapAdminKey && keys.ensure('bootstrap admin', 'admin', opts.bootstrapAdminKey)) {
      app.log.info('bootstrap admin key registered');
    }

    app.decorateRequest('principal', null);

    const neededRole = (request: FastifyRequest): Role | null => {
      const config = request.routeOptions.config;
      if (request.is404 || config.public || request.url.startsWith('/docs')) return null;
      if (config.role) return config.role;
      if (WRITES.has(request.method)) return 'editor';
      return opts.requireKeyForReads ? 'reader' : null;
    };

    // Callback style: an async hook costs every request a promise and a microtask.
    app.addHook('onRequest', (request, _reply, done) => {
      const { sent, principal } = principalOfRequest(request, keys);
      if (sent) {
        if (!principal)
          return done(problem('UNAUTHORIZED', 'The API key is unknown or revoked.', {}, CHALLENGE));
        request.principal = principal;
      }
      const needed = neededRole(request);
      if (needed === null) return done();
      if (!request.principal) {
        return done(
          problem(
            'UNAUTHORIZED',
            'This request needs an API key: send Authorization: Bearer <key>.',
            {},
            CHALLENGE,
          ),
        );
      }
      if (!roleAllows(request.principal.role, needed)) {
        return done(
          problem(
            'FORBIDDEN',
            `This request needs a key with the ${needed} role; this key is ${request.principal.role}.`,
          ),
        );
      }
      done();
    });
  },
  { name: 'auth', dependencies: ['db'] },
);
