import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/client.js';
import { loadSeedFile } from '../src/seeds/seed-loader.js';
import { parseLines } from './helpers/transfer.js';

// The import and export commands, run as `npm run import|export` runs them, on temporary database files.

const ROOT = fileURLToPath(new URL('..', import.meta.url));
let dir: string;
let seeded: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: 'import' | 'export', args: string[], database: string, input?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `src/cli/${command}.ts`, ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_PATH: database },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

const counts = (database: string) => {
  const db = openDatabase(database);
  try {
    return ['actors', 'sources', 'events', 'claims', 'attributions', 'claim_links', 'audit_log'].map(
      (t) => (db.$client.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n,
    );
  } finally {
    db.$client.close();
  }
};

const oneLine = (text: string) => {
  expect(text.endsWith('\n')).toBe(true);
  expect(text.trimEnd().split('\n')).toHaveLength(1);
  expect(text).not.toMatch(/\n\s+at /);
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'claimledger-cli-'));
  seeded = join(dir, 'seeded.db');
  const db = openDatabase(seeded);
  loadSeedFile(db);
  db.$client.close();
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('npm run export and npm run import', () => {
  it('round-trips the seeded database through a file: the copy exports the same lines', async () => {
    const file = join(dir, 'seed.ndjson');
    const exported = await run('export', [file, '--progress'], seeded);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(/^Exported 103 records \(0\.0 MiB\) to .*seed\.ndjson in \d+\.\d s\.\n$/);
    // Without a terminal, --progress writes a line a second and a last one when done.
    const progress = exported.stderr.trimEnd().split('\n');
    for (const line of progress) {
      expect(line).toMatch(
        /^export +\d+% \[[#.]+\] {2}[\d,]+ records {2}[\d,]+ records\/s {2}(ETA|\d+:\d\d elapsed)/,
      );
    }
    expect(progress.at(-1)).toMatch(
      /^export +100% \[#+\] {2}103 records {2}[\d,]+ records\/s {2}\d+:\d\d elapsed$/,
    );
    const copy = join(dir, 'copy.db');
    const imported = await run('import', [file, '--no-progress'], copy);
    expect(imported).toEqual({
      code: 0,
      stdout: expect.stringMatching(
        /^Imported 103 records from .*seed\.ndjson in \d+\.\d s \([\d,]+ records\/s\): 20 actors, 2 sources, 11 events, 40 claims, 13 attributions, 17 claim links\.\n$/,
      ),
      stderr: '',
    });
    const again = await run('export', ['-'], copy);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(readFileSync(file, 'utf8'));
    expect(parseLines(again.stdout)).toHaveLength(103);
    // The import's audit records: one per record, as the system with the file's name.
    const db = openDatabase(copy);
    const labels = db.$client.prepare('SELECT DISTINCT key_label AS label FROM audit_log').all();
    db.$client.close();
    expect(labels).toEqual([{ label: 'import seed.ndjson' }]);
  });

  it('imports from standard input and refuses to overwrite an export unless forced', async () => {
    const file = join(dir, 'exists.ndjson');
    writeFileSync(file, 'keep me');
    const refused = await run('export', [file], seeded);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`export: ${file} exists; give --force to replace it\n`);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
    const forced = await run('export', [file, '--force'], seeded);
    expect(forced.code).toBe(0);
    expect(parseLines(readFileSync(file, 'utf8'))).toHaveLength(103);

    const target = join(dir, 'stdin.db');
    const piped = await run(
      'import',
      ['-', '--label', 'Night desk'],
      target,
      '{"type":"actor","ref":"a","name":"Iran","kind":"state"}\n',
    );
    expect(piped.code).toBe(0);
    expect(piped.stdout).toMatch(/^Imported 1 record from - in \d+\.\d s .*: 1 actor\.\n$/);
    expect(counts(target).slice(0, 1)).toEqual([1]);
  });

  it('lists every refused line of a file as the 422 does, stores nothing, and exits 1', async () => {
    const target = join(dir, 'refused.db');
    const before = counts(target);
    const file = join(dir, 'bad.ndjson');
    writeFileSync(
      file,
      [
        '{"type":"actor","ref":"iran","name":"Iran","kind":"state"}',
        '{"type":"actor","ref":"mod","name":"Ministry","kind":"ministry"}',
        '{"type":"actor","name":"Official","kind":"person","parentRef":"mod"}',
        'not json',
      ].join('\n'),
    );
    const res = await run('import', [file], target);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    const lines = res.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^line 2 \/kind: Invalid option: expected one of .* \[VALIDATION_FAILED\]$/);
    expect(lines.slice(1)).toEqual([
      'line 3 /parentRef: Ref "mod" is line 2\'s, which was refused. [REFERENCE_NOT_FOUND]',
      expect.stringMatching(/^line 4: Not valid JSON: .* \[MALFORMED_JSON\]$/),
      `import: 3 of 4 lines were refused in ${file}; nothing was stored.`,
    ]);
    expect(counts(target)).toEqual(before);
  });

  it('answers --help, and a bad flag, a missing, empty or binary file with one line and an exit status', async () => {
    // A database each: commands run side by side, and two of them migrating one new file would race.
    let n = 0;
    const database = () => join(dir, `errors-${n++}.db`);
    const binary = join(dir, 'image.ndjson');
    writeFileSync(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0x00]));
    const empty = join(dir, 'empty.ndjson');
    writeFileSync(empty, '\n\n');
    const [importHelp, exportHelp, flag, extra, missing, folder, notText, nothing] = await Promise.all([
      run('import', ['--help'], database()),
      run('export', ['-h'], database()),
      run('import', ['x.ndjson', '--bogus'], database()),
      run('export', ['a.ndjson', 'b.ndjson'], database()),
      run('import', [join(dir, 'nope.ndjson')], database()),
      run('import', [dir], database()),
      run('import', [binary], database()),
      run('import', [empty], database()),
    ]);
    expect(importHelp.code).toBe(0);
    expect(importHelp.stdout).toMatch(/^usage: npm run import -- <file\.ndjson>/);
    expect(exportHelp.code).toBe(0);
    expect(exportHelp.stdout).toMatch(/^usage: npm run export -- <file\.ndjson>/);

    expect(flag.code).toBe(2);
    expect(flag.stderr).toBe("import: Unknown option '--bogus' (npm run import -- --help for usage)\n");
    expect(extra.code).toBe(2);
    expect(extra.stderr).toBe(
      'export: give exactly one file to export to (npm run export -- --help for usage)\n',
    );
    for (const res of [missing, folder, notText, nothing]) {
      expect(res.code).toBe(1);
      oneLine(res.stderr);
    }
    expect(missing.stderr).toBe(`import: cannot read ${join(dir, 'nope.ndjson')}: no such file\n`);
    expect(folder.stderr).toBe(`import: ${dir} is not a file\n`);
    expect(notText.stderr).toBe(
      `import: ${binary} is not UTF-8 text (an invalid byte sequence near byte 0); nothing was stored\n`,
    );
    expect(nothing.stderr).toBe(`import: ${empty} has no records\n`);
  });
});
