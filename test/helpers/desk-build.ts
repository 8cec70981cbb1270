import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

// vitest globalSetup: the browser tests load the built desk from dist/desk, as the service serves it.
// On a fresh clone (or after the page's sources changed) it is built once before any test runs.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SOURCES = join(ROOT, 'src', 'desk');
const BUILT = join(ROOT, 'dist', 'desk', 'index.html');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export function deskBuildIsCurrent(): boolean {
  return existsSync(BUILT) && statSync(BUILT).mtimeMs >= newestMtime(SOURCES);
}

export default async function setup() {
  if (deskBuildIsCurrent()) return;
  await build({ configFile: join(SOURCES, 'vite.config.ts'), logLevel: 'warn' });
}
