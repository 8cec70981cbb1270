import type { ImportOutcome } from './bulk.js';
import type { ProfileSummary } from './profile.js';
import type { Spread, Summary } from './rounds.js';

/** A scenario run against two servers (or two conditions), interleaved round by round. */
export interface PairedResult {
  id: string;
  name: string;
  method: 'GET' | 'POST';
  path: string;
  connections: number;
  /** What the two sides are: `API` and `limit`, or `alone` and `with …`. */
  sides: [string, string];
  /** The highest resident memory of the API process during the scenario. */
  apiRssMaxBytes: number | null;
  a: Summary;
  b: Summary;
  /** a / b req/s, per round. */
  ratio: Spread;
  note: string;
  target: string | null;
  met: boolean | null;
}

export interface SequentialResult {
  id: string;
  apiRssMaxBytes: number | null;
  name: string;
  path: string;
  /** Per side: every request's latency in ms, over all rounds. */
  sides: { name: string; p50: number; p90: number; max: number; requests: number }[];
  note: string;
}

export interface ExportResult {
  path: string;
  skipped: string | null;
  rows: number;
  bytes: number;
  seconds: number;
  rssBeforeBytes: number;
  rssMaxBytes: number;
  target: string;
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
  options: { db: string; duration: number; warmup: number; rounds: number; connections: number };
  database: { path: string; sizeBytes: number; claims: number };
  server: { mode: 'dist' | 'tsx'; command: string; limitCommand: string };
  params: unknown;
  /** The commit the server was built from, and the files of src/ and migrations/ changed on top of it. */
  source: { commit: string; uncommitted: string[] };
  startup: {
    firstStart: StartupRun | null;
    runs: StartupRun[];
    medianHealthMs: number;
    medianListenLogMs: number | null;
  };
  paired: PairedResult[];
  sequential: SequentialResult[];
  export: ExportResult | null;
  import: ImportOutcome;
  commitRate: { full: number; normal: number } | null;
  rss: { apiMaxBytes: number; limitMaxBytes: number };
  targets: TargetRow[];
  profiles: ProfileSummary[];
  elapsedSec: number;
}

const num = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : 'n/a';
export const ms = (n: number) => (Number.isFinite(n) ? (n < 10 ? n.toFixed(2) : n.toFixed(1)) : 'n/a');
export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const mark = (met: boolean | null) => (met === null ? '' : met ? 'met' : 'MISSED');
/** `median (min-max)` */
export const range = (s: Spread, f: (n: number) => string = (n) => num(n)) =>
  `${f(s.median)} (${f(s.min)}-${f(s.max)})`;
const ratioText = (s: Spread) => `${s.median.toFixed(2)} (${s.min.toFixed(2)}-${s.max.toFixed(2)})`;
const errorsOf = (s: Summary) =>
  s.non2xx + s.errors > 0 ? ` [${s.non2xx} non-2xx, ${s.errors} errors]` : '';

function pairedRows(results: Results): string[][] {
  return results.paired.map((p) => [
    p.name,
    `${p.sides[0]}: ${range(p.a.reqPerSec)}${errorsOf(p.a)}`,
    `${range(p.a.p50, ms)} / ${range(p.a.p99, ms)}`,
    `${p.sides[1]}: ${range(p.b.reqPerSec)}${errorsOf(p.b)}`,
    `${range(p.b.p50, ms)} / ${range(p.b.p99, ms)}`,
    ratioText(p.ratio),
    p.target ? `${p.target} ${mark(p.met)}` : '',
  ]);
}

const HEADER = ['scenario', 'req/s', 'p50 / p99 ms', 'against, req/s', 'p50 / p99 ms', 'ratio', 'target'];

/** The figures as a plain-text table for the terminal. */
export function textTable(results: Results): string {
  const rows = [HEADER, ...pairedRows(results)];
  const widths = HEADER.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ');
  const out = [line(rows[0] as string[]), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const r of rows.slice(1)) out.push(line(r));
  out.push('');
  for (const t of results.targets) out.push(`${t.name}: ${t.value} (target ${t.target}) ${mark(t.met)}`);
  return out.join('\n');
}

