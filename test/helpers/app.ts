import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import supertest from 'supertest';
import { afterEach, beforeEach, expect } from 'vitest';
import { type BuildAppOptions, buildApp } from '../../src/app.js';
import { createKeysService, type Role } from '../../src/modules/keys/keys.service.js';
import { loadSeedFile } from '../../src/seeds/seed-loader.js';

const offlineResolver = async (hostname: string) => {
  throw Object.assign(new Error(`${hostname} is not resolved in tests`), { code: 'ENOTFOUND' });
};

export interface TestContext {
  app: FastifyInstance;
  /** Sends requests with an admin key, as the newsroom's own tooling would. */
  api: supertest.Agent;
  /** Sends requests with no key at all. */
  anonymous: supertest.Agent;
  /** One key of each role, created for this app. */
  keys: Record<Role, string>;
  close(): Promise<void>;
}

/**
 * A fresh app on its own in-memory database, migrated with the real migrations; optionally seeded. With
 * `onDisk`, the database is a file in a temporary folder (removed on close), for what an in-memory database
 * cannot show: other connections, such as the search workers' (`databasePath` is then that file).
 */
export async function buildTestApp(
  options: Omit<BuildAppOptions, 'databasePath'> & {
    seed?: boolean;
    onDisk?: boolean;
    databasePath?: string;
  } = {},
): Promise<TestContext & { databasePath: string }> {
  const { seed, onDisk, ...appOptions } = options;
  const folder = onDisk ? mkdtempSync(join(tmpdir(), 'claimledger-test-')) : null;
  const databasePath = folder ? join(folder, 'test.db') : (appOptions.databasePath ?? ':memory:');
  // Tests send bursts from one address and key; the rate-limit tests set their own limit.
  const app = await buildApp({
    rateLimitMax: 1_000_000,
    // Tests never ask real DNS: webhook URLs name IP addresses, or a test hands in its own resolver.
    webhookResolver: offlineResolver,
    ...appOptions,
    databasePath,
  });
  if (seed) loadSeedFile(app.db);
  const service = createKeysService(app.db);
  const keys = {
    admin: service.create('test admin', 'admin').key,
    editor: service.create('test editor', 'editor').key,
    reader: service.create('test reader', 'reader').key,
  };
  await app.ready();
  return {
    app,
    api: supertest.agent(app.server).set('authorization', `Bearer ${keys.admin}`),
    anonymous: supertest.agent(app.server),
    keys,
    databasePath,
    close: async () => {
      await app.close();
      if (folder) rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** A response body, checked field by field by the assertions that read it. */
// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions themselves
export type Json = any;

/**
 * A fresh app for every test of the file (built before each, closed after): the returned context always
 * stands for the current test's app.
 */
export function useFreshApp(options: Parameters<typeof buildTestApp>[0] = {}): TestContext {
  let current: TestContext | undefined;
  beforeEach(async () => {
    current = await buildTestApp(options);
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return new Proxy({} as TestContext, {
    get(_target, property) {
      if (!current) throw new Error('the test app exists only inside a test');
      return Reflect.get(current, property);
    },
  });
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

/**
 * Asserts a whole problem response: the status, the problem+json content type, and the body, which must
 * be exactly the common members (type, status, code, instance, a request id) plus `members`.
 */
export function expectProblem(
  res: { status: number; headers: Record<string, unknown>; body: unknown },
  status: number,
  code: string,
  instance: string,
  members: Record<string, unknown>,
) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toEqual({
    ...expectedProblem(status, code, instance),
    requestId: expect.any(String),
    ...members,
  });
}
