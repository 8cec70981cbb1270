import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { loadConfig } from '../config.js';
import { openDatabase, openSnapshot } from '../db/client.js';
import { chunkLines } from '../lib/ndjson.js';
import { exportNdjson, exportSize } from '../modules/transfer/export.service.js';
import {
  CliError,
  createProgress,
  PROGRESS_OPTIONS,
  parseCommandLine,
  progressWanted,
  runCommand,
  UsageError,
} from './transfer-cli.js';

const HELP = `usage: npm run export -- <file.ndjson> [--force] [--progress | --no-progress]

Writes the whole record in the database at DATABASE_PATH (actors, sources, events, claims, retracted
ones included, attributions and claim links) to an NDJSON file, one record a line, in the format
npm run import and POST /imports take. The export is a consistent snapshot even while the server
writes. API keys and the audit log are not part of it. <file> may be - for standard output.

  --force          replace the file if it exists
  --progress       draw progress on stderr even when it is not a terminal
  --no-progress    never draw progress
  -h, --help       show this help

Exit status: 0 exported, 1 failed, 2 bad usage.
`;

await runCommand('export', async () => {
  const { values, positionals } = parseCommandLine(
    process.argv.slice(2),
    { force: { type: 'boolean' }, ...PROGRESS_OPTIONS },
    HELP,
  );
  if (positionals.length !== 1) throw new UsageError('give exactly one file to export to');
  const file = positionals[0] as string;
  const toStdout = file === '-';
  if (!toStdout && existsSync(file) && !values.force) {
    throw new CliError(`${file} exists; give --force to replace it`);
  }

  const db = openDatabase(loadConfig(process.env).databasePath);
  const snapshot = openSnapshot(db);
  const progress = createProgress('export', progressWanted(values));
  // Written beside the target and renamed at the end: a failed export leaves no half file behind.
  const partial = `${file}.partial-${process.pid}`;
  const started = performance.now();
  let records = 0;
  let bytes = 0;
  try {
    const total = exportSize(snapshot);
    const handle = toStdout
      ? null
      : await open(partial, 'wx').catch((err: Error) => {
          throw new CliError(`cannot write ${file}: ${err.message}`);
        });
    try {
      const counted = function* () {
        for (const line of exportNdjson(snapshot)) {
          records++;
          yield line;
        }
      };
      for (const chunk of chunkLines(counted())) {
        bytes += Buffer.byteLength(chunk);
        if (handle) await handle.write(chunk);
        else if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
        progress.update(records, total > 0 ? records / total : 1);
      }
      if (handle) await handle.sync();
    } finally {
      await handle?.close();
    }
    if (!toStdout) await rename(partial, file);
    progress.done(records);
    const seconds = (performance.now() - started) / 1000;
    const report = `Exported ${records.toLocaleString('en-US')} records (${(bytes / 1024 / 1024).toFixed(1)} MiB) to ${file} in ${seconds.toFixed(1)} s.\n`;
    (toStdout ? process.stderr : process.stdout).write(report);
  } catch (err) {
    progress.abandon();
    if (!toStdout) await rm(partial, { force: true });
    throw err;
  } finally {
    snapshot.$client.close();
    db.$client.close();
  }
});
