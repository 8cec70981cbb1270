import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp } from './helpers/app.js';

// The command-line tools as a newsroom runs them: `npm run keys`, `db:seed` and `db:backup`.

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);
let dir: string;
let live: string;

async function cli(script: 'keys' | 'seed' | 'backup', args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', 'tsx', `src/cli/${script}.ts`, ...args],
      {
        cwd: ROOT,
        env: { ...process.env, DATABASE_PATH: live, ...env },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'claimledger-cli-'));
  live = join(dir, 'live.db');
  const seeded = await cli('seed', ['--create', join(ROOT, 'seeds/isfahan.json')]);
  expect(seeded, seeded.stderr).toMatchObject({ code: 0 });
}, 30_000);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const oneLine = (text: string) => text.trim().split('\n');

describe('every tool', () => {
  it('takes --help, refuses unknown options in one line, and never takes an option for a file', async () => {
    const results = await Promise.all([
      cli('keys', ['--help']),
      cli('seed', ['--help']),
      cli('backup', ['--help']),
      cli('keys', ['list', '--verbose']),
      cli('seed', ['--force']),
      cli('backup', ['--out', 'x.db']),
      cli('backup', ['-h']),
      cli('backup', ['--', '--help']),
    ]);
    const [keysHelp, seedHelp, backupHelp, keysBad, seedBad, backupBad, backupShort, backupDashed] = results;
    for (const help of [keysHelp, seedHelp, backupHelp, backupShort]) {
      expect(help?.code).toBe(0);
      expect(help?.stdout).toMatch(/usage: npm run /);
    }
    expect(keysBad).toMatchObject({ code: 2, stderr: 'unknown option --verbose; see --help\n' });
    expect(seedBad).toMatchObject({ code: 2, stderr: 'unknown option --force; see --help\n' });
    expect(backupBad).toMatchObject({ code: 2, stderr: 'unknown option --out; see --help\n' });
    expect(backupDashed?.code).toBe(2);
    expect(oneLine(backupDashed?.stderr ?? '')).toEqual([
      '--help looks like an option, not an argument; see --help',
    ]);
    // No file was written under any of those names (relative paths are the project folder's here).
    for (const folder of [ROOT, dir]) {
      expect(readdirSync(folder).filter((f) => f.startsWith('-') || f === 'x.db')).toEqual([]);
    }
  }, 30_000);

  it('refuses to create an empty database when DATABASE_PATH names a file that does not exist', async () => {
    const typo = join(dir, 'claimledgr.db');
    const results = await Promise.all([
      cli('keys', ['list'], { DATABASE_PATH: typo }),
      cli('keys', ['create', '--role', 'editor'], { DATABASE_PATH: typo }),
      cli('backup', [join(dir, 'copy-of-typo.db')], { DATABASE_PATH: typo }),
      cli('seed', [], { DATABASE_PATH: typo }),
    ]);
    for (const result of results) {
      expect(result.code).toBe(1);
      expect(oneLine(result.stderr)).toEqual([
        expect.stringMatching(/DATABASE_PATH=.*claimledgr\.db does not exist/),
      ]);
    }
    expect(existsSync(typo)).toBe(false);
    expect(existsSync(join(dir, 'copy-of-typo.db'))).toBe(false);
  }, 30_000);
});

describe('npm run keys', () => {
  it('creates, lists and revokes keys; generate prints a fresh key for BOOTSTRAP_ADMIN_KEY', async () => {
    const created = await cli('keys', ['create', '--role', 'editor', '--label', 'Night desk']);
    expect(created.code).toBe(0);
    expect(created.stdout.trim()).toMatch(/^clk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    const listed = await cli('keys', ['list']);
    expect(listed.stdout).toMatch(/\teditor\tclk_[0-9a-f]{12}…\tactive\tNight desk\n/);
    const id = /^(\d+)\teditor/m.exec(listed.stdout)?.[1];
    expect((await cli('keys', ['revoke', String(id)])).stdout).toBe(`Revoked key ${id} (Night desk).\n`);
    expect(await cli('keys', ['revoke', 'abc'])).toMatchObject({
      code: 2,
      stderr: 'revoke needs the id of a key; see --help\n',
    });
    expect(await cli('keys', ['create', '--role', 'boss'])).toMatchObject({
      code: 2,
      stderr: 'create needs --role reader, editor or admin; see --help\n',
    });
    const generated = await cli('keys', ['generate'], { DATABASE_PATH: join(dir, 'none.db') });
    expect(generated.stdout.trim()).toMatch(/^clk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(existsSync(join(dir, 'none.db'))).toBe(false);
  }, 30_000);
});

describe('npm run db:backup', () => {
  it('creates the backup’s folder, never overwrites, and leaves one checked file', async () => {
    const target = join(dir, 'backups', '2026', 'copy.db');
    const made = await cli('backup', [target]);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toMatch(/^Backed up to .*copy\.db in \d+ ms \(integrity ok\)\.\n$/);
    expect(readdirSync(join(dir, 'backups', '2026'))).toEqual(['copy.db']);
    const copy = new Database(target, { readonly: true });
    expect(copy.prepare('SELECT count(*) FROM claims').pluck().get()).toBeGreaterThan(10);
    copy.close();
    expect(await cli('backup', [target])).toMatchObject({
      code: 2,
      stderr: `${target} exists; refusing to overwrite it.\n`,
    });
  }, 30_000);

  it('runs beside a live server that keeps writing: no write waits for it or is refused', async () => {
    const app = await buildTestApp({ databasePath: live, writeLockTimeoutMs: 0 });
    try {
      let stop = false;
      const statuses: number[] = [];
      const writer = (async () => {
        for (let n = 0; !stop && n < 2_000; n++) {
          statuses.push(
            (await app.api.post('/actors').send({ name: `During backup ${n}`, kind: 'group' })).status,
          );
        }
      })();
      const [backup, keys] = await Promise.all([
        cli('backup', [join(dir, 'during.db')]),
        cli('keys', ['create', '--role', 'reader']),
      ]);
      stop = true;
      await writer;
      expect(backup.code, backup.stderr).toBe(0);
      expect(keys.code, keys.stderr).toBe(0);
      // With no wait for the lock allowed at all, every write still went through.
      expect(statuses.length).toBeGreaterThan(5);
      expect(statuses.filter((s) => s !== 201)).toEqual([]);
    } finally {
      await app.close();
    }
  }, 30_000);
});
