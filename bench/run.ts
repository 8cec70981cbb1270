/**
 * `npm run bench [-- --db data/bench.db --duration 10 --connections 10 --out bench/results.json]`
 *
 * Other options: --warmup <s> (default duration/5), --q <search term> (default: the commonest word),
 * --only <ids> (claims-by-actor,claims-by-event,claim,board,timeline,search,deep-page,create),
 * --profile <ids> (re-run those scenarios against an API started with --cpu-prof and summarise the profile),
 * --import-claims <n> (default 20000), --skip-build (use dist/ as it is), --skip-import.
 *
 * Starts the real server (the compiled build) and the limit server (bench/limit-server.ts) as child
 * processes, drives both from this process with autocannon on the loopback, and reports each scenario's
 * throughput and latency beside the limit measured in the same run, with start-up time, resident memory
 * and the bulk-import rate. Figures are printed and written, never asserted: a missed target does not fail.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type CommitRate, measureCommitRate, measureImport } from './lib-run/bulk.js';
import {
  type Child,
  freePort,
  get,
  RssSampler,
  rssOf,
  startChild,
  stopAll,
  stopChild,
  waitHealthy,
} from './lib-run/children.js';
import { type LoadResult, type LoadSpec, load } from './lib-run/load.js';
import { pickParams, type ScenarioParams } from './lib-run/params.js';
import { formatProfile, type ProfileSummary, summarizeProfile } from './lib-run/profile.js';
import {
  markdown,
  mb,
  ms,
  type Results,
  type ScenarioResult,
  type StartupRun,
  textTable,
} from './lib-run/report.js';

// `npm run bench -- --noop` loads everything and does nothing: the start-up baseline of the import timing.
if (process.argv.includes('--noop')) process.exit(0);

const { values: opts } = parseArgs({
  options: {
    db: { type: 'string', default: 'data/bench.db' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    out: { type: 'string', default: 'bench/results.json' },
    warmup: { type: 'string' },
    q: { type: 'string' },
    'import-claims': { type: 'string', default: '20000' },
    'skip-build': { type: 'boolean', default: false },
    'skip-import': { type: 'boolean', default: false },
    only: { type: 'string' },
    profile: { type: 'string' },
  },
});

const dbPath = resolve(opts.db);
const duration = Number(opts.duration);
const connections = Number(opts.connections);
const warmup = opts.warmup !== undefined ? Number(opts.warmup) : Math.max(1, Math.round(duration / 5));
const jsonOut = resolve(opts.out);
const mdOut = `${jsonOut.replace(/\.json$/, '')}.md`;
const CREATE_CONNECTIONS = 10;
const STARTUP_RUNS = 3;
const git = (...args: string[]) => spawnSync('git', args, { encoding: 'utf8' }).stdout.trim();
const source = {
  commit: git('rev-parse', '--short', 'HEAD'),
  uncommitted: git('status', '--porcelain', '--', 'src', 'migrations')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.slice(3)),
};
const loadAverageAtStart = os.loadavg();
const profileIds = new Set(opts.profile?.split(',') ?? []);

if (!existsSync(dbPath)) {
  console.error(
    `${relative(process.cwd(), dbPath)} does not exist: make it with \`npm run bench:data\`, or pass --db <file> ` +
      '(`npm run bench:data -- --claims 20000 --out data/bench-small.db` makes a small one).',
  );
  process.exit(1);
}

const log = (line = '') => console.log(line);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0
    ? Number.NaN
    : s.length % 2
      ? (s[(s.length - 1) / 2] as number)
      : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};
const cursorAfter = (id: number) => Buffer.from(JSON.stringify({ v: 1, after: id })).toString('base64url');

// ---- 1. Parameters, from the database opened read-only --------------------------------------------------
log(`database ${relative(process.cwd(), dbPath)} (${mb(statSync(dbPath).size)})`);
log(
  `machine: ${os.cpus()[0]?.model} × ${os.cpus().length}, load average ${loadAverageAtStart.map((x) => x.toFixed(2)).join(' ')}` +
    (loadAverageAtStart[0] !== undefined && loadAverageAtStart[0] > os.cpus().length / 2
      ? ' (busy: other work on this machine will lower every figure)'
      : ''),
);
const pickStarted = performance.now();
const params: ScenarioParams = pickParams(dbPath, opts.q);
log(`parameters (picked in ${ms(performance.now() - pickStarted)} ms):`);
log(`  claims                 ${params.claims.toLocaleString('en-US')}`);
log(
  `  busiest claimant       actor ${params.busiestActor.id} "${params.busiestActor.name}" (${params.busiestActor.claims} claims)`,
);
log(
  `  largest event          event ${params.largestEvent.id} "${params.largestEvent.title}" (${params.largestEvent.claims} claims, ${params.largestEvent.attributions} attributions)`,
);
log(`  claim in the middle    ${params.middleClaimId}`);
log(`  deep page after id     ${params.deepAfterId}`);
log(
  `  search term            "${params.searchTerm.term}" (in ${params.searchTerm.docs} of ${params.searchTerm.indexRows} index rows)`,
);
log(
  `  create                 source ${params.create.sourceId} (${params.create.sourceLength} chars), quote "${params.create.quote}" at ${params.create.quoteStart}`,
);

// ---- 2. The build ---------------------------------------------------------------------------------------
let serverMode: 'dist' | 'tsx' = 'tsx';
if (!opts['skip-build']) {
  log('building (npm run build)...');
  const build = spawnSync('npm', ['run', '--silent', 'build'], { encoding: 'utf8' });
  if (build.status === 0 && existsSync('dist/src/server.js')) serverMode = 'dist';
  else
    log(
      `  build failed, running the server with tsx instead:\n${(build.stdout + build.stderr).slice(-2000)}`,
    );
} else if (existsSync('dist/src/server.js')) {
  serverMode = 'dist';
}
const serverArgs = serverMode === 'dist' ? ['dist/src/server.js'] : ['--import', 'tsx', 'src/server.ts'];
const limitArgs = ['--import', 'tsx', 'bench/limit-server.ts'];

const adminKey = `clk_${randomBytes(6).toString('hex')}_${randomBytes(32).toString('base64url')}`;
const apiEnv = (port: number, database: string, logLevel: string, extra: Record<string, string> = {}) => ({
  PORT: String(port),
  HOST: '127.0.0.1',
  DATABASE_PATH: database,
  SEED: 'false',
  LOG_LEVEL: logLevel,
  RATE_LIMIT_MAX: '100000000',
  ...extra,
});

const writeCopy = resolve(dirname(dbPath), `bench-write-copy-${process.pid}.db`);
const removeDb = (path: string) => {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true });
};

interface Scenario {
  id: string;
  name: string;
  path: string;
  target?: { text: string; met: (api: LoadResult, ratio: number) => boolean };
  /** Compares the API's answer with the limit's: whether they carry the same rows. */
  compare: (api: unknown, limit: unknown) => { same: boolean; note: string };
}

