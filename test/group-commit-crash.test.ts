import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WIRE_TEXT } from './helpers/factories.js';
import {
  generateKey,
  killHard,
  type ServerProcess,
  startServer,
  waitForExit,
} from './helpers/server-process.js';

/*
 * A crash in the middle of a shared commit acknowledges none of the batch. The real server (src/server.ts)
 * runs on a database file with a commit delay, so that the concurrent POSTs below certainly join one batch;
 * strace, attached to it, kills it with SIGKILL in the fsync of that batch's commit, after the WAL frames are
 * written and before they are durable. No request may have been answered; after a restart the batch is there
 * whole or not at all (the frames are in the page cache, so usually whole), each claim with its chain, search
 * rows and audit record. Needs strace (Debian's `strace`; .ci/run installs it) and ptrace rights (root).
 */

const BATCH = 6;
const COMMIT_DELAY_MS = 400;
const adminKey = generateKey();
let dir: string;
let dbPath: string;
let server: ServerProcess | undefined;
let tracer: ChildProcess | undefined;

const headers = { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' };
const env = (extra: Record<string, string> = {}) => ({
  DATABASE_PATH: dbPath,
  CREATE_DATABASE: 'true',
  SEED: 'false',
  RATE_LIMIT_MAX: '1000000',
  BOOTSTRAP_ADMIN_KEY: adminKey,
  ...extra,
});

async function post(base: string, path: string, body: object) {
  const res = await fetch(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const json = (await res.json()) as { id: number; name?: string; kind?: string };
  expect(res.status, `${path}: ${JSON.stringify(json)}`).toBe(201);
  return json;
}

describe('a crash during a shared commit', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'claimledger-group-crash-'));
    dbPath = join(dir, 'crash.db');
  });

  afterAll(async () => {
    tracer?.kill('SIGKILL');
    await killHard(server);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('acknowledges none of the writes in the batch, which is then stored whole or not at all', async () => {
    const which = spawnSync('strace', ['-V'], { encoding: 'utf8' });
    expect(which.status, 'strace is needed for this test: apt-get install strace').toBe(0);

    // The records the claims refer to, made and committed by a first, normal run.
    server = await startServer(env());
    const source = await post(server.baseUrl, '/sources', {
      title: 'Wire story',
      kind: 'news_article',
      text: WIRE_TEXT,
    });
    const relay = await post(server.baseUrl, '/actors', {
      name: 'Islamic Republic News Agency',
      kind: 'media_outlet',
    });
    server.child.kill('SIGTERM');
    expect(await waitForExit(server, 10_000)).toEqual({ code: 0, signal: null });

    // The run that crashes: strace follows every thread and kills the process at the second fsync of the WAL
    // after it attaches. The batch's commit starts a fresh WAL (the first run checkpointed and removed it),
    // so the first fsync is of the new WAL's header and the second is the commit's own, after its frames.
    server = await startServer(env({ WRITE_COMMIT_DELAY_MS: String(COMMIT_DELAY_MS) }));
    const running = server;
    const log = join(dir, 'strace.log');
    const pid = String(running.child.pid);
    tracer = spawn(
      'strace',
      ['-f', '-qq', '-p', pid, '-P', `${dbPath}-wal`, '-e', 'trace=pwrite64,fsync,fdatasync'].concat([
        '-e',
        'inject=fsync,fdatasync:signal=SIGKILL:when=2',
        '-o',
        log,
      ]),
      { stdio: 'ignore' },
    );
    // Attaching takes a moment; the requests then wait COMMIT_DELAY_MS in the queue, well after it.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(tracer.exitCode, 'strace could not attach (ptrace rights?)').toBeNull();

    const texts = Array.from({ length: BATCH }, (_, i) => `Claim ${i} of the batch that crashes`);
    const answers = await Promise.allSettled(
      texts.map((text) =>
        fetch(`${running.baseUrl}/claims`, {
          method: 'POST',
          headers,
          body: JSON.stringify({
            sourceId: source.id,
            text,
            stance: 'asserts',
            modality: 'paraphrase',
            quote: { exact: 'targeted by micro drones' },
            reportedViaIds: [relay.id],
          }),
          signal: AbortSignal.timeout(10_000),
        }).then((res) => res.status),
      ),
    );
    const status = await waitForExit(running, 10_000);
    expect(status, `${running.logTail()}\n${readFileSync(log, 'utf8')}`).toEqual({
      code: null,
      signal: 'SIGKILL',
    });
    // Not one answer: every request failed with the connection.
    expect(answers.map((a) => a.status)).toEqual(texts.map(() => 'rejected'));
    server = undefined;

    // What strace saw on the WAL before the kill: whether the batch's frames were written.
    const trace = readFileSync(log, 'utf8');
    // (A successful fsync, then a page-sized frame write; strace splits calls that overlap another thread's.)
    const framesWritten = /fsync(?:\(\d+\)| resumed>\))\s+= 0[\s\S]*pwrite64\(\d+, .*, 4096, \d+/.test(trace);

    // Restarted, the database is whole and holds the batch entirely or not at all.
    server = await startServer(env());
    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      expect(db.pragma('integrity_check')).toEqual([{ integrity_check: 'ok' }]);
      const stored = db.prepare('SELECT id, text FROM claims ORDER BY id').all() as {
        id: number;
        text: string;
      }[];
      expect(stored.length === 0 || stored.length === BATCH, `claims stored: ${JSON.stringify(stored)}`).toBe(
        true,
      );
      // With the frames written before the kill, the commit record is in the WAL and recovery replays it.
      expect(stored.length, `frames written before the kill: ${framesWritten}\n${trace}`).toBe(
        framesWritten ? BATCH : 0,
      );
      console.log(
        `group-commit crash: killed in the commit's fsync ${framesWritten ? 'after' : 'before'} its WAL frames were written; ` +
          `${stored.length} of ${BATCH} claims stored after the restart, none acknowledged`,
      );
      expect(stored.map((c) => c.text).sort()).toEqual(stored.length === 0 ? [] : [...texts].sort());
      for (const { id } of stored) {
        const chain = db.prepare('SELECT actor_id AS id FROM claim_reported_via WHERE claim_id = ?').all(id);
        expect(chain, `chain of claim ${id}`).toEqual([{ id: relay.id }]);
        const searchRows = db
          .prepare(
            'SELECT count(*) AS n FROM search_index WHERE rowid IN (SELECT id FROM search_docs WHERE ref_id = ? AND kind IN (0, 1))',
          )
          .get(id) as { n: number };
        expect(searchRows.n, `search rows of claim ${id}`).toBe(2);
        const audits = db
          .prepare(`SELECT count(*) AS n FROM audit_log WHERE resource = 'claim' AND resource_id = ?`)
          .get(id) as { n: number };
        expect(audits.n, `audit records of claim ${id}`).toBe(1);
      }
      const orphanAudits = db
        .prepare(
          `SELECT count(*) AS n FROM audit_log WHERE resource = 'claim' AND resource_id NOT IN (SELECT id FROM claims)`,
        )
        .get() as { n: number };
      expect(orphanAudits.n).toBe(0);
    } finally {
      db.close();
    }
    // And the restarted server serves what is stored.
    const health = await fetch(`${server.baseUrl}/health`);
    expect(health.status).toBe(200);
  }, 60_000);
});
