/**
 * `npm run bench [-- --db data/bench.db --rounds 3 --duration 5 --warmup 1 --connections 10]`
 *
 * Starts the real server (the compiled build) and the limit server (bench/limit-server.ts) as child
 * processes and drives them from this process with autocannon on the loopback. Every scenario runs in
 * interleaved rounds (first side, second side, first, second, ...): its figures are the medians of the
 * rounds with their range, and a ratio is the median of the per-round ratios, so that the drift of a busy
 * machine falls on both sides alike. Results go to bench/results.json and bench/results.md; they are printed
 * and written, never asserted.
 *
 * Scenarios (ids for --only and --skip): claims-by-actor, claims-by-event, claim, timeline, deep-page,
 * search-word, search-name, board (cached, both sides), board-uncached (one request at a time, both sides
 * recomputing), actor-under-search, board-refused-posts, export (NDJSON), peer (with --peer <dir>), create
 * (1, 10 and 50 connections), import, startup.
 *
 * Other options: --q <word> and --name <word> (search terms; by default the commonest word and the busiest
 * person's surname), --profile <ids> (run those scenarios again against an API started with --cpu-prof and
 * summarise the profile), --import-claims <n> (20000), --import-rounds <n> (3), --board-requests <n> (10 per
 * round for board-uncached), --peer <dir> (a folder where @platformatic/db is installed, see
 * bench/lib-run/peer.ts), --skip-build (use dist/ as it is), --out <file.json>.
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
import Database from 'better-sqlite3';
import { SERVER_NODE_FLAGS } from '../src/server-flags.js';
import { type CommitRate, type ImportOutcome, measureCommitRate, measureImport } from './lib-run/bulk.js';
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
import { measureExport } from './lib-run/export.js';
import { type LoadResult, type LoadSpec, load, startLoad } from './lib-run/load.js';
import { pickParams, type ScenarioParams } from './lib-run/params.js';
import { peerClaimsByActor, peerEntry, startPeer } from './lib-run/peer.js';
import { formatProfile, type ProfileSummary, summarizeProfile } from './lib-run/profile.js';
import {
  type ExportResult,
  markdown,
  mb,
  ms,
  type PairedResult,
  type Results,
  range,
  type SequentialResult,
  type StartupRun,
  type TargetRow,
  textTable,
} from './lib-run/report.js';
import { median, pairedRatio, summarize } from './lib-run/rounds.js';

const { values: opts } = parseArgs({
  options: {
    db: { type: 'string', default: 'data/bench.db' },
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    connections: { type: 'string', default: '10' },
    out: { type: 'string', default: 'bench/results.json' },
    q: { type: 'string' },
    name: { type: 'string' },
    only: { type: 'string' },
    skip: { type: 'string' },
    profile: { type: 'string' },
    peer: { type: 'string' },
    'import-claims': { type: 'string', default: '20000' },
    'import-rounds': { type: 'string', default: '3' },
    'board-requests': { type: 'string', default: '10' },
    'skip-build': { type: 'boolean', default: false },
  },
});

const dbPath = resolve(opts.db);
const rounds = Number(opts.rounds);
const duration = Number(opts.duration);
const warmup = Number(opts.warmup);
const connections = Number(opts.connections);
const jsonOut = resolve(opts.out);
const mdOut = `${jsonOut.replace(/\.json$/, '')}.md`;
const STARTUP_RUNS = 3;
const WRITE_CONNECTIONS = [1, 10, 50];
const only = opts.only ? new Set(opts.only.split(',')) : null;
const skipped = new Set(opts.skip?.split(',') ?? []);
const selected = (id: string) => (only === null || only.has(id)) && !skipped.has(id);
const profileIds = new Set(opts.profile?.split(',') ?? []);
const git = (...args: string[]) => spawnSync('git', args, { encoding: 'utf8' }).stdout.trim();
const source = {
  commit: git('rev-parse', '--short', 'HEAD'),
  uncommitted: git('status', '--porcelain', '--', 'src', 'migrations')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.slice(3)),
};
const loadAverageAtStart = os.loadavg();
const log = (line = '') => console.log(line);
const cursorAfter = (id: number) => Buffer.from(JSON.stringify({ v: 1, after: id })).toString('base64url');

if (!existsSync(dbPath)) {
  console.error(
    `${relative(process.cwd(), dbPath)} does not exist: make it with \`npm run bench:data -- --claims 1000000\`, or pass ` +
      '--db <file> (`npm run bench:data -- --claims 20000 --out data/bench-small.db` makes a small one).',
  );
  process.exit(1);
}

// ---- Parameters, from the database opened read-only ------------------------------------------------------
log(`database ${relative(process.cwd(), dbPath)} (${mb(statSync(dbPath).size)})`);
log(
  `machine: ${os.cpus()[0]?.model} × ${os.cpus().length}, load average ${loadAverageAtStart.map((x) => x.toFixed(2)).join(' ')}` +
    (loadAverageAtStart[0] !== undefined && loadAverageAtStart[0] > os.cpus().length / 2
      ? ' (busy: other work on this machine lowers every figure; read the ratios)'
      : ''),
);
const params: ScenarioParams = pickParams(dbPath, opts.q, opts.name);
log(`  claims                 ${params.claims.toLocaleString('en-US')}`);
log(
  `  busiest claimant       actor ${params.busiestActor.id} "${params.busiestActor.name}" (${params.busiestActor.claims} claims)`,
);
log(
  `  largest event          event ${params.largestEvent.id} "${params.largestEvent.title}" (${params.largestEvent.claims} claims, ${params.largestEvent.attributions} attributions)`,
);
log(
  `  search                 "${params.searchTerm.term}" (${params.searchTerm.docs} of ${params.searchTerm.indexRows} index rows), name "${params.searchName.term}" (${params.searchName.docs})`,
);

// ---- The build --------------------------------------------------------------------------------------------
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
// Both sides run with the service's own Node flags (a bounded heap), as npm start and the image do.
const serverArgs = [
  ...SERVER_NODE_FLAGS,
  ...(serverMode === 'dist' ? ['dist/src/server.js'] : ['--import', 'tsx', 'src/server.ts']),
];
const limitArgs = [...SERVER_NODE_FLAGS, '--import', 'tsx', 'bench/limit-server.ts'];

const adminKey = `clk_${randomBytes(6).toString('hex')}_${randomBytes(32).toString('base64url')}`;
// Well-formed but unknown: every request with it is refused with a 401.
const refusedKey = `clk_${'0'.repeat(12)}_${'A'.repeat(43)}`;
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

// ---- Measuring ----------------------------------------------------------------------------------------------
const drainPath = new Map<Child, string>();

/** Waits for an answer: autocannon stops at its deadline, the server still works off what it had read. */
async function drain(child: Child): Promise<void> {
  await get(child.port, drainPath.get(child) ?? '/health', 300_000).catch(() => undefined);
}

