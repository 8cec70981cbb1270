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
  /** Throws the 503 that refuses writes once storage has failed; returns when writes are taken. */
  admit(): void;
  /**
   * What a write that met `error` (in its work, its BEGIN or its COMMIT) is answered with: a lock another
   * process held too long is a 503, a full disk a 507, an I/O error or corruption a 503 that also stops all
   * writes for good (see `failure`); anything that is not a storage fault is returned as it is.
   */
  writeFault(error: unknown): unknown;
  /** How long a write waits, in all, for a lock another process holds before it is refused (503). */
  readonly writeLockTimeoutMs: number;
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
      admit() {
        if (failure) throw refused();
      },
      writeFault(error: unknown) {
        const fault = sqliteFaultOf(error);
        if (fault === null) return error;
        if (isFatalWriteFault(fault)) fail(error);
        else app.log.warn({ code: sqliteCodeOf(error) }, 'write refused by the database');
        return problemOfSqliteFault(fault, 'write');
      },
      writeLockTimeoutMs: opts.writeLockTimeoutMs,
    } satisfies Storage);
  },
  { name: 'storage', dependencies: ['db'] },
);
