import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Runs `work` (synchronous: better-sqlite3 transactions cannot span an await) as one all-or-nothing write,
     * and resolves once it is committed. Every route that writes goes through here, so how commits are made
     * (and what happens when one fails) is decided in one place.
     */
    write<T>(work: () => T): Promise<T>;
  }
}

export const writerPlugin = fp(
  async (app: FastifyInstance) => {
    app.decorate('write', async <T>(work: () => T): Promise<T> => {
      // Bound now, in the request's own context: what the request adds to its transaction (idempotency).
      const bound = app.idempotency.bind(work);
      // IMMEDIATE takes the write lock before the work runs: a lock held elsewhere fails fast and is retried.
      return app.storage.commit(() => app.db.transaction(bound, { behavior: 'immediate' }));
    });
  },
  { name: 'writer', dependencies: ['db', 'storage', 'idempotency'] },
);
