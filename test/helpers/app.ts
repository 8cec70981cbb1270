import type { FastifyInstance } from 'fastify';
import supertest from 'supertest';
import { buildApp } from '../../src/app.js';
import { loadSeedFile } from '../../src/seeds/seed-loader.js';

export interface TestContext {
  app: FastifyInstance;
  api: supertest.Agent;
  close(): Promise<void>;
}

/** A fresh app on its own in-memory database, migrated with the real migrations; optionally seeded. */
export async function buildTestApp(
  options: { seed?: boolean; bodyLimit?: number } = {},
): Promise<TestContext> {
  const app = await buildApp({ databasePath: ':memory:', bodyLimit: options.bodyLimit });
  if (options.seed) loadSeedFile(app.db);
  await app.ready();
  return { app, api: supertest.agent(app.server), close: () => app.close() };
}

/** What every problem body has, whatever the error. */
export function expectedProblem(status: number, code: string, instance: string) {
  return {
    type: `/problems/${code.toLowerCase().replaceAll('_', '-')}`,
    status,
    code,
    instance,
  };
}
