import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { loadConfig } from '../config.js';
import { StartupError } from '../startup-errors.js';
import { fail, parseCommandLine, runCommand } from './command-line.js';

const usage = `Copy the live database at DATABASE_PATH to <file>, consistently, while the server runs, then check the copy.

usage: npm run db:backup -- <file>

  <file>  where to write the copy; its folder is created; an existing file is never overwritten`;

/** Pages copied per step (4 MiB at SQLite's default page size); the read lock is let go between steps. */
const PAGES_PER_STEP = 1_000;
/** A write by the server during the copy restarts it; after this many restarts, copy in one step. */
const MAX_RESTARTS = 3;

const { positionals } = parseCommandLine(usage, {});
const [target, ...extra] = positionals;
if (!target) fail(usage);
if (extra.length > 0) fail(`unexpected argument ${extra[0]}; see --help`);
if (existsSync(target)) fail(`${target} exists; refusing to overwrite it.`);

let databasePath: string | undefined;
await runCommand(
  'db:backup',
  async () => {
    databasePath = loadConfig(process.env).databasePath;
    if (!existsSync(databasePath)) {
      throw new StartupError(
        'DATABASE_PATH',
        `DATABASE_PATH=${databasePath} does not exist: nothing to back up.`,
      );
    }
    // Read-only, without migrating or analysing: the backup only ever takes SQLite's read lock on the live
    // file, which in WAL mode never blocks the server's writes.
    const source = new Database(databasePath, { readonly: true, fileMustExist: true });
    const out = resolve(target);
    mkdirSync(dirname(out), { recursive: true });
    try {
      const started = Date.now();
      let restarts = 0;
      let lastRemaining = Number.POSITIVE_INFINITY;
      await source.backup(out, {
        progress({ totalPages, remainingPages }) {
          if (remainingPages > lastRemaining) restarts++;
          lastRemaining = remainingPages;
          // A busy server keeps changing pages: past a few restarts, take the rest as one read snapshot.
          return restarts > MAX_RESTARTS ? totalPages : PAGES_PER_STEP;
        },
      });
      // One self-contained file: the copy leaves WAL mode, so that no -wal or -shm file goes with it.
      const check = new Database(out, { fileMustExist: true });
      check.pragma('journal_mode = DELETE');
      const integrity = check.pragma('integrity_check', { simple: true }) as string;
      check.close();
      if (integrity !== 'ok') throw new Error(`the copy failed its integrity check: ${integrity}`);
      console.log(`Backed up to ${target} in ${Date.now() - started} ms (integrity ok).`);
    } finally {
      source.close();
    }
  },
  () => databasePath,
);
