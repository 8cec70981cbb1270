import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
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
 * The crash test: the real server (src/server.ts) in a child process, on a database file, under concurrent
 * writes, killed with SIGKILL at a random moment, three times over; after every restart each write the
 * server acknowledged (2xx with its body received) must be there with the content it acknowledged, with its
 * whole chain and its audit record, and nothing may be half-written. Last, a graceful SIGTERM under load
 * must exit 0 within 10 s and lose nothing it acknowledged.
 *
 * A SIGKILL loses the process, not the operating system's page cache: this checks that an answer is only
 * sent after its transaction has committed and that no transaction is visible in part, not fsync itself.
 */

const CYCLES = 3;
const CLAIM_WRITERS = 8;
const ACTOR_PATCHERS = 2;
/** Every loop stops by itself after this many writes or this long, whether or not the kill came. */
const MAX_WRITES_PER_LOOP = 2_000;
const LOOP_DEADLINE_MS = 8_000;
const KILL_DELAY_MS = { min: 150, max: 900 };
const REQUEST_TIMEOUT_MS = 10_000;

// Quotes that occur once in WIRE_TEXT, as sent and as the server stores them (the verbatim span).
const QUOTES = [
  { sent: 'targeted by micro drones', stored: 'targeted by micro drones' },
  { sent: 'There was minor damage to the roof', stored: 'There was minor damage to the roof' },
  { sent: 'the ministry said - adding', stored: 'the ministry said \u2013 adding' },
  { sent: 'operations were not disrupted', stored: 'operations were not disrupted' },
  { sent: "Iran's defence ministry", stored: 'Iran\u2019s defence ministry' },
  { sent: 'at around 23:30 local time', stored: 'at around 23:30 local time' },
] as const;

interface ActorRef {
  id: number;
  name: string;
  kind: string;
}
interface ClaimView {
  id: number;
  text: string;
  stance: string;
  source: { id: number };
  reportedVia: ActorRef[];
  quote: { exact: string; start: number; end: number; verified: boolean };
  retraction: unknown;
  createdAt: string;
}
interface ActorView {
  id: number;
  description: string | null;
  updatedAt: string;
}
interface AuditEntry {
  id: number;
  resource: string;
  resourceId: number;
  operation: string;
  after: unknown;
}
interface Stop {
  stopped: boolean;
}

const runTag = randomBytes(4).toString('hex');
const adminKey = generateKey();
let dir: string;
let dbPath: string;
let server: ServerProcess | undefined;

/** What the run did, printed with any failure so that it can be understood (and the delays replayed). */
const killDelays: number[] = [];
const journal: string[] = [];

// Everything the server acknowledged, and everything that was ever sent.
const ackedClaims = new Map<number, ClaimView>();
const sentClaimTexts = new Set<string>();
const unexpectedAnswers: string[] = [];
let claimsInFlightAtStops = 0;
let chain: [ActorRef, ActorRef];
let sourceId: number;
let patched: ActorPatcher[];

interface ActorPatcher {
  actorId: number;
  /** The acknowledged creation: the actor's state until a PATCH commits. */
  created: ActorView;
  /** Every description sent in a PATCH, in order (the loop is sequential), acknowledged or not. */
  sent: string[];
  /** Every acknowledged PATCH answer, in order. */
  acked: ActorView[];
}

