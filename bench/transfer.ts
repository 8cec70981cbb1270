/**
 * `npm run bench:transfer [-- --db data/bench.db]`: bulk export and import at scale.
 *
 * On the benchmark database (`npm run bench:data`, e.g. `-- --claims 100000 --out data/bench-100k.db`):
 *  1. `npm run export` to a file: records/s, and the peak resident memory of the exporting process;
 *  2. `GET /export` from the real server, read and discarded by this process: records/s, and the server's
 *     peak memory beside an idle server's (the export streams, so the difference stays small whatever the
 *     size of the record);
 *  3. `npm run import` of the file into an empty database: records/s and peak memory.
 * Each runs in a child process of its own, so that each peak is its own; the exports run with a 64 MiB V8 heap,
 * which a record held in memory would not fit. Figures are printed, never asserted.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { db: { type: 'string', default: 'data/bench.db' } } });
const database = resolve(values.db as string);
if (!existsSync(database)) {
  console.error(`${database} does not exist: build it with npm run bench:data first`);
  process.exit(1);
}

// Each child reports its own lifetime peak RSS (kB) on stderr as it exits.
const REPORT_RSS =
  'data:text/javascript,process.on("exit",()=>process.stderr.write("maxrss="+process.resourceUsage().maxRSS+"\\n"))';

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
  maxRssMiB: number;
}

// The streaming phases run with a small V8 heap: were the export held in memory, they would run out of it.
const HEAP_CAP_MIB = 64;
const CAPPED = [`--max-old-space-size=${HEAP_CAP_MIB}`];

function runChild(
  script: string,
  args: string[],
  env: Record<string, string>,
  onStdout?: (s: string) => void,
  nodeArgs: string[] = [],
) {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [...nodeArgs, '--import', 'tsx', '--import', REPORT_RSS, script, ...args],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => {
    stdout += c;
    onStdout?.(c);
  });
  child.stderr.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
  });
  const finished = new Promise<Finished>((done) => {
    child.on('close', (code) => {
      const rss = Number(/maxrss=(\d+)/.exec(stderr)?.[1] ?? 0);
      done({ code, stdout, stderr, seconds: (performance.now() - started) / 1000, maxRssMiB: rss / 1024 });
    });
  });
  return { child, finished };
}

const grouped = (n: number) => Math.round(n).toLocaleString('en-US');
const reported = (text: string) => Number(/in (\d+(?:\.\d+)?) s/.exec(text)?.[1] ?? Number.NaN);

const work = mkdtempSync(join(tmpdir(), 'claimledger-transfer-'));
try {
  const file = join(work, 'export.ndjson');
  const exported = await runChild(
    'src/cli/export.ts',
    [file, '--no-progress'],
    { DATABASE_PATH: database },
    undefined,
    CAPPED,
  ).finished;
  if (exported.code !== 0) throw new Error(`export failed: ${exported.stderr}`);
  const records = Number((/Exported ([\d,]+) records/.exec(exported.stdout)?.[1] ?? '0').replaceAll(',', ''));
  const mib = statSync(file).size / 1024 / 1024;
  const exportSeconds = reported(exported.stdout);

  // The server, idle and then streaming the export to a reader that keeps up.
  const key = `clk_${randomBytes(6).toString('hex')}_${randomBytes(32).toString('base64url')}`;
  const serve = async (exportIt: boolean) => {
    let announce: (url: string) => void = () => {};
    const listening = new Promise<string>((r) => {
      announce = r;
    });
    const server = runChild(
      'src/server.ts',
      [],
      { DATABASE_PATH: database, SEED: 'false', PORT: '0', LOG_LEVEL: 'info', BOOTSTRAP_ADMIN_KEY: key },
      (chunk) => {
        const url = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(chunk)?.[1];
        if (url) announce(url);
      },
      CAPPED,
    );
    const url = await listening;
    let seconds = 0;
    let bytes = 0;
    if (exportIt) {
      const started = performance.now();
      const res = await fetch(`${url}/export`, { headers: { authorization: `Bearer ${key}` } });
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) bytes += chunk.byteLength;
      seconds = (performance.now() - started) / 1000;
    } else await fetch(`${url}/health`);
    server.child.kill('SIGTERM');
    const finished = await server.finished;
    if (exportIt && finished.code !== 0)
      throw new Error(`the server failed: ${finished.stderr.slice(-2000)}`);
    return { ...finished, exportSeconds: seconds, bytes };
  };
  const idle = await serve(false);
  const streaming = await serve(true);

  const target = join(work, 'imported.db');
  const imported = await runChild('src/cli/import.ts', [file, '--no-progress'], { DATABASE_PATH: target })
    .finished;
  if (imported.code !== 0) throw new Error(`import failed: ${imported.stderr.slice(0, 2000)}`);
  const importSeconds = reported(imported.stdout);

  console.log(`record: ${grouped(records)} records, ${mib.toFixed(1)} MiB of NDJSON, from ${database}`);
  console.log(`both exports ran with a ${HEAP_CAP_MIB} MiB V8 heap (--max-old-space-size)`);
  console.log(
    `export (npm run export):  ${exportSeconds.toFixed(1)} s, ${grouped(records / exportSeconds)} records/s, ` +
      `peak RSS ${exported.maxRssMiB.toFixed(0)} MiB`,
  );
  console.log(
    `export (GET /export):     ${streaming.exportSeconds.toFixed(1)} s, ${grouped(records / streaming.exportSeconds)} records/s, ` +
      `${(streaming.bytes / 1024 / 1024).toFixed(1)} MiB; server peak RSS ${streaming.maxRssMiB.toFixed(0)} MiB ` +
      `(idle server: ${idle.maxRssMiB.toFixed(0)} MiB)`,
  );
  console.log(
    `import (npm run import):  ${importSeconds.toFixed(1)} s, ${grouped(records / importSeconds)} records/s, ` +
      `peak RSS ${imported.maxRssMiB.toFixed(0)} MiB`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
