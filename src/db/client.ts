import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { migrationsDir } from '../paths.js';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export function isMemoryPath(path: string): boolean {
  return path === ':memory:' || path.startsWith('file::memory:');
}

/** Opens the database, sets the pragmas every connection needs, and applies the committed migrations. */
export function openDatabase(path: string): Db {
  if (!isMemoryPath(path)) mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  if (!isMemoryPath(path)) {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = FULL');
  }
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: migrationsDir });
  // Planner statistics for indexes that lack them (a new index after a migration): without them SQLite
  // guessed an index that forced a sort of a whole event for GET /claims?event=. Cheap when nothing is
  // missing; see https://sqlite.org/lang_analyze.html#periodically_run_pragma_optimize_
  if (!isMemoryPath(path)) sqlite.pragma('optimize=0x10002');
  // Statement journals and other temporary files stay in memory: a write that fires triggers (the search
  // index, effective_at) inside the shared transaction otherwise creates and unlinks a file in /var/tmp.
  // Set after migrating, so that an index built by a migration may still sort through temporary files.
  sqlite.pragma('temp_store = MEMORY');
  return db;
}
