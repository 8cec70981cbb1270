import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import fastJson from 'fast-json-stringify';
import { ProblemError } from '../../problem-error.js';
import { claimsByIds } from '../claims/claims.reader.js';
import {
  createRenderer,
  type SearchJob,
  type SearchReply,
  type SearchWorkerData,
} from './search.protocol.js';
import { createSearchRepository } from './search.repository.js';

// A search worker: its own read-only connection, one query at a time, so that no query can hold up the
// service's event loop. See search.service.ts for how queries reach it.
//
// It loads no Drizzle, zod or schema (about 7 MB of each worker's memory when it did): the main thread hands
// it the SQL text of the claims select and the JSON Schema of a page, and test/search-worker-imports.test.ts
// keeps its imports so.
const port = parentPort;
if (!port) throw new Error('search.worker.ts runs as a worker thread');
const { databasePath, claimsQuery, pageSchema } = workerData as SearchWorkerData;
// Read-only: nothing it runs can hold the write lock or change the data.
const sqlite = new Database(databasePath, { readonly: true, fileMustExist: true });
sqlite.pragma('busy_timeout = 5000');
const repository = createSearchRepository(sqlite, claimsByIds(sqlite, claimsQuery));
const render = createRenderer(fastJson(pageSchema as Parameters<typeof fastJson>[0]));
port.on('message', (message: SearchJob | { close: true }) => {
  if ('close' in message) {
    sqlite.close();
    port.close();
    return;
  }
  let reply: SearchReply;
  try {
    reply = {
      id: message.id,
      ok: true,
      answer: render(repository.search(message.filter, message.deadline, message.budgetMs)),
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
// The first search a thread answers compiles the code that reads and serializes hits (tens of milliseconds):
// done before the worker says it is ready, so that no query pays for it.
const actor = { id: 1, name: 'Warm-up', kind: 'group' as const };
const source = { id: 1, title: 'Warm-up', url: null, publishedAt: null };
const claim = {
  id: 1,
  text: 'Warm-up',
  stance: 'asserts' as const,
  modality: 'paraphrase' as const,
  statedAt: null,
  statedAtPrecision: null,
  claimant: actor,
  source,
  event: { id: 1, title: 'Warm-up' },
  reportedVia: [actor],
  quote: { exact: 'Warm-up', prefix: '', suffix: '', start: 0, end: 7, verified: true },
  credibility: null,
  retraction: null,
  createdAt: '2023-01-01T00:00:00.000Z',
  updatedAt: '2023-01-01T00:00:00.000Z',
};
const hit = { rank: null, snippet: 'Warm-up', highlights: [[0, 4]] as [number, number][] };
for (let i = 0; i < 3; i++) {
  render({
    data: [
      { kind: 'claim', ...hit, claim, source },
      { kind: 'source', ...hit, claim: null, source },
    ],
    next: { order: 'newest', before: 1 },
    order: 'newest',
    complete: true,
    ranked: null,
    notice: null,
  });
  repository.search({ q: 'warm', order: 'newest', limit: 20 }, Date.now() + 1000, 1000);
}
port.postMessage({ ready: true });
