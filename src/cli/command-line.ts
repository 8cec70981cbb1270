import { type ParseArgsConfig, parseArgs } from 'node:util';
import { describeStartupError } from '../startup-errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses a command's arguments strictly: `--help` prints the usage, an unknown option or a missing value is
 * one line on stderr (exit 2), and nothing that starts with `-` is ever taken for a file name.
 */
export function parseCommandLine<O extends Options>(usage: string, options: O, argv = process.argv.slice(2)) {
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    }) as typeof parsed;
  } catch (err) {
    const code = (err as { code?: string }).code;
    const option = /'([^']+)'/.exec((err as Error).message)?.[1];
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') fail(`unknown option ${option}; see --help`);
    else fail(`${(err as Error).message.split('. ')[0]}; see --help`);
  }
  if (parsed.values.help) {
    console.log(usage);
    process.exit(0);
  }
  const flagLike = parsed.positionals.find((p) => p.startsWith('-'));
  if (flagLike !== undefined) fail(`${flagLike} looks like an option, not an argument; see --help`);
  return parsed as {
    values: { [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : string };
    positionals: string[];
  };
}

/** A usage error: one line, exit status 2. */
export function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

/** Runs a command; an error leaves as one line (no stack trace) with exit status 1. */
export async function runCommand(
  name: string,
  main: () => Promise<void> | void,
  databasePath?: () => string | undefined,
) {
  try {
    await main();
  } catch (err) {
    console.error(`${name}: ${describeStartupError(err, databasePath?.())}`);
    process.exitCode = 1;
  }
}
