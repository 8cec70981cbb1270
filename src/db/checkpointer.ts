import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

export interface Checkpointer {
  stop(): Promise<void>;
}

// The worker's code, evaluated as CommonJS so that it runs the same under tsx and compiled; it loads the
// driver by the absolute path the server resolved.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
// A passive checkpoint never waits for a lock; a busy file is simply tried again at the next tick.
db.pragma('busy_timeout = 0');
db.pragma('synchronous = FULL');
// A checkpoint copies frames from the WAL file to the database file: it needs next to no page cache.
db.pragma('cache_size = -512');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const timer = setInterval(() => {
  try {
    checkpoint.run();
  } catch (error) {
    parentPort.postMessage({ error: String(error) });
  }
}, workerData.everyMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * Moves WAL checkpoints off the server's thread. With SQLite's automatic checkpoint, the commit that takes
 * the WAL past 1,000 pages also copies them into the database file and fsyncs it, on the thread that serves
 * requests: under a stream of writes, a stall of tens of milliseconds every few batches, and a large share
 * of the write path's time. Here the connection's automatic checkpoint is off and a worker thread with its own
 * connection runs a PASSIVE checkpoint every `everyMs` (a PASSIVE checkpoint takes no lock that a writer or a
 * reader waits for). If the worker fails, automatic checkpoints are turned back on.
 */
export function startCheckpointer(
  sqlite: Database.Database,
  path: string,
  options: { everyMs?: number; onError?: (message: string) => void } = {},
): Checkpointer {
  // Resetting the WAL after a complete checkpoint also truncates it to this size.
  sqlite.pragma('journal_size_limit = 67108864');
  sqlite.pragma('wal_autocheckpoint = 0');
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { driver, path, everyMs: options.everyMs ?? 200 },
    // It allocates next to nothing: a young generation of the default size (tens of MB) would only hold memory.
    resourceLimits: { maxYoungGenerationSizeMb: 1 },
  });
  worker.unref();
  let stopped = false;
  const fallBack = (message: string) => {
    options.onError?.(message);
    if (!stopped && sqlite.open) sqlite.pragma('wal_autocheckpoint = 1000');
  };
  worker.on('message', (m: { error?: string }) => {
    if (m.error) options.onError?.(`WAL checkpoint failed: ${m.error}`);
  });
  worker.on('error', (error) => fallBack(`WAL checkpointer stopped: ${error.message}`));
  worker.on('exit', (code) => {
    if (!stopped) fallBack(`WAL checkpointer exited (${code})`);
  });
  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage('stop');
      const timer = setTimeout(() => void worker.terminate(), 2_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
