import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase } from '../../src/db/client.js';

export interface ImportResult {
  claims: number;
  command: string;
  /** Wall time of the whole command, npm and tsx start-up included. */
  wallMs: number;
  /** Wall time of `npm run bench -- --noop`: npm, tsx and module loading, no work. */
  baselineMs: number;
  /** The import time the generator reports itself (its `timings: import …` line), when it does. */
  reportedImportMs: number | null;
  /** What the net rate is based on. */
  netBasis: 'generator timing' | 'wall minus start-up baseline';
  /** Rows in every table of the generated file (the full-text index excluded). */
  rows: number;
  rowsByTable: Record<string, number>;
  rowsPerSec: number;
  rowsPerSecNet: number;
  raw: { rows: number; ms: number; rowsPerSec: number; bareRowsPerSec: number };
  /** rowsPerSecNet / raw.rowsPerSec */
  ratio: number;
  ratioGross: number;
}

export type ImportOutcome = ImportResult | { skipped: string };

function timeCommand(
  command: string,
  args: string[],
): Promise<{ ms: number; code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    proc.stdout.on('data', (c: Buffer) => {
      output += c.toString();
    });
    proc.stderr.on('data', (c: Buffer) => {
      output += c.toString();
    });
    proc.once('error', reject);
    proc.once('exit', (code) => resolve({ ms: performance.now() - started, code, output }));
  });
}

const removeDb = (path: string) => {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true });
};

