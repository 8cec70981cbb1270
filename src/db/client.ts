import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { migrationsDir } from '../paths.js';
import { StartupError } from '../startup-errors.js';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export function isMemoryPath(path: string): boolean {
  return path === ':memory:' || path.startsWith('file::memory:');
}

export interface OpenOptions {
  /**
   * How long one statement waits, blocking the thread, for a lock another connection holds. The server keeps
   * it short (its writes wait asynchronously instead, see plugins/storage.ts); command-line tools may wait.
   */
  busyTimeoutMs?: number;
  /** Create the file (and its folder) when it does not exist; otherwise a missing file is an error. */
  create?: boolean;
  /**
   * Refresh planner statistics after migrating (the server does, at start-up). It may ANALYZE, holding the
   * write lock for seconds on a large file: command-line tools run against a live server skip it.
   */
  optimize?: boolean;
}

/** Opens the database, sets the pragmas every connection needs, and applies the committed migrations. */
export function openDatabase(path: string, options: OpenOptions = {}): Db {
  const { busyTimeoutMs = 5000, create = true, optimize = true } = options;
  if (!isMemoryPath(path) && !existsSync(path)) {
    if (!create) {
      throw new StartupError(
        'DATABASE_PATH',
        `DATABASE_PATH=${path} does not exist${existsSync(dirname(path) || '.') ? '' : `, nor does its folder ${dirname(path)}`}. ` +
          'Point DATABASE_PATH at the existing database file, or set CREATE_DATABASE=true to start a new, empty one there.',
      );
    }
    mkdirSync(dirname(path), { recursive: true });
  }
  const sqlite = new Database(path);
  try {
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
    if (!isMemoryPath(path)) {
      sqlite.pragma('journal_mode = WAL');
      sqlite.pragma('synchronous = FULL');
    }
    const db = drizzle(sqlite, { schema });
    migrate(db, { migrationsFolder: migrationsDir });
    // Planner statistics for indexes that lack them (a new index after a migration): without them SQLite
    // guessed an index that forced a sort of a whole event for GET /claims?event=. Cheap when nothing is
    // missing; see https://sqlite.org/lang_analyze.html#periodically_run_pragma_optimize_
    if (optimize && !isMemoryPath(path)) sqlite.pragma('optimize=0x10002');
    // Statement journals and other temporary files stay in memory: a write that fires triggers (the search
    // index, effective_at) inside the shared transaction otherwise creates and unlinks a file in /var/tmp.
    // Set after migrating, so that an index built by a migration may still sort through temporary files.
    sqlite.pragma('temp_store = MEMORY');
    return db;
  } catch (error) {
    sqlite.close();
    throw error;
  }
}

/**
 * A private read-only connection that sees the database as it is at this moment, whatever is written
 * afterwards (a long export stays consistent while the service keeps writing). For a file, a read
 * transaction on a new connection (WAL readers never block the writer); for an in-memory database, which
 * no other connection can open, a copy of it. Close it with `.$client.close()`.
 */
export function openSnapshot(db: Db): Db {
  const source = db.$client;
  const sqlite = source.memory
    ? new Database(source.serialize())
    : new Database(source.name, { readonly: true, fileMustExist: true });
  if (!source.memory) {
    sqlite.pragma('busy_timeout = 5000');
    sqlite.exec('BEGIN');
    // A deferred transaction takes its snapshot at the first read.
    sqlite.prepare('SELECT count(*) FROM sqlite_schema').get();
  }
  return drizzle(sqlite, { schema });
}
