import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { startCheckpointer } from '../db/checkpointer.js';
import { type Db, isMemoryPath, type OpenOptions, openDatabase } from '../db/client.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
  }
}

/** Opens (and migrates) the database once per app and closes it when the app closes. */
export const dbPlugin = fp(
  async (app: FastifyInstance, opts: { databasePath: string } & OpenOptions) => {
    const { databasePath, ...options } = opts;
    const db = openDatabase(databasePath, options);
    app.decorate('db', db);
    const checkpointer = isMemoryPath(opts.databasePath)
      ? null
      : startCheckpointer(db.$client, opts.databasePath, { onError: (message) => app.log.error(message) });
    app.addHook('onClose', async () => {
      await checkpointer?.stop();
      if (!db.$client.open) return;
      try {
        db.$client.pragma('optimize');
      } catch (err) {
        // Statistics are an optimisation: a full disk (or any fault) must not keep the file from closing.
        app.log.warn({ err }, 'PRAGMA optimize failed on close');
      }
      db.$client.close();
    });
  },
  { name: 'db' },
);
