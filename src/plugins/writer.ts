import type Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { sqliteFaultOf } from '../lib/sqlite-errors.js';

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Runs `work` (synchronous: better-sqlite3 transactions cannot span an await) as one all-or-nothing write,
     * and resolves once it is committed and durable. Every route that writes goes through here, so how commits
     * are made (and what happens when one fails) is decided in one place.
     */
    write<T>(work: () => T): Promise<T>;
    /** The group-commit writer behind `write`, for its counters. */
    writer: Writer;
  }
}

export interface WriterOptions {
  /** Most writes in one shared transaction. */
  maxBatch?: number;
  /** Once a batch's writes have run this long, the rest wait for the next batch (reads get a turn). */
  maxBatchMs?: number;
  /**
   * How long the first queued write waits for others to join its commit (like PostgreSQL's commit_delay).
   * 0, the default, commits whatever is queued when the event loop next reaches the writer.
   */
  commitDelayMs?: number;
  /** Throws when writes are refused altogether (after a storage failure): checked as a write is queued. */
  admit?: () => void;
  /**
   * What a write that failed is answered with: storage faults (a full disk, an I/O error on commit, a lock
   * held too long) become their problems, and may stop writes for good; other errors pass through.
   */
  translate?: (error: unknown) => unknown;
  /** Wraps each write's work when it is queued, in the caller's context (idempotency binds the request). */
  bind?: <T>(work: () => T) => () => T;
  /**
   * How long a write waits, in all, for a write lock another process holds (BEGIN IMMEDIATE is busy): the
   * batch is retried without blocking the event loop, and writes waiting longer are refused.
   */
  lockTimeoutMs?: number;
}

export interface WriterStats {
  /** Shared transactions committed. */
  batches: number;
  /** Writes committed (each acknowledged only after its batch's commit). */
  committed: number;
  /** Writes that failed and were rolled back to their savepoint (or lost with a failed commit). */
  failed: number;
  largestBatch: number;
}

export interface Writer {
  write<T>(work: () => T): Promise<T>;
  stats(): WriterStats;
  /** Runs every queued write now (at shutdown, before the database closes). */
  drain(): void;
}

interface Pending {
  work: () => unknown;
  /** When waiting for another process's lock stops (ms since the epoch). */
  deadline: number;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * Group commit. Writes queue up while the event loop is busy; the writer then runs the whole queue in one
 * transaction, each write inside its own SAVEPOINT, and commits once: one WAL append and one fsync
 * (synchronous=FULL) for all of them. A write that throws is rolled back to its savepoint and rejected alone;
 * the others commit. Every promise settles only after COMMIT has returned, i.e. once the batch is durable, and
 * if the commit fails no write of the batch is acknowledged.
 *
 * The transaction is opened, filled and committed within one synchronous turn of the event loop, so no other
 * request ever runs while it is open: reads on this same connection never see a batch's uncommitted rows,
 * and no second connection is needed. The price is that a batch holds the event loop while it runs, which
 * `maxBatch` and `maxBatchMs` bound.
 */
export function createWriter(sqlite: Database.Database, options: WriterOptions = {}): Writer {
  const maxBatch = options.maxBatch ?? 128;
  const maxBatchMs = options.maxBatchMs ?? 25;
  const commitDelayMs = options.commitDelayMs ?? 0;
  const lockTimeoutMs = options.lockTimeoutMs ?? 2_000;
  const translate = options.translate ?? ((error: unknown) => error);
  let lockPause = 0;
  let lastBusy: unknown = null;
  const begin = sqlite.prepare('BEGIN IMMEDIATE');
  const commit = sqlite.prepare('COMMIT');
  const rollback = sqlite.prepare('ROLLBACK');
  // When the connection is already inside a transaction of its caller's (the fuzz test wraps each request in
  // a savepoint it rolls back), a batch nests in it and its durability is that transaction's.
  const nestedBegin = sqlite.prepare('SAVEPOINT batch');
  const nestedCommit = sqlite.prepare('RELEASE batch');
  const nestedRollback = sqlite.prepare('ROLLBACK TO batch');
  const savepoint = sqlite.prepare('SAVEPOINT write');
  const release = sqlite.prepare('RELEASE write');
  const rollbackTo = sqlite.prepare('ROLLBACK TO write');

  const queue: Pending[] = [];
  let scheduled = false;
  const stats: WriterStats = { batches: 0, committed: 0, failed: 0, largestBatch: 0 };

  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    if (commitDelayMs > 0) setTimeout(flush, commitDelayMs);
    else setImmediate(flush);
  };

  /** One write inside the open transaction, all or nothing for itself. */
  function runOne(work: () => unknown): Outcome {
    savepoint.run();
    try {
      const value = work();
      if (value instanceof Promise) {
        value.catch(() => undefined);
        throw new TypeError('app.write() needs synchronous work: a transaction cannot span an await');
      }
      release.run();
      return { ok: true, value };
    } catch (error) {
      // Some errors (SQLITE_FULL, SQLITE_IOERR, ...) roll the whole transaction back by themselves.
      if (sqlite.inTransaction) {
        rollbackTo.run();
        release.run();
      }
      return { ok: false, error };
    }
  }

