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
    app.decorate('write', async <T>(work: () => T): Promise<T> => app.db.transaction(work));
  },
  { name: 'writer', dependencies: ['db'] },
);
