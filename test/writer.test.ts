import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWriter } from '../src/plugins/writer.js';
import { buildTestApp, expectProblem, type TestContext } from './helpers/app.js';
import { createActor, createSource } from './helpers/factories.js';

/*
 * Group commit (src/plugins/writer.ts): writes queued together share one transaction and one commit, and each
 * stays all-or-nothing for itself. Nothing here is timed; the counters say how writes were grouped.
 */

describe('the group-commit writer', () => {
  let dir: string;
  let path: string;
  let db: Database.Database;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'claimledger-writer-'));
    path = join(dir, 'writer.db');
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(`CREATE TABLE parent (id INTEGER PRIMARY KEY);
             CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,
               parent_id INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);
             INSERT INTO parent (id) VALUES (1);`);
    db.pragma('foreign_keys = ON');
  });

  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const insert = (name: string, parentId: number | null = 1) =>
    db.prepare('INSERT INTO item (name, parent_id) VALUES (?, ?)').run(name, parentId).lastInsertRowid;
  const names = (from: Database.Database = db) =>
    (from.prepare('SELECT name FROM item ORDER BY id').pluck().all() as string[]).join(',');

  it('commits writes queued together in one transaction; a failing one leaves nothing and fails alone', async () => {
    const writer = createWriter(db);
    const results = await Promise.allSettled([
      writer.write(() => insert('a')),
      writer.write(() => {
        insert('b'); // stored, then undone: this write fails after it
        insert('c');
        throw new Error('refused after two inserts');
      }),
      writer.write(() => insert('a')), // UNIQUE violation: an SQLite error, also rolled back alone
      writer.write(() => insert('d')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('refused after two inserts');
    expect((results[2] as PromiseRejectedResult).reason.code).toBe('SQLITE_CONSTRAINT_UNIQUE');
    expect(names()).toBe('a,d');
    expect(writer.stats()).toEqual({ batches: 1, committed: 2, failed: 2, largestBatch: 4 });
  });

  it('settles a write only once its batch is committed: another connection already sees it', async () => {
    const writer = createWriter(db);
    const other = new Database(path, { readonly: true });
    try {
      const seen: string[] = [];
      await Promise.all(
        ['x', 'y', 'z'].map((name) =>
          writer
            .write(() => insert(name))
            .then(() => {
              seen.push(names(other));
            }),
        ),
      );
      // Each acknowledgement came after the shared commit: all three rows were visible to every one of them.
      expect(seen).toEqual(['x,y,z', 'x,y,z', 'x,y,z']);
      expect(writer.stats().batches).toBe(1);
    } finally {
      other.close();
    }
  });

  it('acknowledges none of a batch whose commit fails, and stores none of it', async () => {
    const writer = createWriter(db);
    const results = await Promise.allSettled([
      writer.write(() => insert('p')),
      // A deferred foreign key is only checked at COMMIT: the shared commit fails.
      writer.write(() => insert('q', 999)),
      writer.write(() => insert('r')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const r of results) {
      expect((r as PromiseRejectedResult).reason.code).toBe('SQLITE_CONSTRAINT_FOREIGNKEY');
    }
    expect(db.inTransaction).toBe(false);
    expect(names()).toBe('');
    // The writer goes on: the next batch commits.
    await writer.write(() => insert('s'));
    expect(names()).toBe('s');
    expect(writer.stats()).toEqual({ batches: 1, committed: 1, failed: 3, largestBatch: 1 });
  });

  it('bounds a batch by size; what is left commits in the next batches, in order', async () => {
    const writer = createWriter(db, { maxBatch: 2 });
    await Promise.all(['1', '2', '3', '4', '5'].map((n) => writer.write(() => insert(n))));
    expect(names()).toBe('1,2,3,4,5');
    expect(writer.stats()).toMatchObject({ batches: 3, committed: 5, largestBatch: 2 });
  });

  it('refuses asynchronous work, which a transaction cannot span, and undoes what it did', async () => {
    const writer = createWriter(db);
    await expect(
      writer.write(async () => {
        insert('late');
      }),
    ).rejects.toThrow(/synchronous work/);
    expect(names()).toBe('');
  });

  it('waits commitDelayMs for more writes to share a commit', async () => {
    const writer = createWriter(db, { commitDelayMs: 30 });
    const first = writer.write(() => insert('early'));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = writer.write(() => insert('later'));
    await Promise.all([first, second]);
    expect(writer.stats()).toMatchObject({ batches: 1, committed: 2 });
  });

  it('nests in a transaction its caller already holds, whose outcome it then follows', async () => {
    const writer = createWriter(db);
    db.exec('SAVEPOINT caller');
    await writer.write(() => insert('inner'));
    expect(db.inTransaction).toBe(true);
    db.exec('ROLLBACK TO caller; RELEASE caller');
    expect(names()).toBe('');
  });
});

describe('group commit through the API', () => {
  let ctx: TestContext;

  beforeEach(async () => {
    // A commit delay makes the grouping certain: every request below joins the same batch.
    ctx = await buildTestApp({ writeCommitDelayMs: 100 });
  });

  afterEach(async () => {
    await ctx.close();
  });

  it('stores the requests of a batch that succeed, with their audit records, and nothing of the one that fails', async () => {
    const source = await createSource(ctx.api);
    const relay = await createActor(ctx.api, { name: 'Islamic Republic News Agency', kind: 'media_outlet' });
    const sqlite = ctx.app.db.$client;
    const count = (sql: string) => (sqlite.prepare(sql).get() as { n: number }).n;
    const eventsBefore = count('SELECT count(*) AS n FROM events');
    const auditBefore = count('SELECT count(*) AS n FROM audit_log');
    const before = ctx.app.writer.stats();

    const [claim, event, actor] = await Promise.all([
      ctx.api.post('/claims').send({
        sourceId: source.id,
        text: 'A workshop was targeted by micro drones.',
        stance: 'asserts',
        modality: 'paraphrase',
        quote: { exact: 'targeted by micro drones' },
        reportedViaIds: [relay.id],
      }),
      // Fails after its event row is inserted: the second party names an actor that does not exist.
      ctx.api.post('/events').send({
        title: 'Drone attack in Isfahan',
        kind: 'drone_attack',
        parties: [
          { actorId: relay.id, role: 'other' },
          { actorId: 999_999, role: 'accused' },
        ],
      }),
      ctx.api.post('/actors').send({ name: 'Tehran Times', kind: 'media_outlet' }),
    ]);

    const after = ctx.app.writer.stats();
    expect(after.batches - before.batches).toBe(1);
    expect(after.committed - before.committed).toBe(2);
    expect(after.failed - before.failed).toBe(1);

    expect(claim.status).toBe(201);
    expect(actor.status).toBe(201);
    expectProblem(event, 422, 'REFERENCE_NOT_FOUND', '/events', {
      title: expect.any(String),
      detail: 'Actor 999999 does not exist.',
      errors: [{ in: 'body', pointer: '/parties/1/actorId', message: 'Actor 999999 does not exist.' }],
    });

    // The two that succeeded are stored as acknowledged, each with its audit record.
    expect((await ctx.api.get(`/claims/${claim.body.id}`)).body).toEqual(claim.body);
    expect((await ctx.api.get(`/actors/${actor.body.id}`)).body).toEqual(actor.body);
    const audit = await ctx.api.get('/audit?operation=create&limit=100');
    const created = audit.body.data.map((e: { resource: string; resourceId: number }) => [
      e.resource,
      e.resourceId,
    ]);
    expect(created).toContainEqual(['claim', claim.body.id]);
    expect(created).toContainEqual(['actor', actor.body.id]);

    // The failed one left nothing: no event, no party, no audit record, no search text.
    expect(count('SELECT count(*) AS n FROM events')).toBe(eventsBefore);
    expect(count('SELECT count(*) AS n FROM event_parties')).toBe(0);
    expect(count('SELECT count(*) AS n FROM audit_log')).toBe(auditBefore + 2);
    expect(created.filter(([resource]: [string]) => resource === 'event')).toEqual([]);
    expect((await ctx.api.get('/events')).body.data).toEqual([]);
  });
});
