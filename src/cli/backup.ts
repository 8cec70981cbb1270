import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/client.js';

// npm run db:backup -- <file>: a consistent copy of the live database through SQLite's online backup API,
// safe while the server is running and writing (pages changed during the copy are copied again).
const target = process.argv[2];
if (!target) {
  console.error('usage: npm run db:backup -- <file>');
  process.exit(1);
}
if (existsSync(target)) {
  console.error(`${target} exists; refusing to overwrite it.`);
  process.exit(1);
}
const db = openDatabase(loadConfig(process.env).databasePath);
try {
  const started = Date.now();
  await db.$client.backup(resolve(target));
  const check = openDatabase(resolve(target));
  const integrity = check.$client.pragma('integrity_check', { simple: true }) as string;
  check.$client.close();
  if (integrity !== 'ok') throw new Error(`the copy failed its integrity check: ${integrity}`);
  console.log(`Backed up to ${target} in ${Date.now() - started} ms (integrity ok).`);
} catch (err) {
  console.error((err as Error).message);
  process.exitCode = 1;
} finally {
  db.$client.close();
}