// Key order differs between the zod serializer and hand-built objects: compare canonically.
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
type PageBody = { data: unknown[]; nextCursor: string | null };
const samePage = (api: unknown, limit: unknown) => {
  const a = api as PageBody;
  const l = limit as PageBody;
  const same = canonical(a.data) === canonical(l.data) && a.nextCursor === l.nextCursor;
  return { same, note: `${a.data.length} rows` };
};

const readScenarios: Scenario[] = [
  {
    id: 'claims-by-actor',
    name: 'claims by actor',
    path: `/claims?actor=${params.busiestActor.id}&limit=20`,
    target: { text: 'ratio ≥ 0.85', met: (_api, ratio) => ratio >= 0.85 },
    compare: samePage,
  },
  {
    id: 'claims-by-event',
    name: 'claims by event',
    path: `/claims?event=${params.largestEvent.id}&limit=20`,
    compare: samePage,
  },
  {
    id: 'claim',
    name: 'one claim',
    path: `/claims/${params.middleClaimId}`,
    compare: (api, limit) => ({ same: canonical(api) === canonical(limit), note: '' }),
  },
  {
    id: 'timeline',
    name: 'timeline',
    path: `/events/${params.largestEvent.id}/timeline?limit=20`,
    compare: samePage,
  },
  {
    id: 'search',
    name: 'search',
    path: `/search?q=${encodeURIComponent(params.searchTerm.term)}&limit=20`,
    target: { text: 'p50 < 20 ms', met: (api) => api.p50 < 20 },
    compare: (api, limit) => {
      type Hits = {
        data: { kind: string; rank: number; claim: { id: number } | null; source: { id: number } }[];
      };
      const key = (h: Hits) => canonical(h.data.map((x) => [x.kind, x.rank, x.claim, x.source]));
      return {
        same: key(api as Hits) === key(limit as Hits),
        note: `${(api as Hits).data.length} hits; snippets not compared`,
      };
    },
  },
  {
    id: 'deep-page',
    name: 'deep page (cursor)',
    path: `/claims?cursor=${cursorAfter(params.deepAfterId)}&limit=20`,
    compare: samePage,
  },
  // Last of the reads: its large answers raise the server's RSS, which would then show in later scenarios.
  {
    id: 'board',
    name: 'attribution board',
    path: `/events/${params.largestEvent.id}/attributions`,
    target: { text: 'p99 < 25 ms', met: (api) => api.p99 < 25 },
    compare: (api, limit) => {
      type Board = { actors: { positions: { entries: { claim: { id: number } }[] }[] }[] };
      const shown = (board: unknown) =>
        canonical(
          (board as Board).actors
            .flatMap((a) => a.positions.flatMap((p) => p.entries.map((e) => e.claim)))
            .sort((a, b) => a.id - b.id),
        );
      const count = (api as Board).actors.reduce(
        (n, a) => n + a.positions.reduce((m, p) => m + p.entries.length, 0),
        0,
      );
      return {
        same: shown(api) === shown(limit),
        note: `${count} entries shown with their claims; the limit does not count or name origins`,
      };
    },
  },
];
const only = opts.only?.split(',');
const selectedReads = only ? readScenarios.filter((s) => only.includes(s.id)) : readScenarios;
const runCreate = !only || only.includes('create');

