import { Worker } from 'node:worker_threads';
import { type Db, isMemoryPath } from '../../db/client.js';
import { ProblemError } from '../../errors.js';
import { responseJsonSchema, serializerCompiler } from '../../lib/serializer.js';
import { claimsByIds } from '../claims/claims.reader.js';
import { claimsByIdsQuery } from '../claims/claims.repository.js';
import {
  createRenderer,
  type SearchAnswer,
  type SearchJob,
  type SearchReply,
  type SearchWorkerData,
} from './search.protocol.js';
import { createSearchRepository, type SearchFilter, type SearchResult } from './search.repository.js';
import { SearchPage } from './search.schemas.js';

const render = createRenderer(
  serializerCompiler({ schema: SearchPage, method: 'GET', url: '/search', httpStatus: '200' }),
);

export interface SearchServiceOptions {
  db: Db;
  databasePath: string;
  /** Worker threads, each with its own read-only connection; 0 searches on the service's own connection. */
  workers: number;
  /** How long a query may read before it answers with what it has. */
  budgetMs: number;
  /**
   * How long past its budget a query may hold its worker (a single long step of SQLite, such as a one-letter
   * prefix over the whole index) before it is answered without results and its worker replaced.
   */
  graceMs: number;
}

export interface SearchService {
  /** `worker`: off the event loop; `in-process`: on the service's connection (in-memory databases, or 0 workers). */
  readonly mode: 'worker' | 'in-process';
  search(filter: SearchFilter): Promise<SearchAnswer>;
  /** Resolves once every worker has opened its connection. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** Workers left finishing an abandoned query, beyond which no replacement is started until one ends. */
const MAX_ABANDONED = 2;

/** What a query that ran out of time answers when nothing could be read in time. */
function outOfTime(filter: SearchFilter, budgetMs: number): SearchResult {
  return {
    data: [],
    next: null,
    order: filter.order,
    complete: false,
    ranked: filter.order === 'relevance' ? 0 : null,
    notice:
      `The search did not finish within its time budget (${budgetMs} ms) and found nothing in time. ` +
      'Narrow the query: a very short prefix (a*) or a rare filter with common words reads most of the index.',
  };
}

/**
 * Runs searches off the event loop in worker threads with their own read-only connections, so that no query can
 * stall other requests. A database in memory cannot be opened by another thread: there, search runs on the
 * service's own connection (the time budget still applies between rows, but a query holds the event loop while
 * it runs).
 */
export function createSearchService(options: SearchServiceOptions): SearchService {
  if (options.workers <= 0 || isMemoryPath(options.databasePath)) {
    const sqlite = options.db.$client;
    const repository = createSearchRepository(sqlite, claimsByIds(sqlite, claimsByIdsQuery(options.db)));
    return {
      mode: 'in-process',
      search: async (filter) =>
        render(repository.search(filter, Date.now() + options.budgetMs, options.budgetMs)),
      ready: async () => {},
      close: async () => {},
    };
  }
  return createWorkerPool(options);
}

interface Job {
  job: SearchJob;
  resolve(answer: SearchAnswer): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

interface Slot {
  worker: Worker;
  ready: Promise<void>;
  isReady: boolean;
  running: Job | null;
}

/** The worker module: compiled JavaScript in production; TypeScript through tsx when the service runs from source. */
function startWorker(workerData: SearchWorkerData): Worker {
  // A search allocates a page's worth of short-lived objects and keeps little: a page and the ids of a
  // relevance window, a few MB. A young generation of 2 MB and an old one capped at 32 MB are collected before
  // they grow (left to V8, a busy worker's heap grew by some 40 MB of garbage; at 8 and 64 MB each worker still
  // held about 7 MB more under load, for searches about 3% faster); a worker that still ran out would be
  // replaced, its search answered as failed.
  const resourceLimits = { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 32 };
  if (!import.meta.url.endsWith('.ts')) {
    return new Worker(new URL('./search.worker.js', import.meta.url), { workerData, resourceLimits });
  }
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./search.worker.ts', import.meta.url).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true, workerData, resourceLimits });
}

function createWorkerPool(options: SearchServiceOptions): SearchService {
  const workerData: SearchWorkerData = {
    databasePath: options.databasePath,
    claimsQuery: claimsByIdsQuery(options.db),
    pageSchema: responseJsonSchema(SearchPage),
  };
  const slots: Slot[] = [];
  const queue: Job[] = [];
  const abandoned = new Set<Worker>();
  let nextId = 1;
  let closing = false;
  const pending = new Set<Promise<void>>();
  // Workers that died before they were ready, in a row: past three, searching is unavailable (a database that
  // cannot be opened read-only will not open on the fourth try either).
  let failedStarts = 0;
  let broken: string | null = null;

  const unavailable = () =>
    new ProblemError('SERVICE_UNAVAILABLE', `Search is unavailable: ${broken ?? 'the service is closing'}.`);

  function settle(entry: Job, reply: SearchReply) {
    clearTimeout(entry.timer);
    if (reply.ok) entry.resolve(reply.answer);
    else if ('problem' in reply)
      entry.reject(new ProblemError(reply.problem.code, reply.problem.detail, reply.problem.extras));
    else entry.reject(new Error(`search worker failed: ${reply.error}`));
  }

  function spawn(): void {
    const worker = startWorker(workerData);
    let markReady: () => void = () => {};
    let fail: (error: Error) => void = () => {};
    const slot: Slot = {
      worker,
      isReady: false,
      running: null,
      ready: new Promise<void>((resolve, reject) => {
        markReady = resolve;
        fail = reject;
      }),
    };
    // A worker that dies before it is ready makes ready() fail; later deaths are handled by replacing it.
    slot.ready.catch(() => {});
    let lastError = 'the search worker exited';
    worker.on('message', (message: SearchReply | { ready: true }) => {
      if ('ready' in message) {
        slot.isReady = true;
        failedStarts = 0;
        markReady();
        // The others start once one is ready: start-up waits for one worker, not for all loading at once.
        refill();
        return;
      }
      const entry = slot.running;
      if (!entry || entry.job.id !== message.id) return;
      slot.running = null;
      settle(entry, message);
      dispatch();
    });
    worker.on('error', (error) => {
      lastError = error.message;
      const entry = slot.running;
      slot.running = null;
      if (entry) {
        clearTimeout(entry.timer);
        // The worker is replaced on exit; the search itself may succeed when it is asked again.
        entry.reject(
          new ProblemError(
            'SERVICE_UNAVAILABLE',
            `The search stopped with its worker (${error.message}); try again.`,
          ),
        );
      }
    });
    worker.on('exit', () => {
      fail(new Error(lastError));
      abandoned.delete(worker);
      const at = slots.indexOf(slot);
      if (at >= 0) slots.splice(at, 1);
      if (!slot.isReady && at >= 0 && ++failedStarts >= 3) {
        broken = lastError;
        for (const entry of queue.splice(0)) {
          clearTimeout(entry.timer);
          entry.reject(unavailable());
        }
      }
      refill();
    });
    slots.push(slot);
  }

  function refill() {
    while (!closing && broken === null && slots.length < options.workers && abandoned.size <= MAX_ABANDONED) {
      spawn();
    }
    dispatch();
  }

  function dispatch() {
    for (const slot of slots) {
      if (queue.length === 0) return;
      if (!slot.isReady || slot.running) continue;
      const entry = queue.shift() as Job;
      slot.running = entry;
      slot.worker.postMessage(entry.job);
    }
  }

  /** The budget and its grace are over: answer now, and replace the worker if it is still reading. */
  function expire(entry: Job) {
    const queued = queue.indexOf(entry);
    if (queued >= 0) queue.splice(queued, 1);
    const slot = slots.find((s) => s.running === entry);
    if (slot) {
      slot.running = null;
      slots.splice(slots.indexOf(slot), 1);
      abandoned.add(slot.worker);
      // terminate() takes effect once the worker's SQLite call returns; a replacement serves meanwhile.
      void slot.worker.terminate();
      refill();
    }
    entry.resolve(render(outOfTime(entry.job.filter, options.budgetMs)));
  }

  spawn();

  return {
    mode: 'worker',
    search(filter) {
      if (closing || broken !== null) return Promise.reject(unavailable());
      const answer = new Promise<SearchAnswer>((resolve, reject) => {
        const job: SearchJob = {
          id: nextId++,
          filter,
          deadline: Date.now() + options.budgetMs,
          budgetMs: options.budgetMs,
        };
        const entry = { job, resolve, reject } as Job;
        entry.timer = setTimeout(() => expire(entry), options.budgetMs + options.graceMs);
        queue.push(entry);
        dispatch();
      });
      const settled = answer.then(
        () => {},
        () => {},
      );
      pending.add(settled);
      void settled.then(() => pending.delete(settled));
      return answer;
    },
    async ready() {
      await Promise.all(slots.map((s) => s.ready));
    },
    async close() {
      // Searches already asked for are answered (each within its budget and grace); new ones are refused.
      closing = true;
      await Promise.all([...pending]);
      const workers = [...slots.map((s) => s.worker), ...abandoned];
      await Promise.all(
        workers.map(
          (worker) =>
            new Promise<void>((resolve) => {
              const kill = setTimeout(() => void worker.terminate(), 1000);
              worker.once('exit', () => {
                clearTimeout(kill);
                resolve();
              });
              worker.postMessage({ close: true });
            }),
        ),
      );
    },
  };
}
