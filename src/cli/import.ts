import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/client.js';
import { ProblemError } from '../errors.js';
import { NotUtf8Error, readNdjsonLines } from '../lib/ndjson.js';
import { SYSTEM_PRINCIPAL } from '../modules/keys/keys.service.js';
import { createImporter } from '../modules/transfer/import.service.js';
import { RECORD_TYPES, TYPE_NOUNS } from '../modules/transfer/transfer.format.js';
import {
  CliError,
  createProgress,
  PROGRESS_OPTIONS,
  parseCommandLine,
  progressWanted,
  runCommand,
  UsageError,
} from './transfer-cli.js';

const HELP = `usage: npm run import -- <file.ndjson> [--label <text>] [--progress | --no-progress]

Imports the records of an NDJSON file (one record a line: the format of POST /imports and of
npm run export) into the database at DATABASE_PATH, in one transaction, with the same checks as the API.
If any line is refused, nothing is stored and every refused line is listed on stderr.
<file> may be - for standard input.

  --label <text>   who the audit log says created the records (default: "import <file name>")
  --progress       draw progress on stderr even when it is not a terminal
  --no-progress    never draw progress
  -h, --help       show this help

Exit status: 0 imported, 1 refused or unreadable, 2 bad usage.
`;

const plural = (n: number, noun: string) => `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;

await runCommand('import', async () => {
  const { values, positionals } = parseCommandLine(
    process.argv.slice(2),
    { label: { type: 'string' }, ...PROGRESS_OPTIONS },
    HELP,
  );
  if (positionals.length !== 1) throw new UsageError('give exactly one file to import');
  const file = positionals[0] as string;
  const fromStdin = file === '-';
  let size: number | null = null;
  if (!fromStdin) {
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new CliError(
        `cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
      );
    }
    if (!stat.isFile()) throw new CliError(`${file} is not a file`);
    size = stat.size;
  }

  const db = openDatabase(loadConfig(process.env).databasePath);
  const sqlite = db.$client;
  const progress = createProgress('import', progressWanted(values));
  const label =
    typeof values.label === 'string' ? values.label : `import ${fromStdin ? 'stdin' : basename(file)}`;
  const importer = createImporter(db, { principal: { ...SYSTEM_PRINCIPAL, label } });
  const started = performance.now();
  let bytes = 0;
  const tick = setInterval(() => progress.update(importer.progress().lines, size ? bytes / size : null), 100);
  try {
    // One transaction for the whole file, taken for writing at once rather than failing half-way.
    sqlite.exec('BEGIN IMMEDIATE');
    const input = fromStdin ? process.stdin : createReadStream(file, { highWaterMark: 1024 * 1024 });
    for await (const { line, text } of readNdjsonLines(input, (n) => {
      bytes = n;
    })) {
      importer.add(line, text);
    }
    const summary = importer.finish();
    sqlite.exec('COMMIT');
    clearInterval(tick);
    progress.done(summary.lines);
    const seconds = (performance.now() - started) / 1000;
    const created = RECORD_TYPES.filter((t) => summary.created[t] > 0)
      .map((t) => plural(summary.created[t], TYPE_NOUNS[t]))
      .join(', ');
    const matched =
      summary.matched.actor > 0 ? `; matched ${plural(summary.matched.actor, 'existing actor')}` : '';
    process.stdout.write(
      `Imported ${plural(summary.lines, 'record')} from ${file} in ${seconds.toFixed(1)} s ` +
        `(${Math.round(summary.lines / Math.max(seconds, 0.001)).toLocaleString('en-US')} records/s): ${created || 'nothing new'}${matched}.\n`,
    );
  } catch (err) {
    clearInterval(tick);
    progress.abandon();
    if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
    if (err instanceof ProblemError && err.code === 'IMPORT_REFUSED') {
      for (const e of err.extras.errors ?? []) {
        process.stderr.write(`line ${e.line}${e.pointer ? ` ${e.pointer}` : ''}: ${e.message} [${e.code}]\n`);
      }
      throw new CliError(
        `${err.message.replace('; nothing was stored.', '')} in ${file}; nothing was stored.`,
      );
    }
    if (err instanceof ProblemError && err.code === 'EMPTY_BODY')
      throw new CliError(`${file} has no records`);
    if (err instanceof NotUtf8Error) throw new CliError(`${file} is ${err.message}; nothing was stored`);
    throw err;
  } finally {
    sqlite.close();
  }
});
