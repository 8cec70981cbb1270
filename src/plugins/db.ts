import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { startCheckpointer } from '../db/checkpointer.js';
import { type Db, isMemoryPath, openDatabase } from '../db/client.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
  }
}

/** Opens (and migrates) the database once per app and closes it when the app closes. */
export const dbPlugin = fp(
  async (app: FastifyInstance, opts: { databasePath: string }) => {
    const db = openDatabase(opts.databasePath);
    app.decorate('db', db);
    const checkpointer = isMemoryPath(opts.databasePath)
      ? null
      : startCheckpointer(db.$client, opts.databasePath, { onError: (message) => app.log.error(message) });
    app.addHook('onClose', async () => {
      await checkpointer?.stop();
      if (db.$client.open) {
        db.$client.pragma('optimize');
        db.$client.close();
      }
    });
  },
  { name: 'db' },
);
