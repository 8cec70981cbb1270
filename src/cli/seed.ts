import { loadConfig } from '../config.js';
import { openDatabase } from '../db/client.js';
import { DEFAULT_SEED_FILE, loadSeedFile } from '../seeds/seed-loader.js';

// npm run db:seed [-- <seed file>]: migrates the configured database and loads a seed file into it.
const config = loadConfig(process.env);
const db = openDatabase(config.databasePath);
try {
  const result = loadSeedFile(db, process.argv[2] ?? DEFAULT_SEED_FILE);
  const what = Object.entries(result.counts)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  console.log(
    result.loaded ? `Loaded seed "${result.name}": ${what}.` : `Seed "${result.name}" was already loaded.`,
  );
} finally {
  db.$client.close();
}