type Extra = Omit<LoadSpec, 'port' | 'path' | 'duration' | 'connections'> & { connections?: number };

async function measure(child: Child, path: string, extra: Extra = {}): Promise<LoadResult> {
  const spec = { port: child.port, path, connections: connections, ...extra };
  if (warmup > 0) {
    await load({ ...spec, duration: warmup });
    await drain(child);
  }
  const result = await load({ ...spec, duration });
  await drain(child);
  return result;
}

const round = (n: number) => Math.round(n).toLocaleString('en-US');
function printRound(label: string, side: string, r: LoadResult) {
  const errors =
    r.non2xx + r.errors > 0
      ? `  ${r.non2xx} non-2xx ${r.errors} errors ${JSON.stringify(r.statusCodes)}`
      : '';
  log(
    `    ${label.padEnd(9)} ${side.padEnd(22)} ${round(r.reqPerSec).padStart(7)} req/s  p50 ${ms(r.p50).padStart(6)}  p99 ${ms(r.p99).padStart(6)} ms${errors}`,
  );
}

interface Side {
  name: string;
  run: () => Promise<LoadResult>;
}

/** The API process's RSS sampler of the current phase: each scenario records the highest RSS it saw. */
let phaseRss: RssSampler | null = null;

/** Runs two sides in interleaved rounds: a, b, a, b, ... */
async function interleave(
  scenario: Omit<PairedResult, 'a' | 'b' | 'ratio' | 'met' | 'sides' | 'apiRssMaxBytes'> & {
    judge?: (p: PairedResult) => boolean;
  },
  a: Side,
  b: Side,
): Promise<PairedResult> {
  log(`  ${scenario.name} (${scenario.connections} connections): ${a.name} against ${b.name}`);
  phaseRss?.reset();
  const ra: LoadResult[] = [];
  const rb: LoadResult[] = [];
  for (let i = 1; i <= rounds; i++) {
    ra.push(await a.run());
    printRound(`round ${i}`, a.name, ra.at(-1) as LoadResult);
    rb.push(await b.run());
    printRound(`round ${i}`, b.name, rb.at(-1) as LoadResult);
  }
  const { judge, ...rest } = scenario;
  const result: PairedResult = {
    ...rest,
    sides: [a.name, b.name],
    apiRssMaxBytes: phaseRss?.max ?? null,
    a: summarize(ra),
    b: summarize(rb),
    ratio: pairedRatio(
      ra.map((r) => r.reqPerSec),
      rb.map((r) => r.reqPerSec),
    ),
    met: null,
  };
  result.met = judge ? judge(result) : null;
  log(
    `    median ${round(result.a.reqPerSec.median)} against ${round(result.b.reqPerSec.median)} req/s, ratio ${range(result.ratio, (n) => n.toFixed(2))}, API RSS at most ${result.apiRssMaxBytes === null ? 'n/a' : mb(result.apiRssMaxBytes)}${
      result.target ? `; ${result.target}: ${result.met ? 'met' : 'MISSED'}` : ''
    }`,
  );
  return result;
}