  function flush() {
    scheduled = false;
    runBatch();
    // What is left (a batch bounded by size or time) waits one turn, so that reads and parsing go on between;
    // a queue waiting for another process's lock waits a little longer.
    if (queue.length > 0) {
      scheduled = true;
      if (lockPause > 0) setTimeout(flush, lockPause);
      else setImmediate(flush);
    }
  }

  function runBatch() {
    const batch: Pending[] = [];
    const outcomes: Outcome[] = [];
    const nested = sqlite.inTransaction;
    try {
      (nested ? nestedBegin : begin).run();
      lockPause = 0;
    } catch (error) {
      if (sqliteFaultOf(error) === 'busy') {
        lastBusy = error;
        // Another process (a backup, a command-line tool) holds the write lock: nothing has run, so the queue
        // waits, off the event loop, and tries again; writes that have waited their time are refused.
        const now = Date.now();
        lockPause = Math.min(Math.max(lockPause * 2, 5), 100);
        for (let i = queue.length - 1; i >= 0; i--) {
          const p = queue[i] as Pending;
          if (p.deadline <= now + lockPause) {
            queue.splice(i, 1);
            stats.failed++;
            p.reject(translate(error));
          }
        }
        return;
      }
      const answer = translate(error);
      for (const p of queue.splice(0)) {
        stats.failed++;
        p.reject(answer);
      }
      return;
    }
    const started = performance.now();
    while (queue.length > 0 && batch.length < maxBatch) {
      if (batch.length > 0 && performance.now() - started >= maxBatchMs) break;
      const next = queue.shift() as Pending;
      batch.push(next);
      outcomes.push(runOne(next.work));
      if (!sqlite.inTransaction) break;
    }
    if (!sqlite.inTransaction) {
      // The transaction was lost under the writes already run: none of them is stored.
      const lost = outcomes.findLast((o) => !o.ok) as { ok: false; error: unknown };
      const answer = translate(lost.error);
      settle(
        batch,
        outcomes.map(() => ({ ok: false, error: answer })),
      );
      return;
    }
    try {
      (nested ? nestedCommit : commit).run();
    } catch (error) {
      abandon(nested);
      const answer = translate(error);
      settle(
        batch,
        batch.map(() => ({ ok: false, error: answer })),
      );
      return;
    }
    stats.batches++;
    stats.largestBatch = Math.max(stats.largestBatch, batch.length);
    settle(batch, outcomes);
  }

  /** Rolls back a batch whose commit failed; the commit's error is the one reported. */
  function abandon(nested: boolean) {
    try {
      if (!sqlite.inTransaction) return;
      if (nested) {
        nestedRollback.run();
        nestedCommit.run();
      } else rollback.run();
    } catch {
      // The connection is failing already (an I/O error): nothing more can be undone from here.
    }
  }

  function settle(batch: Pending[], outcomes: Outcome[]) {
    batch.forEach((p, i) => {
      const outcome = outcomes[i] as Outcome;
      if (outcome.ok) {
        stats.committed++;
        p.resolve(outcome.value);
      } else {
        stats.failed++;
        p.reject(translate(outcome.error));
      }
    });
  }

  return {
    write<T>(work: () => T): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        options.admit?.();
        queue.push({
          work: options.bind ? options.bind(work) : work,
          deadline: Date.now() + lockTimeoutMs,
          resolve: resolve as (value: unknown) => void,
          reject,
        });
        schedule();
      });
    },
    stats: () => ({ ...stats }),
    drain: () => {
      while (queue.length > 0) {
        runBatch();
        // Closing while another process holds the lock: what is still queued cannot wait any longer.
        if (lockPause > 0 && lastBusy !== null) {
          const answer = translate(lastBusy);
          for (const p of queue.splice(0)) p.reject(answer);
        }
      }
    },
  };
}

export const writerPlugin = fp(
  async (app: FastifyInstance, opts: Pick<WriterOptions, 'commitDelayMs' | 'maxBatch' | 'maxBatchMs'>) => {
    const writer = createWriter(app.db.$client, {
      ...opts,
      admit: app.storage.admit,
      translate: app.storage.writeFault,
      lockTimeoutMs: app.storage.writeLockTimeoutMs,
      bind: app.idempotency.bind,
    });
    app.decorate('writer', writer);
    app.decorate('write', writer.write);
    // Writes still queued when the app closes are committed before the database closes (onClose hooks run
    // in reverse order of registration, so this one runs before the db plugin's).
    app.addHook('onClose', async () => {
      if (app.db.$client.open) writer.drain();
    });
  },
  { name: 'writer', dependencies: ['db', 'storage', 'idempotency'] },
);
