import { parentPort, workerData } from 'node:worker_threads';
import { openReadOnlyDatabase } from '../../db/client.js';
import { ProblemError } from '../../errors.js';
import { createSearchRepository } from './search.repository.js';
import type { SearchJob, SearchReply } from './search.service.js';

// A search worker: its own read-only connection, one query at a time, so that no query can hold up the
// service's event loop. See search.service.ts for how queries reach it.
const port = parentPort;
if (!port) throw new Error('search.worker.ts runs as a worker thread');
const db = openReadOnlyDatabase((workerData as { databasePath: string }).databasePath);
const repository = createSearchRepository(db);

port.on('message', (message: SearchJob | { close: true }) => {
  if ('close' in message) {
    db.$client.close();
    port.close();
    return;
  }
  let reply: SearchReply;
  try {
    reply = {
      id: message.id,
      ok: true,
      result: repository.search(message.filter, message.deadline, message.budgetMs),
    };
  } catch (error) {
    reply =
      error instanceof ProblemError
        ? {
            id: message.id,
            ok: false,
            problem: { code: error.code, detail: error.message, extras: error.extras },
          }
        : {
            id: message.id,
            ok: false,
            error: error instanceof Error ? (error.stack ?? error.message) : String(error),
          };
  }
  port.postMessage(reply);
});
port.postMessage({ ready: true });
