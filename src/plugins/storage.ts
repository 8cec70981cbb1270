import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { problem } from '../errors.js';
import {
  isFatalWriteFault,
  problemOfSqliteFault,
  RETRY_AFTER_SECONDS,
  sqliteCodeOf,
  sqliteFaultOf,
} from '../lib/sqlite-errors.js';

declare module 'fastify' {
  interface FastifyInstance {
    storage: Storage;
  }
}

export interface StorageFailure {
  /** The SQLite result code that stopped writes, e.g. `SQLITE_IOERR_FSYNC`. */
  code: string;
  at: string;
}

export interface Storage {
  /** Set once a write met an I/O error or corruption: from then on every write is refused. */
  readonly failure: StorageFailure | null;
  /**
   * Runs one commit (`attempt` is synchronous: it begins, does the work and commits) under the rules for
   * storage faults: a lock held by another process is waited for without blocking the event loop and then
   * answered 503; a full disk is 507; an I/O error stops all writes for good (see `failure`).
   */
  commit<T>(attempt: () => T): Promise<T>;
}

export interface StorageOptions {
  /** How long a write waits, in all, for a lock another process holds before it is refused (503). */
  writeLockTimeoutMs: number;
  /** Called once, when writes stop after a storage failure: the server exits so that recovery runs. */
  onFailure?: ((failure: StorageFailure) => void) | undefined;
}

/**
 * Storage faults on the write path, decided in one place. After an fsync or other I/O error on commit the
 * state of the file is unknown (the kernel may have dropped the pages it failed to write, or written them
 * anyway), so, as PostgreSQL does, the service stops taking writes and asks to be restarted: what is on disk
 * is then what SQLite's recovery reads from the file, never what this process last believed.
 */
export const storagePlugin = fp(
  async (app: FastifyInstance, opts: StorageOptions) => {
    let failure: StorageFailure | null = null;

    const refused = () =>
      problem(
        'STORAGE_FAILED',
        `Writes are suspended since a storage failure (${failure?.code}) at ${failure?.at}; the service is restarting. Nothing was written.`,
        {},
        { 'retry-after': String(RETRY_AFTER_SECONDS.io) },
      );

    const fail = (error: unknown) => {
      if (failure) return;
      failure = { code: sqliteCodeOf(error), at: new Date().toISOString() };
      app.log.fatal(
        { err: error, code: failure.code },
        'storage failure on a write: refusing writes from now on; restart the service so that SQLite recovers the file',
      );
      opts.onFailure?.(failure);
    };

    app.decorate('storage', {
      get failure() {
        return failure;
      },
      async commit<T>(attempt: () => T): Promise<T> {
        if (failure) throw refused();
        const deadline = Date.now() + opts.writeLockTimeoutMs;
        for (let pause = 5; ; pause = Math.min(pause * 2, 100)) {
          try {
            return attempt();
          } catch (error) {
            const fault = sqliteFaultOf(error);
            if (fault === null) throw error;
            // Transactions begin IMMEDIATE, so a busy lock means the work has not run: trying again is safe.
            if (fault === 'busy' && Date.now() + pause < deadline) {
              await sleep(pause);
              if (failure) throw refused();
              continue;
            }
            if (isFatalWriteFault(fault)) fail(error);
            else app.log.warn({ code: sqliteCodeOf(error) }, 'write refused by the database');
            throw problemOfSqliteFault(fault, 'write');
          }
        }
      },
    } satisfies Storage);
  },
  { name: 'storage', dependencies: ['db'] },
);
