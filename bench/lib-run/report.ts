import type { CommitRate, ImportOutcome } from './bulk.js';
import type { LoadResult } from './load.js';
import type { ProfileSummary } from './profile.js';

export interface ScenarioResult {
  id: string;
  name: string;
  method: 'GET' | 'POST';
  path: string;
  connections: number;
  api: LoadResult;
  limit: LoadResult;
  /** API req/s ÷ limit req/s, measured in the same run. */
  ratio: number;
  /** Whether the limit server sent the same rows as the API for this URL (checked before the load). */
  sameRows: boolean | null;
  sameRowsNote: string;
  apiBytes: number;
  limitBytes: number;
  /** One request alone before the load (nothing cached yet), in ms. */
  firstRequestMs: { api: number; limit: number } | null;
  apiRssMaxBytes: number;
  target: string | null;
  met: boolean | null;
}

export interface StartupRun {
  healthMs: number;
  listenLogMs: number | null;
  rssBytes: number | null;
}

export interface TargetRow {
  name: string;
  target: string;
  value: string;
  met: boolean | null;
}

export interface Results {
  machine: {
    cpu: string;
    cores: number;
    totalMemoryBytes: number;
    node: string;
    platform: string;
    release: string;
    date: string;
    /** os.loadavg() when the run started and when it ended: other work on the machine skews every figure. */
    loadAverageAtStart: number[];
    loadAverageAtEnd: number[];
  };
  options: { db: string; duration: number; connections: number; warmup: number };
  database: { path: string; sizeBytes: number; claims: number };
  server: { mode: 'dist' | 'tsx'; command: string; limitCommand: string };
  params: unknown;
  startup: {
    /** The first start of the run: pays for pending migrations and a cold page cache; not in the median. */
    firstStart: StartupRun | null;
    runs: StartupRun[];
    medianHealthMs: number;
    medianListenLogMs: number | null;
  };
  /** The commit the server was built from, and the files of src/ and migrations/ changed on top of it. */
  source: { commit: string; uncommitted: string[] };
  scenarios: ScenarioResult[];
  import: ImportOutcome;
  commitRate: CommitRate | null;
  rss: { apiMaxBytes: number; limitMaxBytes: number };
  targets: TargetRow[];
  profiles: ProfileSummary[];
}

const num = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : 'n/a';
export const ms = (n: number) => (Number.isFinite(n) ? (n < 10 ? n.toFixed(2) : n.toFixed(1)) : 'n/a');
export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const mark = (met: boolean | null) => (met === null ? '' : met ? 'met' : 'MISSED');

function scenarioRows(results: Results): string[][] {
  return results.scenarios.map((s) => [
    s.name,
    num(s.api.reqPerSec),
    ms(s.api.p50),
    ms(s.api.p99),
    s.api.non2xx + s.api.errors > 0 ? `${s.api.non2xx} non-2xx, ${s.api.errors} err` : '0',
    num(s.limit.reqPerSec),
    s.ratio.toFixed(2),
    s.target ? `${s.target} ${mark(s.met)}` : '',
  ]);
}

const HEADER = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'limit req/s', 'ratio', 'target'];

/** The figures as a plain-text table for the terminal. */
export function textTable(results: Results): string {
  const rows = [HEADER, ...scenarioRows(results)];
  const widths = HEADER.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((cell, i) =>
        i === 0 || i === r.length - 1 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0),
      )
      .join('  ');
  const out = [line(rows[0] as string[]), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const r of rows.slice(1)) out.push(line(r));
  out.push('');
  for (const t of results.targets)
    out.push(`${t.name.padEnd(28)} ${t.value.padEnd(44)} target ${t.target.padEnd(16)} ${mark(t.met)}`);
  return out.join('\n');
}