let createCounter = 0;
const createBody = () =>
  JSON.stringify({
    sourceId: params.create.sourceId,
    claimantId: params.create.claimantId,
    eventId: params.create.eventId,
    text: `Benchmark claim ${++createCounter}: the ministry said the strike was carried out by foreign forces.`,
    stance: 'asserts',
    modality: 'paraphrase',
    quote: { exact: params.create.quote, start: params.create.quoteStart },
    reportedViaIds: params.create.reportedViaIds,
    statedAt: '2024-04-19T12:00:00.000Z',
    statedAtPrecision: 'day',
  });

const scenarioResults: ScenarioResult[] = [];
const profiles: ProfileSummary[] = [];
let commitRate: CommitRate | null = null;
const startupRuns: StartupRun[] = [];
let firstStart: StartupRun | null = null;
let apiRssMax = 0;
let limitRssMax = 0;

function printLine(name: string, who: string, r: LoadResult) {
  const errors =
    r.non2xx + r.errors > 0
      ? `  ${r.non2xx} non-2xx ${r.errors} errors ${JSON.stringify(r.statusCodes)}`
      : '';
  log(
    `  ${name.padEnd(22)} ${who.padEnd(5)} ${Math.round(r.reqPerSec).toLocaleString('en-US').padStart(7)} req/s  p50 ${ms(r.p50).padStart(6)} ms  p99 ${ms(r.p99).padStart(6)} ms${errors}`,
  );
}

async function measure(
  child: Child,
  path: string,
  extra: {
    method?: 'GET' | 'POST';
    headers?: Record<string, string>;
    body?: () => string;
    connections?: number;
  } = {},
): Promise<LoadResult> {
  const spec = { port: child.port, path, connections: extra.connections ?? connections, ...extra };
  if (warmup > 0) {
    await load({ ...spec, duration: warmup });
    await drain(child);
  }
  const result = await load({ ...spec, duration });
  await drain(child);
  return result;
}