/** The figures as Markdown: the targets, every scenario with its spread, and what was measured on. */
export function markdown(results: Results): string {
  const m = results.machine;
  const o = results.options;
  const out: string[] = [
    '# claimledger benchmark',
    '',
    `${m.date} · ${m.cpu} × ${m.cores} cores · ${mb(m.totalMemoryBytes)} RAM · Node ${m.node} · ${m.platform} ${m.release} · ` +
      `load average ${m.loadAverageAtStart.map((x) => x.toFixed(2)).join(' ')} at the start, ${m.loadAverageAtEnd.map((x) => x.toFixed(2)).join(' ')} at the end · ${num(results.elapsedSec)} s`,
    '',
    `Database \`${results.database.path}\` (${mb(results.database.sizeBytes)}, ${num(results.database.claims)} claims). ` +
      `Every scenario ran in ${o.rounds} interleaved rounds (first side, second side, first, second, …), each ${o.duration} s ` +
      `after ${o.warmup} s of warm-up, ${o.connections} connections unless said; figures are the median of the rounds ` +
      'with their range in brackets, and a ratio is the median of the per-round ratios. autocannon ran in the benchmark process, ' +
      `the servers in their own. API: \`${results.server.command}\` built from ${results.source.commit}` +
      `${results.source.uncommitted.length > 0 ? ` plus uncommitted changes to ${results.source.uncommitted.join(', ')}` : ''}; ` +
      `limit: \`${results.server.limitCommand}\`.`,
    '',
    '## Targets',
    '',
    '| measure | value | target |',
    '|---|---|---|',
  ];
  for (const t of results.targets) {
    out.push(`| ${t.name} | ${t.value} | ${t.target}${t.met === null ? '' : `: **${mark(t.met)}**`} |`);
  }
  out.push(
    '',
    '## Scenarios',
    '',
    '| scenario | connections | first side req/s | p50 ms | p99 ms | second side req/s | p50 ms | p99 ms | ratio | API RSS |',
    '|---|---:|---|---|---|---|---|---|---|---:|',
  );
  for (const p of results.paired) {
    out.push(
      `| ${p.name} | ${p.connections} | ${p.sides[0]}: ${range(p.a.reqPerSec)}${errorsOf(p.a)} | ${range(p.a.p50, ms)} | ${range(p.a.p99, ms)} | ` +
        `${p.sides[1]}: ${range(p.b.reqPerSec)}${errorsOf(p.b)} | ${range(p.b.p50, ms)} | ${range(p.b.p99, ms)} | ${ratioText(p.ratio)} | ${p.apiRssMaxBytes === null ? '' : mb(p.apiRssMaxBytes)} |`,
    );
  }
  if (results.sequential.length > 0) {
    out.push(
      '',
      '| one request at a time | side | p50 ms | p90 ms | max ms | requests |',
      '|---|---|---:|---:|---:|---:|',
    );
    for (const s of results.sequential) {
      for (const side of s.sides) {
        out.push(
          `| ${s.name} | ${side.name} | ${ms(side.p50)} | ${ms(side.p90)} | ${ms(side.max)} | ${side.requests} |`,
        );
      }
    }
  }
  out.push('', '## What each scenario is', '');
  for (const p of results.paired) {
    out.push(
      `- **${p.name}** — \`${p.method} ${p.path.length > 110 ? `${p.path.slice(0, 107)}...` : p.path}\`: ${p.note}`,
    );
  }
  for (const s of results.sequential) out.push(`- **${s.name}** — \`GET ${s.path}\`: ${s.note}`);
  if (results.export) {
    const e = results.export;
    out.push(
      `- **NDJSON export** — \`GET ${e.path}\`: ${
        e.skipped ??
        `${num(e.rows)} rows, ${mb(e.bytes)} in ${num(e.seconds, 1)} s; server RSS ${mb(e.rssBeforeBytes)} before, at most ${mb(e.rssMaxBytes)} while streaming`
      }.`,
    );
  }
  const imp = results.import;
  if ('skipped' in imp) out.push(`- **bulk import**: not measured: ${imp.skipped}.`);
  else out.push(`- **bulk import**: ${imp.note}`);
  out.push(
    '',
    'The limit is a bare Fastify app (`bench/limit-server.ts`) running hand-written prepared statements for the same rows ' +
      'and sending them with `reply.send(obj)`: no ORM, zod, validation, hooks or logging. Its attribution board runs the ' +
      "API's queries and counts origins with the API's own pure function, with the same entries per position, and keeps " +
      'a built board until the data changes, as the API does. Its search reads the page in the order the API answered in. ' +
      "Its create inserts the claim and its chain (no anchoring, no audit row) with the service's pragmas (WAL, " +
      'synchronous=FULL) and reads the claim back. Writes ran against a copy of the database.',
    '',
  );
  for (const p of results.profiles) {
    out.push(`## CPU profile: ${p.scenario}`, '', '| self time | where |', '|---:|---|');
    for (const x of p.byOrigin.slice(0, 10)) out.push(`| ${(x.share * 100).toFixed(1)}% | ${x.origin} |`);
    out.push('', '| self time | function | where |', '|---:|---|---|');
    for (const f of p.topFunctions.slice(0, 15))
      out.push(`| ${(f.share * 100).toFixed(1)}% | \`${f.fn}\` | ${f.origin} |`);
    out.push('');
  }
  return out.join('\n');
}
