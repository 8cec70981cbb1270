import { loadConfig } from '../config.js';
import { openDatabase } from '../db/client.js';
import { DEFAULT_SEED_FILE, loadSeedFile } from '../seeds/seed-loader.js';
import { fail, parseCommandLine, runCommand } from './command-line.js';

const usage = `Migrate the database at DATABASE_PATH and load a seed file into it (a seed already loaded is skipped).

usage: npm run db:seed [-- [--create] [<seed file>]]

  <seed file>  a seed document, default ${DEFAULT_SEED_FILE}
  --create     create the database if DATABASE_PATH does not exist (the default path always may be)`;

const { positionals, values } = parseCommandLine(usage, { create: { type: 'boolean' } });
if (positionals.length > 1) fail(`unexpected argument ${positionals[1]}; see --help`);

let databasePath: string | undefined;
await runCommand(
  'db:seed',
  () => {
    const config = loadConfig(process.env);
    databasePath = config.databasePath;
    const db = openDatabase(config.databasePath, {
      create: config.createDatabase || values.create === true,
      optimize: false,
    });
    try {
      const result = loadSeedFile(db, positionals[0] ?? DEFAULT_SEED_FILE);
      const what = Object.entries(result.counts)
        .map(([k, n]) => `${n} ${k}`)
        .join(', ');
      console.log(
        result.loaded
          ? `Loaded seed "${result.name}": ${what}.`
          : `Seed "${result.name}" was already loaded.`,
      );
    } finally {
      db.$client.close();
    }
  },
  () => databasePath,
);