function countRows(path: string): Record<string, number> {
  const db = new Database(path, { readonly: true });
  try {
    const tables = db
      .prepare(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
           AND name NOT LIKE 'search_index%' AND name NOT LIKE '__drizzle%'`,
      )
      .all() as { name: string }[];
    const counts: Record<string, number> = {};
    for (const { name } of tables) {
      counts[name] = (db.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n;
    }
    return counts;
  } finally {
    db.close();
  }
}

/**
 * Raw prepared-statement inserts of `rows` claim rows into a scratch file with the service's schema
 * (indexes and full-text triggers) and pragmas (WAL, synchronous=FULL), in one transaction; and the same
 * rows into a bare table without indexes or triggers, for scale.
 */
function rawInsert(dir: string, rows: number) {
  const path = join(dir, `bench-raw-${process.pid}.db`);
  removeDb(path);
  try {
    const db = openDatabase(path);
    const sqlite = db.$client;
    const now = new Date().toISOString();
    const text =
      'The ministry said the drone strike on the facility was carried out by foreign forces. '.repeat(20);
    sqlite
      .prepare(
        `INSERT INTO actors (id, name, kind, aliases, search_text, created_at, updated_at)
         VALUES (1, 'Actor', 'state', '[]', 'actor', ?, ?)`,
      )
      .run(now, now);
    sqlite
      .prepare(
        `INSERT INTO events (id, title, kind, search_text, created_at, updated_at) VALUES (1, 'Event', 'strike', 'event', ?, ?)`,
      )
      .run(now, now);
    sqlite
      .prepare(
        `INSERT INTO sources (id, title, retrieved_at, kind, text, sha256, search_text, created_at, updated_at)
         VALUES (1, 'Source', ?, 'news_article', ?, ?, ?, ?, ?)`,
      )
      .run(now, text, 'x'.repeat(64), text.toLowerCase(), now, now);
    const insert = sqlite.prepare(
      `INSERT INTO claims (source_id, claimant_id, event_id, text, stance, modality, quote_exact, quote_prefix,
         quote_suffix, quote_start, quote_end, stated_at, stated_at_precision, created_at, updated_at)
       VALUES (1, 1, 1, ?, 'asserts', 'paraphrase', ?, '', '', 4, 12, ?, 'day', ?, ?)`,
    );
    const started = performance.now();
    sqlite.transaction(() => {
      for (let i = 0; i < rows; i++) {
        insert.run(
          `Claim ${i}: the ministry said the strike was carried out by foreign forces`,
          'ministry',
          now,
          now,
          now,
        );
      }
    })();
    const ms = performance.now() - started;

    sqlite.exec(`CREATE TABLE bare (a INTEGER, b TEXT, c TEXT, d TEXT, e TEXT)`);
    const bare = sqlite.prepare('INSERT INTO bare VALUES (?, ?, ?, ?, ?)');
    const bareStarted = performance.now();
    sqlite.transaction(() => {
      for (let i = 0; i < rows; i++) bare.run(i, `Claim ${i}: the ministry said`, 'ministry', now, now);
    })();
    const bareMs = performance.now() - bareStarted;
    sqlite.close();
    return { rows, ms, rowsPerSec: rows / (ms / 1000), bareRowsPerSec: rows / (bareMs / 1000) };
  } finally {
    removeDb(path);
  }
}

/** Times `npm run bench:data` against raw inserts of as many rows; skipped while the generator is missing. */
export async function measureImport(dir: string, claims: number): Promise<ImportOutcome> {
  if (!existsSync('bench/generate.ts')) return { skipped: 'bench/generate.ts does not exist yet' };
  const out = join(dir, `bench-import-${process.pid}.db`);
  removeDb(out);
  try {
    const args = ['run', '--silent', 'bench:data', '--', '--claims', String(claims), '--out', out];
    const run = await timeCommand('npm', args);
    if (run.code !== 0 || !existsSync(out)) {
      return { skipped: `npm ${args.join(' ')} failed (exit ${run.code}): ${run.output.slice(-500)}` };
    }
    const baseline = await timeCommand('npm', ['run', '--silent', 'bench', '--', '--noop']);
    const rowsByTable = countRows(out);
    const rows = Object.values(rowsByTable).reduce((a, b) => a + b, 0);
    const raw = rawInsert(dir, rows);
    const rowsPerSec = rows / (run.ms / 1000);
    // e.g. "timings: import 2.5s (15,196 rows/s, 7,899 claims/s), ANALYZE 0.0s, integrity_check 0.2s, ..."
    const reported = /timings: import ([\d.]+)s/.exec(run.output);
    const reportedImportMs = reported ? Number(reported[1]) * 1000 : null;
    const netMs = Math.max(1, reportedImportMs ?? run.ms - baseline.ms);
    const rowsPerSecNet = rows / (netMs / 1000);
    return {
      claims,
      command: `npm ${args.join(' ')}`,
      wallMs: run.ms,
      baselineMs: baseline.ms,
      reportedImportMs,
      netBasis: reportedImportMs === null ? 'wall minus start-up baseline' : 'generator timing',
      rows,
      rowsByTable,
      rowsPerSec,
      rowsPerSecNet,
      raw,
      ratio: rowsPerSecNet / raw.rowsPerSec,
      ratioGross: rowsPerSec / raw.rowsPerSec,
    };
  } finally {
    removeDb(out);
  }
}

export interface CommitRate {
  /** Single-row write transactions per second with WAL and synchronous=FULL (the service's settings). */
  full: number;
  /** The same with synchronous=NORMAL, for scale: WAL commits then wait for no fsync. */
  normal: number;
}

/**
 * How many write transactions per second the disk allows at all: each commit with synchronous=FULL waits
 * for an fsync of the WAL, so no single-writer API can create claims one per transaction faster than this.
 */
export function measureCommitRate(dir: string, transactions = 300): CommitRate {
  const path = join(dir, `bench-commit-${process.pid}.db`);
  const rate = (synchronous: 'FULL' | 'NORMAL') => {
    removeDb(path);
    const db = new Database(path);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${synchronous}`);
      db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
      const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
      const write = db.transaction((i: number) => insert.run(`row ${i}`));
      const started = performance.now();
      for (let i = 0; i < transactions; i++) write(i);
      return transactions / ((performance.now() - started) / 1000);
    } finally {
      db.close();
      removeDb(path);
    }
  };
  return { full: rate('FULL'), normal: rate('NORMAL') };
}
