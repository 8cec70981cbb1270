import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { type Db, openDatabase } from '../db/client.js';

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
    app.addHook('onClose', async () => {
      if (db.$client.open) {
        db.$client.pragma('optimize');
        db.$client.close();
      }
    });
  },
  { name: 'db' },
);
