import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { injectFsyncErrors, straceAvailable } from './helpers/faults.js';
import {
  generateKey,
  killHard,
  runUntilExit,
  type ServerProcess,
  startServer,
  waitForExit,
} from './helpers/server-process.js';

/*
 * Storage faults met by the real server (src/server.ts in a child process): fsync failing with EIO
 * (strace), with a clean exit for the supervisor and with a SIGKILL right after the failure, under write
 * load; a full disk (a 4 MiB tmpfs); and start-ups that must stop with one line.
 */

const adminKey = generateKey();
let dir: string;
const servers: ServerProcess[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'claimledger-faults-'));
});
afterAll(async () => {
  for (const s of servers) await killHard(s);
  rmSync(dir, { recursive: true, force: true });
});

async function start(databasePath: string, extra: Record<string, string> = {}) {
  const server = await startServer({
    DATABASE_PATH: databasePath,
    CREATE_DATABASE: 'true',
    SEED: 'false',
    RATE_LIMIT_MAX: '1000000',
    BOOTSTRAP_ADMIN_KEY: adminKey,
    ...extra,
  });
  servers.push(server);
  return server;
}

async function call(server: ServerProcess, method: string, path: string, body?: unknown, key?: string) {
  const res = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${adminKey}`,
      'content-type': 'application/json',
      ...(key ? { 'idempotency-key': key } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

function fileCheck(path: string) {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);
    const names = db.prepare('SELECT name FROM actors ORDER BY id').pluck().all() as string[];
    const audited = db
      .prepare(
        "SELECT resource_id FROM audit_log WHERE resource = 'actor' AND operation = 'create' ORDER BY resource_id",
      )
      .pluck()
      .all();
    const ids = db.prepare('SELECT id FROM actors ORDER BY id').pluck().all();
    // Nothing half-written: every stored actor has its one audit record, and no audit record lacks its actor.
    expect(audited).toEqual(ids);
    return names;
  } finally {
    db.close();
  }
}

/**
 * A retry with the same Idempotency-Key after the restart: a write that never reached the disk is made now
 * (201); one that did is not made twice (409 IDEMPOTENCY_KEY_IN_USE, saying it was stored).
 */
function expectRetryOutcome(retry: Awaited<ReturnType<typeof call>>, wasStored: boolean) {
  if (wasStored) {
    expect(retry.status, JSON.stringify(retry.body)).toBe(409);
    expect(retry.body.code).toBe('IDEMPOTENCY_KEY_IN_USE');
    expect(retry.body.detail).toContain('was stored');
  } else {
    expect(retry.status, JSON.stringify(retry.body)).toBe(201);
  }
}

describe('fsync failing with EIO on a commit (strace)', () => {
  it('answers 503, exits with status 70, and after the restart the failed write is absent or never acknowledged', async () => {
    expect(straceAvailable()).toBeNull();
    const path = join(dir, 'eio.db');
    const server = await start(path);
    for (const name of ['Before 1', 'Before 2'])
      expect((await call(server, 'POST', '/actors', { name, kind: 'group' })).status).toBe(201);
    const child = server.child.pid as number;
    const injection = await injectFsyncErrors(child);
    let failed: Awaited<ReturnType<typeof call>>;
    try {
      failed = await call(server, 'POST', '/actors', { name: 'Victim', kind: 'group' }, 'victim-1');
    } finally {
      // The process exits by itself; strace goes with it (or is stopped here).
      const status = await waitForExit(server, 5_000);
      await injection.stop();
      expect(status, server.logTail()).toEqual({ code: 70, signal: null });
    }
    expect(failed.status).toBe(503);
    expect(failed.body.code).toBe('STORAGE_FAILED');
    expect(failed.headers.get('retry-after')).toBe('10');
    expect(server.logTail()).toMatch(/"level":60.*SQLITE_IOERR_FSYNC.*refusing writes/);

    // The restart recovers the file: whatever is on disk now is what every later read says.
    const again = await start(path);
    expect((await call(again, 'GET', '/health/ready')).status).toBe(200);
    const names = fileCheck(path);
    expect(names.slice(0, 2)).toEqual(['Before 1', 'Before 2']);
    expect(names.filter((n) => n === 'Victim').length).toBeLessThanOrEqual(1);
    // The client's retry with the same Idempotency-Key leaves exactly one record, whichever way it went.
    const retry = await call(again, 'POST', '/actors', { name: 'Victim', kind: 'group' }, 'victim-1');
    expectRetryOutcome(retry, names.includes('Victim'));
    expect(fileCheck(path).filter((n) => n === 'Victim')).toEqual(['Victim']);
    again.child.kill('SIGTERM');
    expect(await waitForExit(again, 10_000)).toEqual({ code: 0, signal: null });
  }, 60_000);

  it('killed right after the failure, under write load: every acknowledged write is kept, nothing unacknowledged is doubled by a retry', async () => {
    expect(straceAvailable()).toBeNull();
    const path = join(dir, 'eio-crash.db');
    const server = await start(path);
    const acked = new Map<string, { id: number; name: string }>();
    const unacked = new Set<string>();
    let injected = false;
    let firstFailure: (() => void) | undefined;
    const failure = new Promise<void>((resolve) => {
      firstFailure = resolve;
    });
    const writer = async (w: number) => {
      for (let n = 0; n < 400; n++) {
        const name = `w${w}-n${n}`;
        try {
          const res = await call(server, 'POST', '/actors', { name, kind: 'group' }, name);
          if (res.status === 201) {
            acked.set(name, res.body);
            continue;
          }
          expect(injected, `${name} answered ${res.status} before any fault`).toBe(true);
          expect(res.status).toBe(503);
          expect(res.body.code).toBe('STORAGE_FAILED');
          unacked.add(name);
          firstFailure?.();
          return;
        } catch (err) {
          if (!injected) throw err;
          unacked.add(name); // the server died under it: unknown outcome
          return;
        }
      }
    };
    const loops = [0, 1, 2, 3].map(writer);
    let ended = false;
    void Promise.allSettled(loops).then(() => {
      ended = true;
    });
    const warmUp = Date.now() + 15_000;
    while (acked.size < 40 && !ended && Date.now() < warmUp) await new Promise((r) => setTimeout(r, 10));
    expect(acked.size, 'writes acknowledged before the fault').toBeGreaterThanOrEqual(40);
    injected = true;
    const injection = await injectFsyncErrors(server.child.pid as number);
    await Promise.race([failure, new Promise((r) => setTimeout(r, 5_000))]);
    server.child.kill('SIGKILL');
    await waitForExit(server, 5_000);
    await injection.stop();
    await Promise.all(loops);
    expect(unacked.size).toBeGreaterThan(0);

    const again = await start(path);
    const stored = fileCheck(path);
    const count = (name: string) => stored.filter((n) => n === name).length;
    for (const [name] of acked) expect(count(name), `acknowledged ${name}`).toBe(1);
    for (const name of unacked) expect(count(name), `unacknowledged ${name}`).toBeLessThanOrEqual(1);
    expect(stored.every((n) => acked.has(n) || unacked.has(n))).toBe(true);
    const list = await call(again, 'GET', '/actors?limit=100');
    for (const actor of list.body.data as { id: number; name: string }[]) {
      if (acked.has(actor.name)) expect(actor).toEqual(acked.get(actor.name));
    }
    // Each client retries what was never acknowledged, with the same key: one record each, no duplicate.
    for (const name of unacked) {
      const retry = await call(again, 'POST', '/actors', { name, kind: 'group' }, name);
      expectRetryOutcome(retry, count(name) === 1);
    }
    const after = fileCheck(path);
    for (const name of [...acked.keys(), ...unacked])
      expect(
        after.filter((n) => n === name),
        name,
      ).toEqual([name]);
    again.child.kill('SIGTERM');
    await waitForExit(again, 10_000);
  }, 60_000);
});

describe('a full disk (a 4 MiB tmpfs)', () => {
  let mount: string;
  let mounted = false;
  beforeAll(() => {
    mount = join(dir, 'small-disk');
    mkdirSync(mount);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mount]);
    mounted = true;
  });
  afterAll(() => {
    if (mounted) execFileSync('umount', ['-l', mount]);
  });

  /** Writes zeros until the file system is full, then frees `leaveBytes`. */
  function fill(file: string, leaveBytes = 0) {
    const fd = openSync(file, 'w');
    const chunk = Buffer.alloc(16 * 1024);
    try {
      for (;;) writeSync(fd, chunk);
    } catch (err) {
      expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
    } finally {
      closeSync(fd);
    }
    if (leaveBytes > 0) execFileSync('truncate', ['-s', `-${leaveBytes}`, file]);
  }

  it('answers 507 DISK_FULL, keeps serving reads, writes again once space is freed; a start-up on a full disk is one line', async () => {
    const path = join(mount, 'claimledger.db');
    const filler = join(mount, 'filler');
    const server = await start(path);
    expect((await call(server, 'POST', '/actors', { name: 'Before', kind: 'group' })).status).toBe(201);
    fill(filler, 16 * 1024);

    const text = 'The disk is full. '.repeat(20_000);
    const res = await call(server, 'POST', '/sources', { title: 'Too big', kind: 'other', text }, 'big-1');
    expect(res.status, JSON.stringify(res.body)).toBe(507);
    expect(res.body).toMatchObject({ code: 'DISK_FULL', title: 'The disk is full', status: 507 });
    expect(res.body.detail).toContain('disk holding the database is full');
    expect(res.headers.get('retry-after')).toBe('60');
    expect((await call(server, 'GET', '/actors')).status).toBe(200);
    expect((await call(server, 'GET', '/health/ready')).status).toBe(200);

    rmSync(filler);
    const retry = await call(server, 'POST', '/sources', { title: 'Too big', kind: 'other', text }, 'big-1');
    expect(retry.status).toBe(201);
    server.child.kill('SIGTERM');
    expect(await waitForExit(server, 10_000)).toEqual({ code: 0, signal: null });

    fill(filler);
    const full = await runUntilExit({
      DATABASE_PATH: path,
      SEED: 'true',
      BOOTSTRAP_ADMIN_KEY: adminKey,
    });
    expect(full.code).toBe(1);
    expect(full.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^claimledger could not start: the disk holding the database is full \(DATABASE_PATH=.*\): free some space and start again \(SQLITE_\w+\)$/,
      ),
    ]);
    rmSync(filler);
  }, 60_000);
});

describe('start-up errors', () => {
  it('print one line naming the setting and what it must look like, and exit 1 without a stack trace', async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [
        { BOOTSTRAP_ADMIN_KEY: 'hunter2' },
        /^claimledger could not start: BOOTSTRAP_ADMIN_KEY must be an API key clk_<12 hex digits>_<43 base64url characters>/,
      ],
      [
        { PORT: 'eighty' },
        /^claimledger could not start: PORT must be a whole number from 0 to 65535 \(got "eighty"\)$/,
      ],
      [
        { REQUEST_TIMEOUT_MS: '5', SEED: 'maybe' },
        /^claimledger could not start: SEED must be true or false .*; REQUEST_TIMEOUT_MS must be a whole number of milliseconds, 1000 or more \(got "5"\)$/,
      ],
      [
        { DATABASE_PATH: join(dir, 'no-such-folder', 'x.db') },
        /^claimledger could not start: DATABASE_PATH=.*no-such-folder\/x\.db does not exist, nor does its folder .*CREATE_DATABASE=true/,
      ],
      [
        { DATABASE_PATH: join(dir, 'typo.db') },
        /^claimledger could not start: DATABASE_PATH=.*typo\.db does not exist\. Point DATABASE_PATH at the existing database file/,
      ],
    ];
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as net.AddressInfo;
    cases.push([
      { PORT: String(port), DATABASE_PATH: ':memory:' },
      new RegExp(
        `^claimledger could not start: the address is already in use: set PORT \\(or HOST\\) to a free one: 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\)$`,
      ),
    ]);
    const runs = await Promise.all(cases.map(([env]) => runUntilExit({ SEED: 'false', ...env })));
    taken.close();
    runs.forEach((run, i) => {
      const [env, line] = cases[i] as (typeof cases)[number];
      expect(run.code, JSON.stringify(env)).toBe(1);
      expect(run.stderr.trim().split('\n'), JSON.stringify(env)).toEqual([expect.stringMatching(line)]);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(run.stderr).not.toContain('hunter2');
    });
  }, 60_000);
});
