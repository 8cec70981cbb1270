import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase } from '../../src/db/client.js';
import { dropSearchTriggers, rebuildSearchIndex, searchIndexIsKnown } from '../lib/search-index.js';
import { type Spread, spread } from './rounds.js';

/*
 * The bulk import (`npm run bench:data`) against raw prepared INSERTs, on equal terms: the raw side inserts
 * the very rows the generator wrote (read back from its file), table by table in id order, into a fresh
 * database with the same migrations, the same import pragmas (rollback journal in memory, synchronous=OFF,
 * 1 GiB of cache, temp_store=MEMORY), the same 20,000 rows per transaction and foreign keys on, and fills the
 * search index the same way the generator did (dropped triggers and one rebuild at the end, or the triggers
 * themselves). Both sides are timed from the first insert to the filled search index; the generator's time
 * also holds everything it does per row (writing the texts, zod validation, anchoring every quote), which is
 * what the comparison is about. ANALYZE and the integrity checks, which only the generator runs, are not in it.
 */

export interface ImportResult {
  claims: number;
  rows: number;
  rounds: number;
  /** Rows per second, per round. */
  generator: Spread;
  raw: Spread;
  /** generator / raw, per round (paired). */
  ratio: Spread;
  searchIndex: 'one rebuild at the end' | 'triggers, row by row';
  note: string;
}

export type ImportOutcome = ImportResult | { skipped: string };

const BATCH = 20_000;
const TABLES = [
  'actors',
  'events',
  'event_parties',
  'sources',
  'claims',
  'claim_reported_via',
  'attributions',
  'claim_links',
] as const;

function run(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    proc.stdout.on('data', (c: Buffer) => {
      output += c.toString();
    });
    proc.stderr.on('data', (c: Buffer) => {
      output += c.toString();
    });
    proc.once('error', reject);
    proc.once('exit', (code) => resolve({ code, output }));
  });
}

const removeDb = (path: string) => {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true });
};

type Rows = { table: string; columns: string[]; values: unknown[][] }[];

function readRows(path: string): Rows {
  const db = new Database(path, { readonly: true });
  try {
    return TABLES.map((table) => {
      const statement = db.prepare(`SELECT * FROM "${table}" ORDER BY rowid`).raw();
      return {
        table,
        columns: statement.columns().map((c) => c.name),
        values: statement.all() as unknown[][],
      };
    });
  } finally {
    db.close();
  }
}

/** The same rows into a fresh database, as the generator's import writes them; returns rows/s. */
function rawImport(dir: string, rows: Rows, rebuild: boolean): number {
  const path = join(dir, `bench-raw-${process.pid}.db`);
  removeDb(path);
  try {
    const sqlite = openDatabase(path).$client;
    sqlite.pragma('journal_mode = MEMORY');
    sqlite.pragma('synchronous = OFF');
    sqlite.pragma('cache_size = -1048576');
    sqlite.pragma('temp_store = MEMORY');
    if (rebuild && !searchIndexIsKnown(sqlite))
      throw new Error('the generator rebuilt an index this code does not know');
    const triggers = rebuild ? dropSearchTriggers(sqlite) : null;
    const started = performance.now();
    let inBatch = 0;
    sqlite.exec('BEGIN');
    for (const { table, columns, values } of rows) {
      const insert = sqlite.prepare(
        `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
      );
      for (const row of values) {
        insert.run(row);
        if (++inBatch === BATCH) {
          sqlite.exec('COMMIT; BEGIN');
          inBatch = 0;
        }
      }
    }
    sqlite.exec('COMMIT');
    if (triggers) rebuildSearchIndex(sqlite, triggers);
    // As the generator does after filling the index through the triggers: one segment, as a rebuild leaves it.
    else sqlite.exec("INSERT INTO search_index (search_index) VALUES ('optimize')");
    const ms = performance.now() - started;
    sqlite.close();
    const total = rows.reduce((n, t) => n + t.values.length, 0);
    return total / (ms / 1000);
  } finally {
    removeDb(path);
  }
}

/** Rounds of `npm run bench:data -- --claims <n>` and of the raw baseline, interleaved. */
export async function measureImport(
  dir: string,
  claims: number,
  rounds: number,
  log: (line: string) => void,
): Promise<ImportOutcome> {
  if (!existsSync('bench/generate.ts')) return { skipped: 'bench/generate.ts does not exist' };
  const out = join(dir, `bench-import-${process.pid}.db`);
  const generator: number[] = [];
  const raw: number[] = [];
  let rows: Rows | null = null;
  let rebuild = true;
  try {
    for (let round = 1; round <= rounds; round++) {
      removeDb(out);
      const args = ['run', '--silent', 'bench:data', '--', '--claims', String(claims), '--out', out];
      const result = await run('npm', args);
      const line = /timings-ms: (\{.*\})/.exec(result.output)?.[1];
      if (result.code !== 0 || !line) {
        return {
          skipped: `npm ${args.join(' ')} failed (exit ${result.code}): ${result.output.slice(-500)}`,
        };
      }
      const t = JSON.parse(line) as {
        import: number;
        searchIndex: number;
        rows: number;
        ftsRebuild: boolean;
      };
      rebuild = t.ftsRebuild;
      generator.push(t.rows / ((t.import + t.searchIndex) / 1000));
      rows ??= readRows(out);
      raw.push(rawImport(dir, rows, rebuild));
      log(
        `  round ${round}: generator ${Math.round(generator.at(-1) as number).toLocaleString('en-US')} rows/s, ` +
          `raw ${Math.round(raw.at(-1) as number).toLocaleString('en-US')} rows/s`,
      );
    }
  } finally {
    removeDb(out);
  }
  const total = rows?.reduce((n, t) => n + t.values.length, 0) ?? 0;
  const searchIndex = rebuild ? 'one rebuild at the end' : 'triggers, row by row';
  return {
    claims,
    rows: total,
    rounds,
    generator: spread(generator),
    raw: spread(raw),
    ratio: spread(generator.map((g, i) => g / (raw[i] as number))),
    searchIndex,
    note:
      `${total.toLocaleString('en-US')} rows (${claims.toLocaleString('en-US')} claims) per round; the generator against raw ` +
      'prepared INSERTs of the same rows with the same pragmas, batches and foreign keys; both sides fill the search ' +
      `index (${searchIndex}) inside the time measured.`,
  };
}

export interface CommitRate {
  /** Single-row write transactions per second with WAL and synchronous=FULL (the service's settings). */
  full: number;
  /** The same with synchronous=NORMAL, for scale: WAL commits then wait for no fsync. */
  normal: number;
}

/**
 * How many write transactions per second the disk allows at all: each commit with synchronous=FULL waits
 * for an fsync of the WAL, so a writer that commits once per request cannot go faster than this.
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