const headers = () => ({ authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' });

async function request<T = Record<string, unknown>>(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  if (!server) throw new Error('no server is running');
  const res = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: headers(),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function create<T>(path: string, body: object): Promise<T> {
  const res = await request<T>('POST', path, body);
  expect(res.status, `POST ${path}: ${JSON.stringify(res.body)}`).toBe(201);
  return res.body;
}

/** Every item of a keyset-paged list, 100 at a time. */
async function listAll<T>(path: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 1_000; page++) {
    const sep = path.includes('?') ? '&' : '?';
    const url: string = `${path}${sep}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await request<{ data: T[]; nextCursor: string | null }>('GET', url);
    expect(res.status, `GET ${url}: ${JSON.stringify(res.body)}`).toBe(200);
    items.push(...res.body.data);
    cursor = res.body.nextCursor;
    if (cursor === null) return items;
  }
  throw new Error(`${path}: more than 1000 pages`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** POSTs claims one after another until stopped; records every one acknowledged with a 201. */
async function claimWriter(phase: string, writer: number, stop: Stop, firstAck: () => void) {
  const base = server?.baseUrl;
  const deadline = Date.now() + LOOP_DEADLINE_MS;
  for (let n = 0; n < MAX_WRITES_PER_LOOP && !stop.stopped && Date.now() < deadline; n++) {
    const quote = QUOTES[(writer + n) % QUOTES.length] as (typeof QUOTES)[number];
    const text = `crash ${runTag} ${phase} writer ${writer} claim ${n}`;
    sentClaimTexts.add(text);
    let res: Response;
    let body: ClaimView;
    try {
      res = await fetch(`${base}/claims`, {
        method: 'POST',
        headers: headers(),
        body: JSON.stringify({
          sourceId,
          text,
          stance: 'asserts',
          modality: 'paraphrase',
          reportedViaIds: [chain[0].id, chain[1].id],
          quote: { exact: quote.sent },
        }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      body = (await res.json()) as ClaimView;
    } catch {
      // The server died (or closed) under this request: it was never acknowledged, and may or may not exist.
      claimsInFlightAtStops++;
      return;
    }
    // A request that reaches a server already closing is refused (503), not stored: not acknowledged.
    if (res.status === 503 && stop.stopped) return;
    if (res.status !== 201) {
      unexpectedAnswers.push(`${phase} POST /claims ${res.status}: ${JSON.stringify(body)}`);
      return;
    }
    // The acknowledgement itself must say what was sent.
    expect(body).toMatchObject({
      text,
      stance: 'asserts',
      source: { id: sourceId },
      reportedVia: chain,
      quote: { exact: quote.stored, verified: true },
      retraction: null,
    });
    ackedClaims.set(body.id, body);
    firstAck();
  }
}

/** PATCHes one actor's description one after another until stopped; records every acknowledged answer. */
async function actorPatcher(phase: string, patcher: ActorPatcher, stop: Stop, firstAck: () => void) {
  const base = server?.baseUrl;
  const deadline = Date.now() + LOOP_DEADLINE_MS;
  for (let n = 0; n < MAX_WRITES_PER_LOOP && !stop.stopped && Date.now() < deadline; n++) {
    const description = `crash ${runTag} ${phase} actor ${patcher.actorId} version ${n}`;
    patcher.sent.push(description);
    let res: Response;
    let body: ActorView;
    try {
      res = await fetch(`${base}/actors/${patcher.actorId}`, {
        method: 'PATCH',
        headers: headers(),
        body: JSON.stringify({ description }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      body = (await res.json()) as ActorView;
    } catch {
      return; // not acknowledged: it may or may not have committed
    }
    if (res.status === 503 && stop.stopped) return;
    if (res.status !== 200) {
      unexpectedAnswers.push(
        `${phase} PATCH /actors/${patcher.actorId} ${res.status}: ${JSON.stringify(body)}`,
      );
      return;
    }
    expect(body).toMatchObject({ id: patcher.actorId, description });
    patcher.acked.push(body);
    firstAck();
  }
}

function signal() {
  let fire!: () => void;
  const fired = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { fire, fired };
}

/**
 * Runs the writers against the running server; once a claim and a PATCH of each actor have been acknowledged
 * (every kind of write is under way, past any cold start), waits a random delay, then calls `interrupt`
 * (which stops the server one way or another) and waits for every loop to end.
 */
async function driveLoad(phase: string, interrupt: () => Promise<void>, delayMs: number) {
  const stop: Stop = { stopped: false };
  const claimAcked = signal();
  const patchAcked = patched.map(() => signal());
  const firstAck = Promise.all([claimAcked.fired, ...patchAcked.map((a) => a.fired)]);
  const loops = [
    ...Array.from({ length: CLAIM_WRITERS }, (_, w) => claimWriter(phase, w, stop, claimAcked.fire)),
    ...patched.map((p, i) => actorPatcher(phase, p, stop, (patchAcked[i] as { fire: () => void }).fire)),
  ];
  const ackedBefore = ackedClaims.size;
  const inFlightBefore = claimsInFlightAtStops;
  const patchesBefore = patched.reduce((n, p) => n + p.acked.length, 0);
  const started = Date.now();
  // Wait for the first acknowledgements, but fail at once if a loop fails (e.g. a wrong acknowledgement).
  const all = Promise.all(loops);
  let timer: NodeJS.Timeout | undefined;
  try {
    const outcome = await Promise.race([
      firstAck.then(() => 'acknowledged' as const),
      all.then(() => 'ended' as const),
      new Promise<'timed out'>((resolve) => {
        timer = setTimeout(() => resolve('timed out'), 10_000);
      }),
    ]);
    if (outcome !== 'acknowledged') {
      expect(unexpectedAnswers, `${phase}: writes answered with an error`).toEqual([]);
      expect.fail(`${phase}: no claim or no PATCH acknowledged (the loops ${outcome})`);
    }
  } catch (err) {
    stop.stopped = true;
    throw err;
  } finally {
    clearTimeout(timer);
  }
  await sleep(delayMs);
  stop.stopped = true;
  await interrupt();
  // In-flight requests fail once the server is gone; their errors are swallowed by the loops.
  const settled = await Promise.allSettled(loops);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  const line = `${phase}: stopped ${delayMs} ms after the first acknowledgements (${Date.now() - started} ms of load), ${ackedClaims.size - ackedBefore} claims acknowledged, ${claimsInFlightAtStops - inFlightBefore} in flight, ${patched.reduce((n, p) => n + p.acked.length, 0) - patchesBefore} PATCHes acknowledged`;
  journal.push(line);
  expect(unexpectedAnswers, `${phase}: writes answered with an error`).toEqual([]);
}

/** Checks, through the API of the restarted server, that every acknowledged write is there, whole. */
async function verifyThroughApi(label: string) {
  const health = await request<{ claims: number }>('GET', '/health');
  expect(health.status, `${label}: /health`).toBe(200);

  const all = await listAll<ClaimView>('/claims?includeRetracted=true');
  const byId = new Map(all.map((c) => [c.id, c]));
  expect(health.body.claims, `${label}: /health counts every claim`).toBe(all.length);

  // Every acknowledged claim, exactly as acknowledged.
  const missing = [...ackedClaims.keys()].filter((id) => !byId.has(id));
  expect(missing, `${label}: acknowledged claims missing after the restart`).toEqual([]);
  for (const [id, acked] of ackedClaims) {
    expect(byId.get(id), `${label}: claim ${id} differs from what was acknowledged`).toEqual(acked);
  }

  // Every stored claim, acknowledged or not, is whole: sent by this test, with its chain of two.
  const unacked: number[] = [];
  for (const claim of all) {
    expect(sentClaimTexts.has(claim.text), `${label}: claim ${claim.id} was never sent`).toBe(true);
    expect(claim.reportedVia, `${label}: claim ${claim.id} has a partial chain`).toEqual(chain);
    expect(claim.quote.verified, `${label}: claim ${claim.id} quote`).toBe(true);
    if (!ackedClaims.has(claim.id)) unacked.push(claim.id);
  }
  // Only a request in flight when the server stopped may have committed without its answer arriving.
  expect(unacked.length, `${label}: stored but never acknowledged: ${unacked}`).toBeLessThanOrEqual(
    claimsInFlightAtStops,
  );

  // Exactly one audit record of creation per stored claim, and none for a claim that does not exist.
  const audit = await listAll<AuditEntry>('/audit?resource=claim&operation=create');
  const auditsOf = new Map<number, AuditEntry[]>();
  for (const entry of audit)
    auditsOf.set(entry.resourceId, [...(auditsOf.get(entry.resourceId) ?? []), entry]);
  for (const claim of all) {
    expect(auditsOf.get(claim.id)?.length, `${label}: audit records of claim ${claim.id}`).toBe(1);
  }
  const orphans = audit.filter((e) => !byId.has(e.resourceId)).map((e) => e.resourceId);
  expect(orphans, `${label}: audit records of claims that do not exist`).toEqual([]);
  for (const [id, acked] of ackedClaims) {
    expect(auditsOf.get(id)?.[0]?.after, `${label}: audit record of claim ${id}`).toEqual(acked);
  }

  for (const p of patched) {
    const res = await request<ActorView>('GET', `/actors/${p.actorId}`);
    expect(res.status, `${label}: actor ${p.actorId}`).toBe(200);
    const actor = res.body;
    // The actor is at its last acknowledged version, or at a version sent after it whose answer never came
    // (the PATCH in flight when the server stopped may have committed); never at an older one.
    const last = p.acked.at(-1) ?? p.created;
    const lastIndex = p.acked.length === 0 ? -1 : p.sent.indexOf(last.description ?? '');
    const later = p.sent.slice(lastIndex + 1);
    if (actor.description === last.description) {
      expect(actor, `${label}: actor ${p.actorId} is not at its last acknowledged version`).toEqual(last);
    } else {
      expect(later, `${label}: actor ${p.actorId} is at "${actor.description}"`).toContain(actor.description);
    }

    const updates = await listAll<AuditEntry>(
      `/audit?resource=actor&resourceId=${p.actorId}&operation=update`,
    );
    const audited = updates.map((e) => e.after as ActorView);
    const auditedByDescription = new Map(audited.map((a) => [a.description, a]));
    for (const acked of p.acked) {
      expect(
        auditedByDescription.get(acked.description),
        `${label}: audit of "${acked.description}"`,
      ).toEqual(acked);
    }
    // Every audited update was sent, in the order sent; the actor's current state is the last one audited.
    const order = audited.map((a) => p.sent.indexOf(a.description ?? ''));
    expect(
      order.filter((i) => i < 0),
      `${label}: audited updates never sent`,
    ).toEqual([]);
    expect(order, `${label}: audited updates out of order`).toEqual([...order].sort((a, b) => a - b));
    expect(audited.at(-1) ?? p.created, `${label}: actor ${p.actorId} vs its last audit record`).toEqual(
      actor,
    );
  }
  return all.length;
}

/**
 * Checks the database file itself: SQLite's integrity and foreign-key checks, and the same invariants in SQL
 * (every claim has its chain of two, its search-index rows and its audit record). Read-only; safe while the
 * server runs (WAL).
 */
function verifyFile(label: string, expectedClaims: number) {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    expect(db.pragma('integrity_check'), `${label}: integrity_check`).toEqual([{ integrity_check: 'ok' }]);
    expect(db.pragma('foreign_key_check'), `${label}: foreign_key_check`).toEqual([]);
    const count = (db.prepare('SELECT count(*) AS n FROM claims').get() as { n: number }).n;
    expect(count, `${label}: claims in the file`).toBe(expectedClaims);
    const partialChains = db
      .prepare(
        `SELECT c.id, count(r.claim_id) AS n FROM claims c LEFT JOIN claim_reported_via r ON r.claim_id = c.id
         GROUP BY c.id HAVING n <> 2`,
      )
      .all();
    expect(partialChains, `${label}: claims whose chain is not 2 long`).toEqual([]);
    const wrongChains = db
      .prepare(
        `SELECT claim_id, position, actor_id FROM claim_reported_via
         WHERE NOT ((position = 0 AND actor_id = ?) OR (position = 1 AND actor_id = ?))`,
      )
      .all(chain[0].id, chain[1].id);
    expect(wrongChains, `${label}: chain rows`).toEqual([]);
    const unindexed = db
      .prepare(
        `SELECT c.id FROM claims c
         WHERE (SELECT count(*) FROM search_docs d JOIN search_index s ON s.rowid = d.id
                WHERE d.ref_id = c.id AND d.kind IN (0, 1)) <> 2`,
      )
      .all();
    expect(unindexed, `${label}: claims missing from the search index`).toEqual([]);
    const unaudited = db
      .prepare(
        `SELECT id FROM claims WHERE id NOT IN
         (SELECT resource_id FROM audit_log WHERE resource = 'claim' AND operation = 'create')`,
      )
      .all();
    expect(unaudited, `${label}: claims without an audit record`).toEqual([]);
    const orphanAudits = db
      .prepare(
        `SELECT resource_id FROM audit_log WHERE resource = 'claim' AND resource_id NOT IN (SELECT id FROM claims)`,
      )
      .all();
    expect(orphanAudits, `${label}: audit records without their claim`).toEqual([]);

    // Every acknowledged claim, column by column.
    const row = db.prepare(
      'SELECT text, source_id AS sourceId, quote_exact AS exact, quote_start AS start, quote_end AS end, created_at AS createdAt FROM claims WHERE id = ?',
    );
    const chainOf = db.prepare(
      'SELECT actor_id AS id FROM claim_reported_via WHERE claim_id = ? ORDER BY position',
    );
    for (const [id, acked] of ackedClaims) {
      expect(row.get(id), `${label}: claim ${id} in the file`).toEqual({
        text: acked.text,
        sourceId: acked.source.id,
        exact: acked.quote.exact,
        start: acked.quote.start,
        end: acked.quote.end,
        createdAt: acked.createdAt,
      });
      expect(chainOf.all(id), `${label}: chain of claim ${id} in the file`).toEqual(
        chain.map((a) => ({ id: a.id })),
      );
    }
  } finally {
    db.close();
  }
}

async function start(): Promise<ServerProcess> {
  server = await startServer({
    DATABASE_PATH: dbPath,
    CREATE_DATABASE: 'true',
    SEED: 'false',
    RATE_LIMIT_MAX: '1000000',
    BOOTSTRAP_ADMIN_KEY: adminKey,
  });
  return server;
}

// Random kill delays; CRASH_KILL_DELAYS=630,465,708,196 replays those of a failed run (they are printed).
const replayDelays = process.env.CRASH_KILL_DELAYS?.split(',').map(Number) ?? [];
const randomDelay = () =>
  replayDelays[killDelays.length] ??
  KILL_DELAY_MS.min + Math.floor(Math.random() * (KILL_DELAY_MS.max - KILL_DELAY_MS.min + 1));

describe('crash safety of the real server (SIGKILL under concurrent writes)', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'claimledger-crash-'));
    dbPath = join(dir, 'crash.db');
  });

  afterAll(async () => {
    // Whatever happened, no server outlives the test, and the database goes with it.
    await killHard(server);
    server = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged write, whole, across kills and restarts, and shuts down gracefully', async () => {
    try {
      let running = await start();
      sourceId = (
        await create<{ id: number }>('/sources', {
          title: 'Wire story',
          kind: 'news_article',
          text: WIRE_TEXT,
        })
      ).id;
      const agency = await create<ActorRef>('/actors', {
        name: 'Islamic Republic News Agency',
        kind: 'media_outlet',
      });
      const paper = await create<ActorRef>('/actors', { name: 'Tehran Times', kind: 'media_outlet' });
      chain = [
        { id: agency.id, name: agency.name, kind: agency.kind },
        { id: paper.id, name: paper.name, kind: paper.kind },
      ];
      patched = [];
      for (let i = 0; i < ACTOR_PATCHERS; i++) {
        const actor = await create<ActorView>('/actors', { name: `Patched actor ${i}`, kind: 'group' });
        patched.push({ actorId: actor.id, created: actor, sent: [], acked: [] });
      }

      for (let cycle = 1; cycle <= CYCLES; cycle++) {
        const delay = randomDelay();
        killDelays.push(delay);
        const killed = running;
        await driveLoad(
          `cycle ${cycle}`,
          async () => {
            killed.child.kill('SIGKILL');
            const status = await waitForExit(killed, 5_000);
            expect(status, `cycle ${cycle}: exit after SIGKILL`).toEqual({ code: null, signal: 'SIGKILL' });
          },
          delay,
        );
        server = undefined;

        running = await start();
        const label = `after kill ${cycle}`;
        const claims = await verifyThroughApi(label);
        verifyFile(label, claims);
      }

      // Last, a graceful stop under the same load: exit code 0 within 10 s, nothing acknowledged lost.
      const delay = randomDelay();
      killDelays.push(delay);
      const stopping = running;
      let shutdownMs = 0;
      await driveLoad(
        'graceful stop',
        async () => {
          const sent = Date.now();
          stopping.child.kill('SIGTERM');
          const status = await waitForExit(stopping, 10_000);
          shutdownMs = Date.now() - sent;
          expect(status, `SIGTERM: exit within 10 s\n${stopping.logTail()}`).toEqual({
            code: 0,
            signal: null,
          });
        },
        delay,
      );
      server = undefined;
      journal.push(`graceful stop took ${shutdownMs} ms`);

      // The closed file on its own, then once more through a restarted server.
      const stored = (() => {
        const db = new Database(dbPath, { readonly: true, fileMustExist: true });
        try {
          return (db.prepare('SELECT count(*) AS n FROM claims').get() as { n: number }).n;
        } finally {
          db.close();
        }
      })();
      verifyFile('after the graceful stop', stored);
      const fts = new Database(dbPath, { fileMustExist: true });
      try {
        // FTS5's own consistency check of the search index (a read, though spelled as an INSERT).
        fts.prepare("INSERT INTO search_index(search_index) VALUES ('integrity-check')").run();
      } finally {
        fts.close();
      }
      running = await start();
      expect(await verifyThroughApi('after the graceful stop')).toBe(stored);
      const last = running;
      last.child.kill('SIGTERM');
      expect(await waitForExit(last, 10_000), 'final SIGTERM').toEqual({ code: 0, signal: null });
      server = undefined;

      expect(ackedClaims.size, 'the test acknowledged too few writes to mean anything').toBeGreaterThan(
        CYCLES * CLAIM_WRITERS,
      );
      console.log(
        `crash test: ${ackedClaims.size} claims acknowledged, ${stored} stored; ` +
          `kill delays ${killDelays.join(', ')} ms\n  ${journal.join('\n  ')}`,
      );
    } catch (err) {
      // Say what the run did, so that a failure can be understood and its timing replayed.
      if (err instanceof Error) {
        err.message +=
          `\n\nkill delays (ms): ${killDelays.join(', ')}; run tag ${runTag}` +
          `\n${journal.join('\n')}` +
          (server ? `\nserver log (tail):\n${server.logTail()}` : '');
      }
      throw err;
    }
  }, 90_000);
});
