import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, expectProblem, type TestContext } from './helpers/app.js';
import { createSource } from './helpers/factories.js';
import { injectFsyncErrors, straceAvailable } from './helpers/faults.js';

// Storage faults met by the app in this process, on a real database file: a write lock held by another
// connection, a full database, and (with strace) fsync failing with EIO under a commit.

let dir: string;
let ctx: TestContext | undefined;
const failures: unknown[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'claimledger-storage-'));
  failures.length = 0;
});
afterEach(async () => {
  await ctx?.close();
  ctx = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const onFile = (options: Parameters<typeof buildTestApp>[0] = {}) =>
  buildTestApp({
    databasePath: join(dir, 'live.db'),
    onStorageFailure: (failure) => failures.push(failure),
    ...options,
  });

const actorNames = (c: TestContext) =>
  (c.app.db.$client.prepare('SELECT name FROM actors ORDER BY id').pluck().all() as string[]) ?? [];

describe('a write lock held by another process', () => {
  it('keeps the server’s own lock wait short, so that a statement never freezes the event loop', async () => {
    ctx = await onFile();
    expect(ctx.app.db.$client.pragma('busy_timeout', { simple: true })).toBe(20);
  });

  it('answers 503 DATABASE_BUSY with Retry-After once the wait runs out, while reads go on', async () => {
    ctx = await onFile({ writeLockTimeoutMs: 300 });
    const holder = new Database(join(dir, 'live.db'));
    try {
      // BEGIN IMMEDIATE takes the write lock at once, as `npm run keys` or any other writer would.
      holder.exec('BEGIN IMMEDIATE');
      const pending = ctx.api.post('/actors').send({ name: 'Blocked', kind: 'group' });
      // While the write waits, reads are answered (WAL readers do not wait for the writer).
      const health = await ctx.anonymous.get('/health');
      expect(health.status).toBe(200);
      const list = await ctx.anonymous.get('/actors');
      expect(list.status).toBe(200);
      expect(holder.inTransaction).toBe(true);
      const res = await pending;
      expectProblem(res, 503, 'DATABASE_BUSY', '/actors', {
        title: 'The database is busy',
        detail: expect.stringContaining('holds the database’s write lock'),
      });
      expect(res.headers['retry-after']).toBe('1');
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    expect(actorNames(ctx)).toEqual([]);
    // A busy lock is not a storage failure: writes go on once it is released.
    expect(failures).toEqual([]);
    const after = await ctx.api.post('/actors').send({ name: 'After', kind: 'group' });
    expect(after.status).toBe(201);
    expect((await ctx.anonymous.get('/health/ready')).status).toBe(200);
  });

  it('lets a write through when the lock is released within the wait', async () => {
    ctx = await onFile({ writeLockTimeoutMs: 2_000 });
    const holder = new Database(join(dir, 'live.db'));
    holder.exec('BEGIN IMMEDIATE');
    const pending = ctx.api
      .post('/actors')
      .set('idempotency-key', 'waited')
      .send({ name: 'Waited', kind: 'group' });
    setTimeout(() => {
      holder.exec('COMMIT');
      holder.close();
    }, 150);
    const res = await pending;
    expect(res.status).toBe(201);
    expect(actorNames(ctx)).toEqual(['Waited']);
    // The idempotency record committed with it: a retry replays.
    const retry = await ctx.api
      .post('/actors')
      .set('idempotency-key', 'waited')
      .send({ name: 'Waited', kind: 'group' });
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(actorNames(ctx)).toEqual(['Waited']);
  });
});

describe('a full database', () => {
  it('answers 507 DISK_FULL, stores nothing, and takes writes again once there is room', async () => {
    ctx = await onFile();
    const db = ctx.app.db.$client;
    const pages = db.pragma('page_count', { simple: true }) as number;
    // SQLite answers SQLITE_FULL as it does on a full disk once the file may not grow.
    db.pragma(`max_page_count = ${pages}`);
    const big = { title: 'Big', kind: 'other', text: 'x'.repeat(200_000) };
    const res = await ctx.api.post('/sources').set('idempotency-key', 'full-1').send(big);
    expectProblem(res, 507, 'DISK_FULL', '/sources', {
      title: 'The disk is full',
      detail: 'The disk holding the database is full; nothing was written. Retry once space has been freed.',
    });
    expect(res.headers['retry-after']).toBe('60');
    expect(db.prepare('SELECT count(*) FROM sources').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM audit_log').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM idempotency_records').pluck().get()).toBe(0);
    // Not a failure of the storage: reads, health and readiness stay up.
    expect(failures).toEqual([]);
    expect((await ctx.anonymous.get('/health/ready')).status).toBe(200);

    db.pragma('max_page_count = 1073741823');
    const retry = await ctx.api.post('/sources').set('idempotency-key', 'full-1').send(big);
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect(db.prepare('SELECT count(*) FROM sources').pluck().get()).toBe(1);
  });
});

describe('fsync failing with EIO under a commit (strace)', () => {
  it('answers 503 STORAGE_FAILED, then refuses every write, fails health and readiness, and asks to restart', async () => {
    expect(straceAvailable()).toBeNull();
    ctx = await onFile();
    const c = ctx;
    await createSource(c.api);
    const injection = await injectFsyncErrors(process.pid);
    let res: Awaited<ReturnType<typeof c.api.post>>;
    try {
      res = await c.api
        .post('/actors')
        .set('idempotency-key', 'eio-1')
        .send({ name: 'Doomed', kind: 'group' });
      expect(injection.injected()).toBeGreaterThan(0);
    } finally {
      await injection.stop();
    }
    expectProblem(res, 503, 'STORAGE_FAILED', '/actors', {
      title: 'The storage failed',
      detail: expect.stringContaining('may or may not have been stored'),
    });
    expect(res.headers['retry-after']).toBe('10');
    expect(failures).toEqual([{ code: 'SQLITE_IOERR_FSYNC', at: expect.any(String) }]);

    // fsync works again, but nothing is written until a restart has recovered the file.
    const next = await c.api.post('/actors').send({ name: 'Later', kind: 'group' });
    expectProblem(next, 503, 'STORAGE_FAILED', '/actors', {
      title: 'The storage failed',
      detail: expect.stringMatching(/^Writes are suspended since a storage failure \(SQLITE_IOERR_FSYNC\)/),
    });
    const patch = await c.api.patch('/sources/1').send({ title: 'Renamed' });
    expect(patch.status).toBe(503);
    for (const path of ['/health', '/health/ready']) {
      const probe = await c.anonymous.get(path);
      expectProblem(probe, 503, 'STORAGE_FAILED', path, {
        title: 'The storage failed',
        detail: expect.stringContaining('the service is restarting'),
      });
    }
    // Reads of what was committed before go on meanwhile.
    expect((await c.anonymous.get('/sources/1')).status).toBe(200);
    expect(failures).toHaveLength(1);
  });
});