// Key order differs between the zod serializer and hand-built objects: compare canonically.
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)),
        )
      : v,
  );
type PageBody = { data: unknown[]; nextCursor: string | null };
const samePage = (api: unknown, limit: unknown) => {
  const a = api as PageBody;
  const l = limit as PageBody;
  return {
    same: canonical(a.data) === canonical(l.data) && a.nextCursor === l.nextCursor,
    note: `${a.data.length} rows`,
  };
};
type Hits = { data: { kind: string; claim: { id: number } | null; source: { id: number } | null }[] };
const hitKey = (h: Hits) => canonical(h.data.map((x) => [x.kind, x.claim?.id ?? null, x.source?.id ?? null]));
type Board = {
  actors: {
    actor: { id: number } | null;
    count: number;
    independentOrigins: number;
    positions: {
      position: string;
      count: number;
      independentOrigins: number;
      entries: { claim: { id: number } }[];
    }[];
  }[];
};
const boardKey = (b: unknown) =>
  canonical(
    (b as Board).actors.map((a) => [
      a.actor?.id ?? null,
      a.count,
      a.independentOrigins,
      a.positions.map((p) => [p.position, p.count, p.independentOrigins, p.entries.map((e) => e.claim.id)]),
    ]),
  );

/** One request to each side before the load: their answers compared, and the latency alone, cold. */
async function firstRequests(api: Child, apiPath: string, limit: Child, limitPath: string) {
  const timed = async (child: Child, path: string) => {
    const t0 = performance.now();
    const res = await get(child.port, path, 300_000);
    return { ...res, ms: performance.now() - t0 };
  };
  const a = await timed(api, apiPath);
  const l = await timed(limit, limitPath);
  if (a.status !== 200 || l.status !== 200) {
    throw new Error(
      `GET ${apiPath} answered ${a.status} (API) and ${l.status} (other side): ${a.body.slice(0, 500)} ${l.body.slice(0, 300)}`,
    );
  }
  return { a, l, api: JSON.parse(a.body) as unknown, limit: JSON.parse(l.body) as unknown };
}

/** Runs a scenario once more against an API started with --cpu-prof, and summarises where the time went. */
async function profileScenario(
  id: string,
  database: string,
  env: Record<string, string>,
  spec: Omit<LoadSpec, 'port' | 'duration'>,
) {
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
    await load({ ...spec, port, duration: warmup });
    await drain(child);
    await load({ ...spec, port, duration: duration * rounds });
    await stopChild(child);
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) return log(`  no CPU profile written for ${id}`);
    const summary = summarizeProfile(join(dir, file), id);
    profiles.push(summary);
    log(formatProfile(summary));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const paired: PairedResult[] = [];