/**
 * Waits for a /health answer: autocannon stops at the deadline, but the server still works through the
 * requests it had read, and the next run must not pay for them.
 */
async function drain(child: Child): Promise<void> {
  await get(child.port, '/health', 300_000).catch(() => undefined);
}

/** Runs a scenario once more against a fresh API started with --cpu-prof, and summarises where the time went. */
async function profileScenario(
  id: string,
  database: string,
  env: Record<string, string>,
  spec: Omit<LoadSpec, 'port' | 'duration'>,
): Promise<void> {
  const dir = mkdtempSync(join(os.tmpdir(), 'claimledger-profile-'));
  try {
    const port = await freePort();
    const child = startChild(
      `api (profile ${id})`,
      process.execPath,
      ['--cpu-prof', `--cpu-prof-dir=${dir}`, ...serverArgs],
      apiEnv(port, database, 'warn', env),
      port,
    );
    await waitHealthy(child, '/health');
    await load({ ...spec, port, duration });
    await stopChild(child);
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) {
      log(`  no CPU profile written for ${id}`);
      return;
    }
    const summary = summarizeProfile(join(dir, file), id);
    profiles.push(summary);
    log(formatProfile(summary));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function post(child: Child, path: string, body: string, headers: Record<string, string>) {
  try {
    const res = await fetch(`http://127.0.0.1:${child.port}${path}`, { method: 'POST', body, headers });
    return { status: res.status, body: await res.text() };
  } catch (error) {
    const state = child.proc.exitCode ?? child.proc.signalCode ?? 'running';
    throw new Error(
      `POST ${path} to ${child.name} failed (${state}): ${error}\n${child.lines.slice(-30).join('\n')}`,
    );
  }
}

const started = performance.now();
try {
  // ---- 3. Start-up time: spawn to first 200 from /health, and the server's own listen log -----------------
  log(
    `\nstart-up (${serverMode === 'dist' ? 'node dist/src/server.js' : 'node --import tsx src/server.ts'}, ${STARTUP_RUNS} runs after a first one):`,
  );
  for (let i = -1; i < STARTUP_RUNS; i++) {
    const port = await freePort();
    const child = startChild(
      'api (start-up)',
      process.execPath,
      serverArgs,
      apiEnv(port, dbPath, 'info'),
      port,
    );
    // The first start applies any migration the database lacks: it gets all the time it needs.
    const healthMs = await waitHealthy(child, '/health', i < 0 ? 1_800_000 : 60_000);
    const rssBytes = rssOf(child.proc.pid);
    let listenLogMs: number | null = null;
    for (let wait = 0; wait < 100 && listenLogMs === null; wait++) {
      for (const line of child.lines) {
        try {
          const entry = JSON.parse(line) as { msg?: string; time?: number };
          if (entry.msg?.startsWith('Server listening') && typeof entry.time === 'number') {
            listenLogMs = entry.time - child.spawnedAtEpoch;
          }
        } catch {
          // not a log line
        }
      }
      if (listenLogMs === null) await new Promise((r) => setTimeout(r, 10));
    }
    await stopChild(child);
    if (i < 0) firstStart = { healthMs, listenLogMs, rssBytes };
    else startupRuns.push({ healthMs, listenLogMs, rssBytes });
    log(
      `  ${i < 0 ? 'first start (applies pending migrations, cold cache)' : `run ${i + 1}`}: first 200 from /health after ${ms(healthMs)} ms; listen logged after ${listenLogMs === null ? 'n/a' : `${listenLogMs} ms`}; RSS ${rssBytes === null ? 'n/a' : mb(rssBytes)}`,
    );
  }

  // ---- 4. Reads: the API and the limit, one scenario after the other ----------------------------------------
  if (selectedReads.length > 0) {
    const apiPort = await freePort();
    const api = startChild('api', process.execPath, serverArgs, apiEnv(apiPort, dbPath, 'warn'), apiPort);
    const limitPort = await freePort();
    const limit = startChild(
      'limit',
      process.execPath,
      limitArgs,
      { LIMIT_DB: dbPath, PORT: String(limitPort) },
      limitPort,
    );
    await Promise.all([waitHealthy(api, '/health'), waitHealthy(limit, '/health')]);
    const apiRss = new RssSampler(api.proc.pid);
    const limitRss = new RssSampler(limit.proc.pid);
    log(`\nreads (${duration} s each after ${warmup} s warm-up, ${connections} connections):`);
    for (const s of selectedReads) {
      // One request each, alone, before any load: the cold latency (nothing cached by the API yet).
      const timed = async (child: Child) => {
        const t0 = performance.now();
        const res = await get(child.port, s.path, 120_000);
        return { ...res, ms: performance.now() - t0 };
      };
      const a = await timed(api);
      const l = await timed(limit);
      if (a.status !== 200 || l.status !== 200) {
        throw new Error(
          `${s.name}: GET ${s.path} answered ${a.status} (API) and ${l.status} (limit): ${a.body.slice(0, 500)} ${l.body.slice(0, 500)}`,
        );
      }
      const { same, note } = s.compare(JSON.parse(a.body), JSON.parse(l.body));
      if (!same) log(`  warning: ${s.name}: the limit server's rows differ from the API's`);
      log(`  ${s.name.padEnd(22)} first request alone: API ${ms(a.ms)} ms, limit ${ms(l.ms)} ms`);
      apiRss.reset();
      const apiResult = await measure(api, s.path);
      printLine(s.name, 'api', apiResult);
      const scenarioRss = apiRss.max;
      const limitResult = await measure(limit, s.path);
      printLine(s.name, 'limit', limitResult);
      const ratio = apiResult.reqPerSec / limitResult.reqPerSec;
      scenarioResults.push({
        id: s.id,
        name: s.name,
        method: 'GET',
        path: s.path,
        connections,
        api: apiResult,
        limit: limitResult,
        ratio,
        sameRows: same,
        sameRowsNote: note,
        apiBytes: Buffer.byteLength(a.body),
        limitBytes: Buffer.byteLength(l.body),
        firstRequestMs: { api: a.ms, limit: l.ms },
        apiRssMaxBytes: scenarioRss,
        target: s.target?.text ?? null,
        met: s.target ? s.target.met(apiResult, ratio) : null,
      });
    }
    apiRss.stop();
    limitRss.stop();
    apiRssMax = Math.max(apiRssMax, apiRss.overall);
    limitRssMax = Math.max(limitRssMax, limitRss.overall);
    await Promise.all([stopChild(api), stopChild(limit)]);
    for (const s of selectedReads.filter((r) => profileIds.has(r.id))) {
      await profileScenario(s.id, dbPath, {}, { path: s.path, connections });
    }
  }

  // ---- 5. Writes, against a copy of the database taken while nothing runs ------------------------------------
  if (runCreate) {
    commitRate = measureCommitRate(dirname(dbPath));
    log(
      `\ncommit rate of this disk (single-row transactions, WAL): ${Math.round(commitRate.full).toLocaleString('en-US')}/s with ` +
        `synchronous=FULL, ${Math.round(commitRate.normal).toLocaleString('en-US')}/s with NORMAL`,
    );
    removeDb(writeCopy);
    copyFileSync(dbPath, writeCopy);
    if (existsSync(`${dbPath}-wal`) && statSync(`${dbPath}-wal`).size > 0)
      copyFileSync(`${dbPath}-wal`, `${writeCopy}-wal`);
    const apiPort = await freePort();
    const api = startChild(
      'api (writes)',
      process.execPath,
      serverArgs,
      apiEnv(apiPort, writeCopy, 'warn', { BOOTSTRAP_ADMIN_KEY: adminKey }),
      apiPort,
    );
    await waitHealthy(api, '/health');
    const limitPort = await freePort();
    const limit = startChild(
      'limit (writes)',
      process.execPath,
      limitArgs,
      { LIMIT_DB: writeCopy, PORT: String(limitPort), LIMIT_WRITABLE: '1' },
      limitPort,
    );
    await waitHealthy(limit, '/health');
    const apiRss = new RssSampler(api.proc.pid);
    const limitRss = new RssSampler(limit.proc.pid);
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` };
    const a = await post(api, '/claims', createBody(), headers);
    const l = await post(limit, '/claims', createBody(), headers);
    if (a.status !== 201 || l.status !== 201) {
      throw new Error(
        `create: POST /claims answered ${a.status} (API) and ${l.status} (limit): ${a.body.slice(0, 800)} ${l.body.slice(0, 300)}`,
      );
    }
    const quoteOf = (body: string) => canonical((JSON.parse(body) as { quote: unknown }).quote);
    log(
      `\nwrites (${duration} s after ${warmup} s warm-up, ${CREATE_CONNECTIONS} connections, copy ${relative(process.cwd(), writeCopy)}):`,
    );
    apiRss.reset();
    const write = { method: 'POST' as const, headers, body: createBody, connections: CREATE_CONNECTIONS };
    const apiResult = await measure(api, '/claims', write);
    printLine('create claim', 'api', apiResult);
    const scenarioRss = apiRss.max;
    const limitResult = await measure(limit, '/claims', write);
    printLine('create claim', 'limit', limitResult);
    const ratio = apiResult.reqPerSec / limitResult.reqPerSec;
    scenarioResults.push({
      id: 'create',
      name: 'create claim (anchoring)',
      method: 'POST',
      path: '/claims',
      connections: CREATE_CONNECTIONS,
      api: apiResult,
      limit: limitResult,
      ratio,
      sameRows: null,
      sameRowsNote: `API anchored the quote as ${quoteOf(a.body)}`,
      apiBytes: Buffer.byteLength(a.body),
      limitBytes: Buffer.byteLength(l.body),
      firstRequestMs: null,
      apiRssMaxBytes: scenarioRss,
      target: '≥ 2,000 req/s',
      met: apiResult.reqPerSec >= 2000,
    });
    apiRss.stop();
    limitRss.stop();
    apiRssMax = Math.max(apiRssMax, apiRss.overall);
    limitRssMax = Math.max(limitRssMax, limitRss.overall);
    await Promise.all([stopChild(api), stopChild(limit)]);
    if (profileIds.has('create')) {
      await profileScenario(
        'create',
        writeCopy,
        { BOOTSTRAP_ADMIN_KEY: adminKey },
        { path: '/claims', ...write },
      );
    }
    removeDb(writeCopy);
  }

  // ---- 6. Bulk import against raw inserts ---------------------------------------------------------------------
  const importClaims = Number(opts['import-claims']);
  let imported: Results['import'] = { skipped: '--skip-import' };
  if (!opts['skip-import']) {
    log(`\nbulk import (${importClaims} claims):`);
    imported = await measureImport(dirname(dbPath), importClaims);
    if ('skipped' in imported) log(`  skipped: ${imported.skipped}`);
    else {
      log(
        `  npm run bench:data: ${imported.rows.toLocaleString('en-US')} rows in ${ms(imported.wallMs)} ms ` +
          `(npm/tsx start-up alone ${ms(imported.baselineMs)} ms; import itself ${imported.reportedImportMs === null ? 'not reported' : `${ms(imported.reportedImportMs)} ms`}) = ` +
          `${Math.round(imported.rowsPerSecNet).toLocaleString('en-US')} rows/s net (${imported.netBasis}), ` +
          `${Math.round(imported.rowsPerSec).toLocaleString('en-US')} gross`,
      );
      log(
        `  raw prepared INSERTs: ${Math.round(imported.raw.rowsPerSec).toLocaleString('en-US')} claim rows/s ` +
          `(bare table ${Math.round(imported.raw.bareRowsPerSec).toLocaleString('en-US')}/s); ratio ${imported.ratio.toFixed(2)} net, ${imported.ratioGross.toFixed(2)} gross`,
      );
    }
  }

  // ---- 7. Report ----------------------------------------------------------------------------------------------
  const medianHealthMs = median(startupRuns.map((r) => r.healthMs));
  const listenTimes = startupRuns.flatMap((r) => (r.listenLogMs === null ? [] : [r.listenLogMs]));
  const medianListenLogMs = listenTimes.length > 0 ? median(listenTimes) : null;
  const cpus = os.cpus();
  const results: Results = {
    machine: {
      cpu: cpus[0]?.model ?? 'unknown',
      cores: cpus.length,
      totalMemoryBytes: os.totalmem(),
      node: process.version,
      platform: os.platform(),
      release: os.release(),
      date: new Date().toISOString(),
      loadAverageAtStart,
      loadAverageAtEnd: os.loadavg(),
    },
    options: { db: relative(process.cwd(), dbPath), duration, connections, warmup },
    database: {
      path: relative(process.cwd(), dbPath),
      sizeBytes: statSync(dbPath).size,
      claims: params.claims,
    },
    server: {
      mode: serverMode,
      command: `node ${serverArgs.join(' ')}`,
      limitCommand: `node ${limitArgs.join(' ')}`,
    },
    params,
    startup: { firstStart, runs: startupRuns, medianHealthMs, medianListenLogMs },
    source,
    scenarios: scenarioResults,
    import: imported,
    commitRate,
    rss: { apiMaxBytes: apiRssMax, limitMaxBytes: limitRssMax },
    targets: [],
    profiles,
  };
  for (const s of scenarioResults) {
    if (!s.target) continue;
    const value =
      s.id === 'claims-by-actor'
        ? `${s.ratio.toFixed(2)} of the limit`
        : s.id === 'board'
          ? `p99 ${ms(s.api.p99)} ms`
          : s.id === 'search'
            ? `p50 ${ms(s.api.p50)} ms`
            : `${Math.round(s.api.reqPerSec).toLocaleString('en-US')} req/s`;
    results.targets.push({ name: s.name, target: s.target, value, met: s.met });
  }
  results.targets.push(
    'skipped' in imported
      ? {
          name: 'bulk import vs raw inserts',
          target: '≥ 0.5 of raw',
          value: `not measured: ${imported.skipped}`,
          met: null,
        }
      : {
          name: 'bulk import vs raw inserts',
          target: '≥ 0.5 of raw',
          value: `${imported.ratio.toFixed(2)} (${Math.round(imported.rowsPerSecNet).toLocaleString('en-US')} vs ${Math.round(imported.raw.rowsPerSec).toLocaleString('en-US')} rows/s; gross ${imported.ratioGross.toFixed(2)})`,
          met: imported.ratio >= 0.5,
        },
    ...(commitRate
      ? [
          {
            name: 'disk commit rate (context for create)',
            target: 'no target: the ceiling of one-transaction-per-request writes',
            value: `${Math.round(commitRate.full).toLocaleString('en-US')}/s with WAL + synchronous=FULL (${Math.round(commitRate.normal).toLocaleString('en-US')}/s with NORMAL)`,
            met: null,
          },
        ]
      : []),
    {
      name: 'start-up (spawn to /health 200)',
      target: '< 1 s',
      value:
        `${ms(medianHealthMs)} ms median of ${startupRuns.length} (listen log ${medianListenLogMs === null ? 'n/a' : `${medianListenLogMs} ms`}); ` +
        `first start ${firstStart ? `${ms(firstStart.healthMs)} ms` : 'n/a'}`,
      met: medianHealthMs < 1000,
    },
    {
      name: 'API RSS under load (max)',
      target: '< 250 MB',
      value: `${mb(apiRssMax)} (limit server ${mb(limitRssMax)})`,
      met: apiRssMax < 250 * 1024 * 1024,
    },
  );

  log(`\n${textTable(results)}\n`);
  mkdirSync(dirname(jsonOut), { recursive: true });
  writeFileSync(jsonOut, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(mdOut, markdown(results));
  log(
    `wrote ${relative(process.cwd(), jsonOut)} and ${relative(process.cwd(), mdOut)} in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
} finally {
  await stopAll();
  removeDb(writeCopy);
}
