import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** Recent results of costly read views, dropped whenever the data changes. */
    viewCache: ViewCache;
  }
}

export interface ViewCache {
  get<V>(key: string, compute: () => V): V;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Dashboards ask the same costly questions (the attribution board of a large event) over and over.
 * Results are kept while the data is unchanged: every write through this service bumps a generation,
 * and SQLite's data_version notices commits by other connections (the keys or seed commands).
 */
export const viewCachePlugin = fp(
  async (app: FastifyInstance, opts: { maxEntries: number }) => {
    const dataVersion = app.db.$client.prepare('PRAGMA data_version').pluck();
    const entries = new Map<string, { version: string; value: unknown }>();
    let generation = 0;

    app.decorate('viewCache', {
      get<V>(key: string, compute: () => V): V {
        const version = `${generation}:${dataVersion.get()}`;
        const hit = entries.get(key);
        if (hit && hit.version === version) return hit.value as V;
        const value = compute();
        entries.delete(key);
        entries.set(key, { version, value });
        if (entries.size > opts.maxEntries) entries.delete(entries.keys().next().value as string);
        return value;
      },
    });

    // After the write's transaction: a view computed meanwhile saw the new data or is recomputed.
    app.addHook('onSend', async (request) => {
      if (WRITES.has(request.method)) generation++;
    });
  },
  { name: 'view-cache', dependencies: ['db'] },
);