const sequential: SequentialResult[] = [];
const profiles: ProfileSummary[] = [];
const startupRuns: StartupRun[] = [];
let firstStart: StartupRun | null = null;
let exported: ExportResult | null = null;
let commitRate: CommitRate | null = null;
let imported: ImportOutcome = { skipped: 'not selected' };
let apiRssMax = 0;
let limitRssMax = 0;
const started = performance.now();

try {
  // ---- Start-up: spawn to the first 200 from /health, and the server's own listen log ----------------------
  if (selected('startup')) {
    log(`\nstart-up (${serverArgs.join(' ')}, ${STARTUP_RUNS} runs after a first one):`);
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
      const run = { healthMs, listenLogMs, rssBytes };
      if (i < 0) firstStart = run;
      else startupRuns.push(run);
      log(
        `  ${i < 0 ? 'first start (applies pending migrations, cold cache)' : `run ${i + 1}`}: first 200 from /health after ${ms(healthMs)} ms; listen logged after ${listenLogMs ?? 'n/a'} ms; RSS ${rssBytes === null ? 'n/a' : mb(rssBytes)}`,
      );
    }
  }

  // ---- Reads: the API against the limit on the same file ------------------------------------------------------
  const E = params.largestEvent.id;
  const boardPath = `/events/${E}/attributions?entries=5`;
  const reads = [
    {
      id: 'claims-by-actor',
      name: 'claims by actor',
      path: `/claims?actor=${params.busiestActor.id}&limit=20`,
      target: 'ratio ≥ 0.85',
      judge: (p: PairedResult) => p.ratio.median >= 0.85,
    },
    { id: 'claims-by-event', name: 'claims by event', path: `/claims?event=${E}&limit=20` },
    {
      id: 'claim',
      name: 'one claim',
      path: `/claims/${params.middleClaimId}`,
      target: 'ratio ≥ 0.75',
      judge: (p: PairedResult) => p.ratio.median >= 0.75,
    },
    {
      id: 'timeline',
      name: 'timeline',
      path: `/events/${E}/timeline?limit=20`,
      target: 'ratio ≥ 0.75',
      judge: (p: PairedResult) => p.ratio.median >= 0.75,
    },
    {
      id: 'deep-page',
      name: 'deep page (cursor)',
      path: `/claims?cursor=${cursorAfter(params.deepAfterId)}&limit=20`,
    },
    {
      id: 'search-word',
      name: `search, commonest word ("${params.searchTerm.term}")`,
      path: `/search?q=${encodeURIComponent(params.searchTerm.term)}&limit=20`,
      target: 'p50 < 20 ms, p99 < 100 ms',
      judge: (p: PairedResult) => p.a.p50.median < 20 && p.a.p99.median < 100,
    },
    {
      id: 'search-name',
      name: `search, a name ("${params.searchName.term}")`,
      path: `/search?q=${encodeURIComponent(params.searchName.term)}&limit=20`,
      target: 'p50 < 20 ms, p99 < 100 ms',
      judge: (p: PairedResult) => p.a.p50.median < 20 && p.a.p99.median < 100,
    },
    { id: 'board', name: 'attribution board, cached', path: boardPath },
  ].filter((s) => selected(s.id));
  const readPhase =
    reads.length > 0 ||
    ['board-uncached', 'actor-under-search', 'board-refused-posts', 'export', 'peer'].some(selected);

  if (readPhase) {
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
    phaseRss = apiRss;
    log(
      `\nreads (${rounds} rounds of ${duration} s after ${warmup} s of warm-up, ${connections} connections):`,
    );

    let apiCachedBoardP50 = Number.NaN;
    for (const s of reads) {
      let limitPath = s.path;
      let note = '';
      const first = await firstRequests(api, s.path, limit, limitPath);
      if (s.id.startsWith('search')) {
        // The limit reads the page in the order the API answered in (newest first by default, or ranked).
        const newest = (first.api as { order?: string }).order !== 'relevance';
        limitPath = `${s.path}&order=${newest ? 'newest' : 'relevance'}`;
        const again = await firstRequests(api, s.path, limit, limitPath);
        const same = hitKey(again.api as Hits) === hitKey(again.limit as Hits);
        note = `${(again.api as Hits).data.length} hits, ${newest ? 'newest first' : 'ranked by relevance'}; hits ${same ? 'identical' : 'DIFFER'} (snippets not compared); alone: API ${ms(again.a.ms)} ms, limit ${ms(again.l.ms)} ms.`;
      } else if (s.id === 'board') {
        const same = boardKey(first.api) === boardKey(first.limit);
        note =
          `both sides cached: the same URL over and over, each serving its built board (first request alone, computing: API ${ms(first.a.ms)} ms, limit ${ms(first.l.ms)} ms); ` +
          `counts, origins and entries ${same ? 'identical' : 'DIFFER'}; ${Math.round(first.a.body.length / 1024)} KB from the API, ${Math.round(first.l.body.length / 1024)} KB from the limit.`;
      } else {
        const cmp =
          s.id === 'claim'
            ? { same: canonical(first.api) === canonical(first.limit), note: '' }
            : samePage(first.api, first.limit);
        note = `rows ${cmp.same ? 'identical' : 'DIFFER'}${cmp.note ? ` (${cmp.note})` : ''}; ${first.a.body.length.toLocaleString('en-US')} B per answer; first request alone: API ${ms(first.a.ms)} ms, limit ${ms(first.l.ms)} ms.`;
      }
      if (note.includes('DIFFER')) log(`  warning: ${s.name}: the limit's answer differs from the API's`);
      const result = await interleave(
        {
          id: s.id,
          name: s.name,
          method: 'GET',
          path: s.path,
          connections,
          note,
          target: s.target ?? null,
          judge: s.judge,
        },
        { name: 'API', run: () => measure(api, s.path) },
        { name: 'limit', run: () => measure(limit, limitPath) },
      );
      paired.push(result);
      if (s.id === 'board') apiCachedBoardP50 = result.a.p50.median;
    }

    if (selected('board-uncached')) {
      apiRss.reset();
      // One request at a time, each after a commit by another connection: both sides see a new data_version
      // and compute the board afresh, as after any write.
      const n = Number(opts['board-requests']);
      log(
        `  attribution board, computed: ${rounds} rounds of ${n} requests, one at a time, after a commit each`,
      );
      const toucher = new Database(dbPath);
      const touch = () => {
        const v = toucher.pragma('user_version', { simple: true }) as number;
        toucher.pragma(`user_version = ${v + 1}`);
      };
      const times: Record<string, number[]> = { API: [], limit: [] };
      try {
        for (let i = 1; i <= rounds; i++) {
          for (const [name, child] of [
            ['API', api],
            ['limit', limit],
          ] as const) {
            for (let k = 0; k < n; k++) {
              touch();
              const t0 = performance.now();
              const res = await get(child.port, boardPath, 300_000);
              if (res.status !== 200)
                throw new Error(`board answered ${res.status}: ${res.body.slice(0, 300)}`);
              times[name]?.push(performance.now() - t0);
            }
          }
          log(
            `    round ${i}: API p50 ${ms(median(times.API?.slice(-n) ?? []))} ms, limit p50 ${ms(median(times.limit?.slice(-n) ?? []))} ms`,
          );
        }
      } finally {
        toucher.close();
      }
      const pct = (xs: number[], p: number) =>
        [...xs].sort((x, y) => x - y)[
          Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)
        ] as number;
      const apiP50 = median(times.API ?? []);
      sequential.push({
        apiRssMaxBytes: apiRss.max,
        id: 'board-uncached',
        name: 'attribution board, computed each time',
        path: boardPath,
        sides: Object.entries(times).map(([name, xs]) => ({
          name,
          p50: median(xs),
          p90: pct(xs, 90),
          max: Math.max(...xs),
          requests: xs.length,
        })),
        note:
          'one request at a time, each after another connection committed (PRAGMA user_version), so that both sides build the board afresh: the cost of the first look after a write. ' +
          (Number.isFinite(apiCachedBoardP50) && apiP50 < 2 * apiCachedBoardP50
            ? `WARNING: the API's median (${ms(apiP50)} ms) is close to its cached one (${ms(apiCachedBoardP50)} ms): it may not have recomputed.`
            : ''),
      });
    }

    if (selected('actor-under-search')) {
      const actorPath = `/claims?actor=${params.busiestActor.id}&limit=20`;
      const searchPath = `/search?q=${encodeURIComponent(params.searchTerm.term)}&limit=20`;
      paired.push(
        await interleave(
          {
            id: 'actor-under-search',
            name: 'claims by actor while one client searches the commonest word',
            method: 'GET',
            path: actorPath,
            connections,
            note: `API only: claims by actor at ${connections} connections, alone and with one more connection requesting \`${searchPath}\` in a loop (its own answers not counted); the ratio is with / alone.`,
            target: 'ratio ≥ 0.8',
            judge: (p) => p.ratio.median >= 0.8,
          },
          {
            name: 'with a search loop',
            run: async () => {
              const background = startLoad({
                port: api.port,
                path: searchPath,
                connections: 1,
                duration: 3600,
              });
              try {
                return await measure(api, actorPath);
              } finally {
                background.stop();
                await background.done;
                await drain(api);
              }
            },
          },
          { name: 'alone', run: () => measure(api, actorPath) },
        ),
      );
    }

    if (selected('board-refused-posts')) {
      const refused = {
        method: 'POST' as const,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${refusedKey}` },
        body: () =>
          JSON.stringify({
            sourceId: params.create.sourceId,
            text: 'refused',
            stance: 'asserts',
            modality: 'paraphrase',
            quote: { exact: params.create.quote },
          }),
      };
      const check = await fetch(`http://127.0.0.1:${api.port}/claims`, {
        method: 'POST',
        headers: refused.headers,
        body: refused.body(),
      });
      if (check.status !== 401)
        throw new Error(`a POST with an unknown key answered ${check.status}, not 401`);
      paired.push(
        await interleave(
          {
            id: 'board-refused-posts',
            name: 'attribution board while refused (401) POSTs stream in',
            method: 'GET',
            path: boardPath,
            connections,
            note: 'API only: the cached board at 10 connections, with one more connection sending POST /claims with an unknown key (each a 401) in a loop, and alone. A refused request must not drop the cache: the target is a p50 with the POSTs within 1.25 times the p50 without.',
            target: 'p50 with ≤ 1.25 × p50 alone',
            judge: (p) => p.a.p50.median <= 1.25 * p.b.p50.median,
          },
          {
            name: 'with refused POSTs',
            run: async () => {
              const background = startLoad({
                port: api.port,
                path: '/claims',
                connections: 1,
                duration: 3600,
                ...refused,
              });
              try {
                return await measure(api, boardPath);
              } finally {
                background.stop();
                await background.done;
                await drain(api);
              }
            },
          },
          { name: 'alone', run: () => measure(api, boardPath) },
        ),
      );
    }

    if (selected('peer') && opts.peer) {
      if (!peerEntry(opts.peer)) {
        log(`  peer: skipped, ${opts.peer} has no node_modules/@platformatic/db (see bench/lib-run/peer.ts)`);
      } else {
        const peer = await startPeer(opts.peer, dbPath);
        const peerPath = peerClaimsByActor(params.busiestActor.id);
        drainPath.set(peer, '/claims?limit=1');
        const flat = JSON.parse((await get(peer.port, peerPath, 60_000)).body) as { id: number }[];
        const ours = JSON.parse(
          (await get(api.port, `/claims?actor=${params.busiestActor.id}&limit=20`)).body,
        ) as PageBody;
        const sameIds =
          canonical(flat.map((c) => c.id)) === canonical((ours.data as { id: number }[]).map((c) => c.id));
        paired.push(
          await interleave(
            {
              id: 'peer',
              name: 'claims by actor, against Platformatic DB',
              method: 'GET',
              path: `/claims?actor=${params.busiestActor.id}&limit=20`,
              connections,
              note: `the API against Platformatic DB's generated REST route \`${peerPath}\` on the same file: the same ${flat.length} claims (ids ${sameIds ? 'identical' : 'DIFFER'}), flat rows without claimant, source, event, chain or verified quote; ratio API / peer.`,
              target: null,
            },
            { name: 'API', run: () => measure(api, `/claims?actor=${params.busiestActor.id}&limit=20`) },
            { name: 'Platformatic DB', run: () => measure(peer, peerPath) },
          ),
        );
        await stopChild(peer);
      }
    }

    if (selected('export')) {
      apiRss.reset();
      log('  NDJSON export of every claim (GET /claims?format=ndjson):');
      exported = await measureExport(api, '/claims?format=ndjson');
      log(
        exported.skipped
          ? `    ${exported.skipped}`
          : `    ${exported.rows.toLocaleString('en-US')} rows, ${mb(exported.bytes)} in ${exported.seconds.toFixed(1)} s; RSS ${mb(exported.rssBeforeBytes)} before, at most ${mb(exported.rssMaxBytes)}`,
      );
    }

    apiRss.stop();
    limitRss.stop();
    apiRssMax = Math.max(apiRssMax, apiRss.overall);
    limitRssMax = Math.max(limitRssMax, limitRss.overall);
    await Promise.all([stopChild(api), stopChild(limit)]);
    for (const s of reads.filter((r) => profileIds.has(r.id))) {
      await profileScenario(s.id, dbPath, {}, { path: s.path, connections });
    }
  }

  // ---- Writes, against a copy of the database taken while nothing runs --------------------------------------
  if (selected('create')) {
    commitRate = measureCommitRate(dirname(dbPath));
    log(
      `\ncommit rate of this disk (one-row transactions, WAL): ${round(commitRate.full)}/s with synchronous=FULL, ${round(commitRate.normal)}/s with NORMAL`,
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
    phaseRss = apiRss;
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` };
    let counter = 0;
    const body = () =>
      JSON.stringify({
        sourceId: params.create.sourceId,
        claimantId: params.create.claimantId,
        eventId: params.create.eventId,
        text: `Benchmark claim ${++counter}: the ministry said the strike was carried out by foreign forces.`,
        stance: 'asserts',
        modality: 'paraphrase',
        quote: { exact: params.create.quote, start: params.create.quoteStart },
        reportedViaIds: params.create.reportedViaIds,
        statedAt: '2024-04-19T12:00:00.000Z',
        statedAtPrecision: 'day',
      });
    for (const child of [api, limit]) {
      const res = await fetch(`http://127.0.0.1:${child.port}/claims`, {
        method: 'POST',
        headers,
        body: body(),
      });
      if (res.status !== 201)
        throw new Error(
          `create on ${child.name} answered ${res.status}: ${(await res.text()).slice(0, 500)}`,
        );
    }
    log(
      `\nwrites (POST /claims with anchoring, audit and synchronous=FULL; copy ${relative(process.cwd(), writeCopy)}):`,
    );
    for (const c of WRITE_CONNECTIONS) {
      const write = { method: 'POST' as const, headers, body, connections: c };
      paired.push(
        await interleave(
          {
            id: `create-${c}`,
            name: 'create a claim',
            method: 'POST',
            path: '/claims',
            connections: c,
            note: `${c} connection(s): the API (reference checks, anchoring in a ${params.create.sourceLength}-character source, the claim, its chain, search rows and an audit record, group commit) against the limit's bare INSERTs of the claim and its chain, one transaction per request.`,
            target: c === 10 ? '≥ 2,000 req/s' : c === 50 ? 'p99 < 50 ms' : null,
            judge:
              c === 10
                ? (p) => p.a.reqPerSec.median >= 2000
                : c === 50
                  ? (p) => p.a.p99.median < 50
                  : undefined,
          },
          { name: 'API', run: () => measure(api, '/claims', write) },
          { name: 'limit', run: () => measure(limit, '/claims', write) },
        ),
      );
    }
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
        { path: '/claims', method: 'POST', headers, body, connections: 10 },
      );
    }
    removeDb(writeCopy);
  }

  // ---- Bulk import against raw inserts ------------------------------------------------------------------------
  if (selected('import')) {
    const claims = Number(opts['import-claims']);
    log(`\nbulk import (${claims} claims, ${opts['import-rounds']} rounds):`);
    imported = await measureImport(dirname(dbPath), claims, Number(opts['import-rounds']), log);
    if ('skipped' in imported) log(`  skipped: ${imported.skipped}`);
  }

  // ---- Report ---------------------------------------------------------------------------------------------------
  const medianHealthMs = median(startupRuns.map((r) => r.healthMs));
  const listenTimes = startupRuns.flatMap((r) => (r.listenLogMs === null ? [] : [r.listenLogMs]));
  const targets: TargetRow[] = [];
  for (const p of paired) {
    if (!p.target) continue;
    const value = p.target.startsWith('ratio')
      ? `${p.ratio.median.toFixed(2)} (rounds ${p.ratio.min.toFixed(2)}-${p.ratio.max.toFixed(2)})`
      : p.target.startsWith('p50 <')
        ? `p50 ${range(p.a.p50, ms)} ms, p99 ${range(p.a.p99, ms)} ms`
        : p.target.startsWith('p99')
          ? `p99 ${range(p.a.p99, ms)} ms (${round(p.a.reqPerSec.median)} req/s)`
          : p.target.startsWith('p50 with')
            ? `p50 ${ms(p.a.p50.median)} ms with, ${ms(p.b.p50.median)} ms alone (p99 ${ms(p.a.p99.median)} / ${ms(p.b.p99.median)})`
            : `${range(p.a.reqPerSec)} req/s (p99 ${ms(p.a.p99.median)} ms)`;
    targets.push({
      name: `${p.name}${p.id.startsWith('create') ? `, ${p.connections} connections` : ''}`,
      target: p.target,
      value,
      met: p.met,
    });
  }
  if (exported) {
    targets.push({
      name: 'RSS while exporting every claim as NDJSON',
      target: exported.target,
      value:
        exported.skipped ??
        `${mb(exported.rssMaxBytes)} at most (${mb(exported.rssBeforeBytes)} before; ${exported.rows.toLocaleString('en-US')} rows)`,
      met: exported.met,
    });
  }
  if (!('skipped' in imported)) {
    targets.push({
      name: 'bulk import against raw inserts, search index included',
      target: '≥ 0.5 of raw',
      value: `${imported.ratio.median.toFixed(2)} (${round(imported.generator.median)} against ${round(imported.raw.median)} rows/s)`,
      met: imported.ratio.median >= 0.5,
    });
  }
  if (startupRuns.length > 0) {
    targets.push({
      name: 'start-up on this database (spawn to the first 200 from /health)',
      target: '< 1 s',
      value: `${ms(medianHealthMs)} ms median of ${startupRuns.length} (listen logged at ${listenTimes.length ? median(listenTimes) : 'n/a'} ms; first start ${firstStart ? ms(firstStart.healthMs) : 'n/a'} ms)`,
      met: medianHealthMs < 1000,
    });
  }
  if (apiRssMax > 0) {
    const peaks = [...paired, ...sequential]
      .filter((x) => x.apiRssMaxBytes !== null)
      .sort((x, y) => (y.apiRssMaxBytes as number) - (x.apiRssMaxBytes as number));
    const [top, next] = peaks;
    targets.push({
      name: 'API resident memory, highest seen under load',
      target: '< 250 MB',
      value:
        `${mb(apiRssMax)}${top ? ` (in "${top.name}"${next ? `; next highest ${mb(next.apiRssMaxBytes as number)} in "${next.name}"` : ''})` : ''}; ` +
        `limit server ${mb(limitRssMax)}`,
      met: apiRssMax < 250 * 1024 * 1024,
    });
  }
  if (commitRate) {
    targets.push({
      name: 'this disk: one-row commits per second, WAL + synchronous=FULL',
      target: 'context: the ceiling of one commit per write',
      value: `${round(commitRate.full)}/s (${round(commitRate.normal)}/s with NORMAL)`,
      met: null,
    });
  }
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
    options: { db: relative(process.cwd(), dbPath), duration, warmup, rounds, connections },
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
    source,
    startup: {
      firstStart,
      runs: startupRuns,
      medianHealthMs,
      medianListenLogMs: listenTimes.length ? median(listenTimes) : null,
    },
    paired,
    sequential,
    export: exported,
    import: imported,
    commitRate,
    rss: { apiMaxBytes: apiRssMax, limitMaxBytes: limitRssMax },
    targets,
    profiles,
    elapsedSec: (performance.now() - started) / 1000,
  };
  log(`\n${textTable(results)}\n`);
  mkdirSync(dirname(jsonOut), { recursive: true });
  writeFileSync(jsonOut, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(mdOut, markdown(results));
  log(
    `wrote ${relative(process.cwd(), jsonOut)} and ${relative(process.cwd(), mdOut)} in ${results.elapsedSec.toFixed(0)} s`,
  );
} finally {
  await stopAll();
  removeDb(writeCopy);
}
