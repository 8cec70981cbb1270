import { type ParseArgsConfig, parseArgs } from 'node:util';

// What `npm run import` and `npm run export` share: flags and --help, one-line errors with an exit status,
// and a progress bar on stderr.

/** A mistake in the command line: exit status 2 and a pointer to --help. */
export class UsageError extends Error {}

/** A failure to report in one line (a bad file, a refused import): exit status 1. */
export class CliError extends Error {}

type Options = NonNullable<ParseArgsConfig['options']>;

export const PROGRESS_OPTIONS = {
  progress: { type: 'boolean' },
  'no-progress': { type: 'boolean' },
} as const satisfies Options;

export interface CommandLine {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** Parses flags strictly; prints the help and exits on -h/--help. */
export function parseCommandLine(args: string[], options: Options, help: string): CommandLine {
  let parsed: CommandLine;
  try {
    parsed = parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    }) as CommandLine;
  } catch (err) {
    // node:util's messages, without their advice on positionals that start with a dash.
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
  if (parsed.values.help) {
    process.stdout.write(help);
    process.exit(0);
  }
  return parsed;
}

const oneLine = (message: string) => message.replace(/\s*\n\s*/g, '; ').trim();

/** Runs a command: its errors become one line on stderr (never a stack trace) and an exit status. */
export async function runCommand(name: string, main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`${name}: ${oneLine(err.message)} (npm run ${name} -- --help for usage)\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`${name}: ${oneLine(err instanceof Error ? err.message : String(err))}\n`);
      process.exitCode = 1;
    }
  }
}

/** Whether to draw progress: on a terminal by default, or as asked. */
export function progressWanted(values: CommandLine['values']) {
  if (values['no-progress']) return false;
  return values.progress === true || process.stderr.isTTY === true;
}

// A terminal that does not know its width says 0.
const columns = () => process.stderr.columns || 100;

const grouped = (n: number) => Math.round(n).toLocaleString('en-US');
const clock = (seconds: number) => {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
};

/**
 * A progress bar on stderr: records done, records/s and the time left, from `fraction` (work done, 0-1).
 * On a terminal it redraws one line; elsewhere (when asked with --progress) it writes a line a second.
 */
export function createProgress(label: string, enabled: boolean) {
  const tty = process.stderr.isTTY === true;
  const started = performance.now();
  // Nothing is drawn for work done within the first interval: a quick run shows only its last line.
  let last = started;
  let drawn = false;
  const render = (records: number, fraction: number | null) => {
    const elapsed = (performance.now() - started) / 1000;
    const rate = elapsed > 0 ? records / elapsed : 0;
    const counts = [`${grouped(records)} records`, `${grouped(rate)} records/s`];
    if (fraction !== null && fraction > 0 && fraction < 1) {
      counts.push(`ETA ${clock((elapsed / fraction) * (1 - fraction))}`);
    } else counts.push(`${clock(elapsed)} elapsed`);
    const parts = [label];
    if (fraction !== null) {
      const f = Math.min(1, Math.max(0, fraction));
      // The bar takes what the terminal's width leaves, between 10 and 30 characters.
      const rest = label.length + counts.join('  ').length + 12;
      const width = Math.max(10, Math.min(30, columns() - 1 - rest));
      const filled = Math.round(f * width);
      parts.push(
        `${String(Math.floor(f * 100)).padStart(3)}% [${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`,
      );
    }
    parts.push(...counts);
    return parts.join('  ');
  };
  return {
    update(records: number, fraction: number | null) {
      if (!enabled) return;
      const now = performance.now();
      if (now - last < (tty ? 100 : 1000)) return;
      last = now;
      const line = render(records, fraction);
      process.stderr.write(tty ? `\r${line.slice(0, columns() - 1)}\x1b[K` : `${line}\n`);
      drawn = true;
    },
    done(records: number) {
      if (!enabled) return;
      const line = render(records, 1);
      if (tty) process.stderr.write(`\r${line.slice(0, columns() - 1)}\x1b[K\n`);
      else process.stderr.write(`${line}\n`);
    },
    /** Clears a half-drawn line before an error is printed. */
    abandon() {
      if (enabled && tty && drawn) process.stderr.write('\r\x1b[K');
    },
  };
}