/** The figures as Markdown: the scenario table, the other targets, and what was measured on. */
export function markdown(results: Results): string {
  const m = results.machine;
  const out: string[] = [
    '# claimledger benchmark',
    '',
    `${m.date} · ${m.cpu} × ${m.cores} cores · ${mb(m.totalMemoryBytes)} RAM · Node ${m.node} · ${m.platform} ${m.release} · ` +
      `load average ${m.loadAverageAtStart.map((x) => x.toFixed(2)).join(' ')} at the start, ${m.loadAverageAtEnd.map((x) => x.toFixed(2)).join(' ')} at the end`,
    '',
    `Database \`${results.database.path}\` (${mb(results.database.sizeBytes)}, ${num(results.database.claims)} claims); ` +
      `${results.options.duration} s per scenario after ${results.options.warmup} s of warm-up, ` +
      `${results.options.connections} connections (create: 10), autocannon in a separate process on the loopback. ` +
      `API: \`${results.server.command}\` built from ${results.source.commit}` +
      `${results.source.uncommitted.length > 0 ? ` plus uncommitted changes to ${results.source.uncommitted.join(', ')}` : ''}; ` +
      `limit: \`${results.server.limitCommand}\`.`,
    '',
    '| scenario | req/s | p50 ms | p99 ms | limit req/s | ratio | target |',
    '|---|---:|---:|---:|---:|---:|---|',
  ];
  for (const s of results.scenarios) {
    const errors =
      s.api.non2xx + s.api.errors > 0 ? ` (${s.api.non2xx} non-2xx, ${s.api.errors} errors)` : '';
    out.push(
      `| ${s.name}${errors} | ${num(s.api.reqPerSec)} | ${ms(s.api.p50)} | ${ms(s.api.p99)} | ${num(s.limit.reqPerSec)} | ${s.ratio.toFixed(2)} | ${s.target ? `${s.target}: **${mark(s.met)}**` : ''} |`,
    );
  }
  out.push('', '| measure | value | target |', '|---|---|---|');
  for (const t of results.targets) {
    out.push(`| ${t.name} | ${t.value} | ${t.target}${t.met === null ? '' : `: **${mark(t.met)}**`} |`);
  }
  out.push('', '## Scenarios', '');
  for (const s of results.scenarios) {
    out.push(
      `- **${s.name}**: \`${s.method} ${s.path.length > 120 ? `${s.path.slice(0, 117)}...` : s.path}\` — ` +
        `API ${num(s.apiBytes)} B/response, limit ${num(s.limitBytes)} B; rows ${s.sameRows === null ? 'not compared' : s.sameRows ? 'identical' : 'DIFFER'}` +
        `${s.sameRowsNote ? ` (${s.sameRowsNote})` : ''}; ` +
        `${s.firstRequestMs ? `first request alone: API ${ms(s.firstRequestMs.api)} ms, limit ${ms(s.firstRequestMs.limit)} ms; ` : ''}API p90 ${ms(s.api.p90)} ms, max ${ms(s.api.max)} ms; limit p50 ${ms(s.limit.p50)} ms, p99 ${ms(s.limit.p99)} ms; API RSS max ${mb(s.apiRssMaxBytes)}.`,
    );
  }
  out.push(
    '',
    'The limit is a bare Fastify app (`bench/limit-server.ts`) running hand-written prepared statements for the same rows ' +
      'and sending them with `reply.send(obj)`: no ORM, zod, validation, hooks or logging. For the board it runs every ' +
      'query the board needs and sends the rows as fetched (no grouping or independence counting); for search it sends ' +
      "FTS5's marked snippet as is. Its create inserts the claim and its chain (no anchoring, no audit row) with the " +
      "service's pragmas (WAL, synchronous=FULL) and reads the claim back. Writes ran against a copy of the database. " +
      'Each scenario repeats one URL, so whatever the API caches (the attribution board) is served from its cache ' +
      'under load; the first request alone, before the load, shows the uncached latency.',
    '',
  );
  for (const p of results.profiles) {
    out.push(`## CPU profile: ${p.scenario}`, '', '| self time | where |', '|---:|---|');
    for (const o of p.byOrigin.slice(0, 10)) out.push(`| ${(o.share * 100).toFixed(1)}% | ${o.origin} |`);
    out.push('', '| self time | function | where |', '|---:|---|---|');
    for (const f of p.topFunctions.slice(0, 15))
      out.push(`| ${(f.share * 100).toFixed(1)}% | \`${f.fn}\` | ${f.origin} |`);
    out.push('');
  }
  return out.join('\n');
}
