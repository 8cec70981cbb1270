/**
 * Generates a large, realistic, deterministic claimledger database for benchmarks.
 *
 *   npm run bench:data -- --claims 1000000 [--out data/bench.db] [--seed 42] [--force]
 *   npm run bench:data -- --claims 20000 --out data/bench-small.db      (quick smoke run, a few seconds)
 *
 * Without --force an existing --out file is left alone and the run refuses. Other options: --batch N rows
 * per transaction (20000), --fts rebuild|triggers (how the search index is filled, see below).
 *
 * Per 1,000,000 claims: 100,000 sources, 20,000 actors, 10,000 events, 200,000 attributions and 50,000
 * claim links (every count scales with --claims, with at least one of each; links need two claims).
 *
 * What the data looks like:
 * - Actors in hierarchies: states -> ministries / militaries / state media -> departments, units, officials;
 *   unnamed groups ("Iranian officials") under states; armed groups; independent outlets; Telegram channels.
 * - Events: campaigns with incidents under them (and sub-incidents), each with a target and an accused party.
 * - Sources: English news articles, official statements, social posts and transcripts of 1-4 KB, written
 *   from templates around the event: curly or straight quotes, no-break spaces, soft hyphens, hard-wrapped
 *   lines, CRLF paragraphs, emoji (so code-point offsets differ from UTF-16 ones). Some are syndicated copies
 *   (copyOfId) of an earlier source.
 * - Claims quote real spans of their source: the generator writes the sentence, then anchors the quote with
 *   the API's own `anchorOrThrow` (often sending a "pasted" form with straight quotes and plain spaces, as a
 *   journalist would) and stores exact/prefix/suffix/start/end exactly as the claims service does. Claims
 *   carry reportedVia chains of 0-2 relays, stances, modalities, sometimes statedAt and a credibility grade.
 * - Attributions ride on claims that blame (or deny blaming) the accused; links (corroborates, contradicts,
 *   repeats, responds_to) join claims about the same event, and copies' claims repeat their originals'.
 * - Skew, as in real news: events, speakers, publishers and relays are drawn Zipf-like, so the top event
 *   carries about 5% of all claims and the busiest actor about 3%.
 *
 * Same rules as the write path, faster: every record is validated with the API's zod Create*Body schema,
 * search texts and hashes are computed as the repositories compute them, foreign keys stay ON (and
 * foreign_key_check runs at the end), and unique indexes and CHECK constraints apply as usual. Rows go in
 * through prepared better-sqlite3 statements, --batch (20,000) rows per transaction, with journal_mode=MEMORY
 * and synchronous=OFF during the import only (see main() for why that is safe); WAL and FULL at the end.
 * No audit records are written: this is benchmark data, not a history of edits, and the audit log is not
 * what the benchmark reads.
 *
 * The search index: with --fts rebuild (the default) the search index's triggers (migration 0004: search_docs,
 * search_index, actor_names) are dropped for the import, the index is filled once at the end by the service's
 * own rebuildSearchIndex() (src/modules/search/search.index.ts, tested against the triggers), and the triggers
 * are recreated from their saved SQL, byte for byte. The rebuild numbers index rows by created_at and the
 * triggers by insertion order; records go in in created_at order (checked), so both give the same rows.
 * Counts, a few rows and FTS5's own integrity-check are verified. --fts triggers keeps the triggers and fills
 * the index row by row (the same rows, in more segments, merged into one at the end as the rebuild leaves it).
 * The end of the run prints totals, timings, rows/s, file size, integrity_check (quick_check above 200,000
 * claims), ANALYZE (run so the planner has statistics) and the distribution: busiest actor, largest event.
 *
 * Determinism: all randomness comes from seeded PRNG streams (bench/lib/rng.ts) and all timestamps from a
 * clock that starts at a fixed instant, so the same options give the same database content.
 *
 * Safety: the database is built in `<out>.partial` and renamed over `<out>` only when complete, so a failed
 * or interrupted run never leaves a half-written database at `<out>` (nor touches an existing one). A failed
 * run and one stopped by Ctrl-C/SIGTERM delete the partial file; after a kill -9 the next run deletes it.
 */
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../src/db/client.js';
import {
  actors as actorsTable,
  attributions as attributionsTable,
  claimLinks as claimLinksTable,
  claims as claimsTable,
  events as eventsTable,
  eventParties as partiesTable,
  sources as sourcesTable,
  claimReportedVia as viaTable,
} from '../src/db/schema.js';
import type { QuoteInput } from '../src/domain/quote-anchor.js';
import { gradeColumns } from '../src/lib/grades.js';
import { identifiableOf } from '../src/modules/actors/actors.repository.js';
import { CreateActorBody } from '../src/modules/actors/actors.schemas.js';
import { CreateAttributionBody } from '../src/modules/attributions/attributions.schemas.js';
import { CreateClaimLinkBody } from '../src/modules/claim-links/claim-links.schemas.js';
import { type ClaimInput, CreateClaimBody } from '../src/modules/claims/claims.schemas.js';
import { anchorOrThrow } from '../src/modules/claims/claims.service.js';
import { CreateEventBody } from '../src/modules/events/events.schemas.js';
import { sha256Hex } from '../src/modules/sources/sources.repository.js';
import { CreateSourceBody, type SourceInput } from '../src/modules/sources/sources.schemas.js';
import { type PlannedActor, planActors } from './lib/actors.js';
import {
  type Article,
  PROPOSITIONS,
  type PropType,
  type StatementPlan,
  type Style,
  sideOf,
  type Variant,
  type WrittenClaim,
  writeArticle,
} from './lib/article.js';
import { Batcher, count, inserter } from './lib/db.js';
import { instantText, type PlannedEvent, planEvents } from './lib/events.js';
import { bytes, duration, fmt, Progress } from './lib/progress.js';
import { at, Quota, Rng, WeightedSampler, zipfWeights } from './lib/rng.js';
import {
  checkCreationOrder,
  checkSearchLayout,
  dropSearchTriggers,
  rebuildSearchIndex,
  searchIndexIsKnown,
} from './lib/search-index.js';
import { COUNTRIES, NEWS_SECTIONS } from './lib/words.js';

// ---------------------------------------------------------------------------------------------- options

const USAGE =
  'usage: tsx bench/generate.ts [--claims 1000000] [--out data/bench.db] [--seed 42] [--force] [--batch 20000] [--fts rebuild|triggers]';

function options() {
  try {
    return parseArgs({
      options: {
        claims: { type: 'string', default: '1000000' },
        out: { type: 'string', default: 'data/bench.db' },
        seed: { type: 'string', default: '42' },
        force: { type: 'boolean', default: false },
        batch: { type: 'string', default: '20000' },
        fts: { type: 'string', default: 'rebuild' },
      },
      strict: true,
    }).values;
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}
const opts = options();

const wholeNumber = (name: string, raw: string, min: number): number => {
  const n = Number(raw);
  if (!/^[0-9]+$/.test(raw) || !Number.isSafeInteger(n) || n < min) {
    console.error(`--${name} must be a whole number of at least ${min}, got "${raw}"`);
    process.exit(2);
  }
  return n;
};
const positiveInt = (name: string, raw: string) => wholeNumber(name, raw, 1);

const CLAIMS = positiveInt('claims', opts.claims);
const SEED = wholeNumber('seed', opts.seed, 0);
const BATCH = positiveInt('batch', opts.batch);
if (opts.fts !== 'triggers' && opts.fts !== 'rebuild') {
  console.error('--fts must be "triggers" (fill the search index row by row) or "rebuild" (once at the end)');
  process.exit(2);
}
const FTS_REBUILD = opts.fts === 'rebuild';
const OUT = resolve(opts.out);
const PARTIAL = `${OUT}.partial`;

const scaled = (ratio: number) => Math.max(1, Math.round(CLAIMS * ratio));
const COUNTS = {
  sources: scaled(0.1),
  actors: scaled(0.02),
  events: scaled(0.01),
  claims: CLAIMS,
  attributions: scaled(0.2),
  links: CLAIMS >= 2 ? scaled(0.05) : 0,
};

if (existsSync(OUT) && !opts.force) {
  console.error(`${OUT} exists; pass --force to replace it.`);
  process.exit(1);
}

// ------------------------------------------------------------------------------------------ small helpers

/** Removes the partial database and its side files. */
function removePartial(): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(PARTIAL + suffix, { force: true });
}

const slug = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

/** What a journalist's clipboard makes of a quote: straight quotes, plain spaces, no soft hyphens. */
const pasted = (s: string) =>
  s
    .replace(/[“”]/g, '"')
    .replace(/[‘’]/g, "'")
    .replace(/[\u00a0\r\n]/g, ' ')
    .replace(/\u00ad/g, '')
    .replace(/…/g, '...')
    .replace(/—/g, '-');

/** Code-point index of a UTF-16 offset (quote positions count code points). */
function cpIndex(text: string, offset: number, hasPairs: boolean): number {
  if (!hasPairs) return offset;
  let pairs = 0;
  for (let i = 0; i < offset - 1; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      pairs++;
      i++;
    }
  }
  return offset - pairs;
}

/** A slice that never starts in the middle of a surrogate pair. */
function safeSliceBefore(text: string, from: number, to: number): string {
  let a = Math.max(0, from);
  const c = text.charCodeAt(a);
  if (a > 0 && c >= 0xdc00 && c <= 0xdfff) a++;
  return text.slice(a, to);
}

type Position = 'asserts' | 'denies' | 'declines_to_comment' | 'speculates';
const positionOf = (stance: ClaimInput['stance']): Position => (stance === 'downplays' ? 'asserts' : stance);

interface AttributionSpec {
  actorId: number;
  role: 'perpetrator' | 'sponsor' | 'facilitator' | 'other';
  position: Position;
}

interface StoredClaim {
  id: number;
  body: ClaimInput;
  plan: StatementPlan;
  modality: WrittenClaim['modality'];
  text: string;
  exact: string;
  /** UTF-16 offset of the quote in its source text. */
  start16: number;
  cpStart: number;
  attributions: AttributionSpec[];
}

interface StoredSource {
  id: number;
  title: string;
  text: string;
  publisher: PlannedActor | null;
  publishedMs: number;
  language: string | null;
  claims: StoredClaim[];
}

interface Recent {
  id: number;
  stance: ClaimInput['stance'];
  type: PropType;
  claimantId: number | null;
}

// ------------------------------------------------------------------------------------------------- main

async function main(): Promise<void> {
  const t0 = performance.now();
  console.log(
    `claimledger bench data: ${fmt(COUNTS.claims)} claims, ${fmt(COUNTS.sources)} sources, ${fmt(
      COUNTS.actors,
    )} actors, ${fmt(COUNTS.events)} events, ${fmt(COUNTS.attributions)} attributions, ${fmt(
      COUNTS.links,
    )} links; seed ${SEED}`,
  );
  console.log(`  building ${PARTIAL}`);
  removePartial();

  // openDatabase applies the committed migrations (tables, indexes, FTS table and triggers).
  const db = openDatabase(PARTIAL);
  const sqlite = db.$client;
  // Import-only settings. Safe because the file is new, nobody else has it open, and a failed import is
  // discarded (the partial file is deleted, never renamed into place): durability and crash recovery buy
  // nothing here. The rollback journal stays in memory (not OFF) so that a failing statement still rolls
  // back cleanly. WAL and synchronous=FULL are set back at the end (and openDatabase sets them on every
  // connection the server opens anyway; synchronous is per connection, journal_mode=WAL is kept in the file).
  sqlite.pragma('journal_mode = MEMORY');
  sqlite.pragma('synchronous = OFF');
  sqlite.pragma('cache_size = -1048576'); // 1 GiB of page cache: indexes stay in memory while they grow
  sqlite.pragma('temp_store = MEMORY');

  let failed = true;
  // Ctrl-C or SIGTERM mid-import ends the process (generate yields to the event loop now and then, so the
  // signal is handled); the partial file goes with it. A kill -9 leaves it for the next run to remove.
  process.on('exit', () => {
    if (failed) removePartial();
  });
  try {
    await generate(sqlite);
    failed = false;
  } finally {
    if (failed) {
      try {
        sqlite.close();
      } catch {}
      removePartial();
      console.error('generation failed: the partial database was removed');
    }
  }

  // ANALYZE, checks and the switch back to WAL happen in generate's epilogue; the file is complete now.
  sqlite.close();
  for (const side of ['-wal', '-journal']) {
    if (existsSync(PARTIAL + side) && statSync(PARTIAL + side).size > 0) {
      throw new Error(`${PARTIAL}${side} still holds data after close`);
    }
  }
  removeSideFiles(PARTIAL);
  removeSideFiles(OUT);
  rmSync(OUT, { force: true });
  renameSync(PARTIAL, OUT);
  const size = statSync(OUT).size;
  console.log(`\nwrote ${OUT} (${bytes(size)}) in ${duration(performance.now() - t0)} total`);
  console.log(`serve it with: DATABASE_PATH=${OUT} SEED=false npx tsx src/server.ts`);
}

function removeSideFiles(path: string): void {
  for (const suffix of ['-wal', '-shm', '-journal']) rmSync(path + suffix, { force: true });
}

// -------------------------------------------------------------------------------------------- generation

async function generate(sqlite: ReturnType<typeof openDatabase>['$client']): Promise<void> {
  const structure = Rng.derive(SEED, 'structure');
  const words = Rng.derive(SEED, 'words');

  // A fixed clock: records are "entered" one after another from this instant on.
  let clock = Date.UTC(2024, 0, 2, 8, 0, 0);
  const tick = () => {
    clock += structure.int(1, 30) * 1000;
    return new Date(clock).toISOString();
  };

  const insertActor = inserter(sqlite, actorsTable, [
    'id',
    'name',
    'kind',
    'aliases',
    'parentId',
    'description',
    'wikidataId',
    'identifiable',
    'searchText',
    'reliabilityGrade',
    'reliabilityGradedBy',
    'reliabilityGradedAt',
    'reliabilityRationale',
    'createdAt',
    'updatedAt',
  ]);
  const insertEvent = inserter(sqlite, eventsTable, [
    'id',
    'title',
    'summary',
    'kind',
    'startsAt',
    'endsAt',
    'timePrecision',
    'placeName',
    'latitude',
    'longitude',
    'parentId',
    'searchText',
    'createdAt',
    'updatedAt',
  ]);
  const insertParty = inserter(sqlite, partiesTable, ['eventId', 'actorId', 'role']);
  const insertSource = inserter(sqlite, sourcesTable, [
    'id',
    'title',
    'url',
    'publisherId',
    'copyOfId',
    'publishedAt',
    'publishedAtPrecision',
    'retrievedAt',
    'language',
    'kind',
    'text',
    'sha256',
    'searchText',
    'createdAt',
    'updatedAt',
  ]);
  const insertClaim = inserter(sqlite, claimsTable, [
    'id',
    'sourceId',
    'claimantId',
    'eventId',
    'text',
    'stance',
    'modality',
    'quoteExact',
    'quotePrefix',
    'quoteSuffix',
    'quoteStart',
    'quoteEnd',
    'statedAt',
    'statedAtPrecision',
    'credibilityGrade',
    'credibilityGradedBy',
    'credibilityGradedAt',
    'credibilityRationale',
    'createdAt',
    'updatedAt',
  ]);
  const insertVia = inserter(sqlite, viaTable, ['claimId', 'position', 'actorId']);
  const insertAttribution = inserter(sqlite, attributionsTable, [
    'id',
    'eventId',
    'actorId',
    'role',
    'position',
    'claimId',
    'createdAt',
    'updatedAt',
  ]);
  const insertLink = inserter(sqlite, claimLinksTable, [
    'id',
    'fromClaimId',
    'toClaimId',
    'relation',
    'note',
    'createdAt',
    'updatedAt',
  ]);

  // The one-pass rebuild writes migration 0004's layout; if a later migration has changed the search
  // triggers, they fill the index themselves as rows go in (same result as the API's writes, slower).
  const knownIndex = searchIndexIsKnown(sqlite);
  if (FTS_REBUILD && !knownIndex) {
    console.log("  the search triggers are not migration 0004's: the index is filled by them, row by row");
  }
  const searchTriggers = FTS_REBUILD && knownIndex ? dropSearchTriggers(sqlite) : null;
  const batch = new Batcher(sqlite, BATCH);
  const rowsByTable: Record<string, number> = {};
  const progress = new Progress('claims', COUNTS.claims);
  const wrote = (table: string, n = 1) => {
    rowsByTable[table] = (rowsByTable[table] ?? 0) + n;
    progress.rows += n;
    batch.tick(n);
  };

  // ---- actors
  let phase = performance.now();
  const plan = planActors(COUNTS.actors, structure);
  batch.start();
  for (const a of plan.actors) {
    const body = CreateActorBody.parse(a.body);
    const now = tick();
    const grade = gradeColumns(body.reliability);
    const aliases = body.aliases ?? [];
    insertActor({
      id: a.id,
      name: body.name,
      kind: body.kind,
      aliases,
      parentId: body.parentId ?? null,
      description: body.description ?? null,
      wikidataId: body.wikidataId ?? null,
      // As the actors repository decides it: every kind but `group` is identifiable; a group only if marked.
      identifiable: identifiableOf(body.kind, body.identifiable, undefined),
      // As the actors repository computes it: name and aliases, one per line, lower-cased.
      searchText: [body.name, ...aliases].join('\n').toLowerCase(),
      reliabilityGrade: grade?.grade ?? null,
      reliabilityGradedBy: grade?.gradedBy ?? null,
      reliabilityGradedAt: grade ? now : null,
      reliabilityRationale: grade?.rationale ?? null,
      createdAt: now,
      updatedAt: now,
    });
    wrote('actors');
    batch.start();
  }
  console.log(`  actors: ${fmt(plan.actors.length)} in ${duration(performance.now() - phase)}`);

  // ---- events
  phase = performance.now();
  const events = planEvents(COUNTS.events, plan, structure);
  for (const e of events) {
    const body = CreateEventBody.parse(e.body);
    if (body.startsAt && body.endsAt && body.endsAt < body.startsAt) {
      throw new Error(`event ${e.id}: endsAt before startsAt`);
    }
    const now = tick();
    insertEvent({
      id: e.id,
      title: body.title,
      summary: body.summary ?? null,
      kind: body.kind,
      startsAt: body.startsAt ?? null,
      endsAt: body.endsAt ?? null,
      timePrecision: body.timePrecision ?? null,
      placeName: body.placeName ?? null,
      latitude: body.latitude ?? null,
      longitude: body.longitude ?? null,
      parentId: body.parentId ?? null,
      // As the events repository computes it.
      searchText: [body.title, body.placeName ?? ''].join('\n').toLowerCase(),
      createdAt: now,
      updatedAt: now,
    });
    wrote('events');
    // As the events repository stores parties: one row per distinct (actor, role).
    const parties = new Map((body.parties ?? []).map((p) => [`${p.actorId}:${p.role}`, p]));
    for (const p of parties.values()) {
      insertParty({ eventId: e.id, actorId: p.actorId, role: p.role });
      wrote('event_parties');
    }
    batch.start();
  }
  console.log(`  events: ${fmt(events.length)} in ${duration(performance.now() - phase)}`);

  // ---- samplers: who speaks, who publishes, who relays, what is covered
  const byProminence = (ids: number[]) =>
    [...ids].sort((a, b) => at(plan.actors, b - 1).prominence - at(plan.actors, a - 1).prominence || a - b);
  const zipfPool = (ids: number[], topShare: number) => {
    const ranked = byProminence(ids);
    return ranked.length > 0
      ? { ids: ranked, sampler: new WeightedSampler(zipfWeights(ranked.length, topShare)) }
      : null;
  };
  const drawFrom = (pool: ReturnType<typeof zipfPool>, rng: Rng): PlannedActor | null =>
    pool ? at(plan.actors, at(pool.ids, pool.sampler.sample(rng)) - 1) : null;
  const allIds = plan.actors.map((a) => a.id);
  // The top speaker draws ~6% of global picks; with own-voice claims and party picks it ends near 3%.
  const speakers = zipfPool(allIds, 0.06);
  const statePools = plan.subtreeByState.map((ids) => zipfPool(ids, 0.12));
  const relays = zipfPool([...plan.outlets, ...plan.channels], 0.08);
  const newsPublishers = zipfPool(plan.outlets.length > 0 ? plan.outlets : allIds, 0.06);
  const officialPublishers = zipfPool(
    [...plan.bodies, ...plan.stateIds].length > 0 ? [...plan.bodies, ...plan.stateIds] : allIds,
    0.08,
  );
  const socialPublishers = zipfPool(plan.channels.length > 0 ? plan.channels : allIds, 0.06);
  // Coverage: a random order of events, Zipf over it; the main event takes ~85% of a source's claims.
  const eventOrder = structure.shuffle(events.map((e) => e.id));
  const coverage = new WeightedSampler(zipfWeights(events.length, 0.05 / 0.95));
  const drawEvent = (rng: Rng): PlannedEvent => at(events, at(eventOrder, coverage.sample(rng)) - 1);
  const nonBlame: (readonly [PropType, number])[] = [
    ['damage', 25],
    ['casualties', 20],
    ['intercept', 15],
    ['occurred', 15],
    ['retaliation', 15],
    ['cause', 10],
  ];
  const stanceWeight: Record<string, number> = {
    asserts: 55,
    denies: 20,
    downplays: 20,
    speculates: 15,
    declines_to_comment: 10,
  };

  // ---- claims per source: exponential-ish, capped so that a source stays under ~4 KB; exact total.
  const perSource = new Int32Array(COUNTS.sources);
  {
    const w = new Float64Array(COUNTS.sources);
    let total = 0;
    for (let i = 0; i < w.length; i++) {
      w[i] = Math.min(-Math.log(1 - structure.next()), 2.4) + 0.05;
      total += w[i] ?? 0;
    }
    let acc = 0;
    let given = 0;
    for (let i = 0; i < w.length; i++) {
      acc += w[i] ?? 0;
      const upTo = i === w.length - 1 ? COUNTS.claims : Math.round((COUNTS.claims * acc) / total);
      perSource[i] = upTo - given;
      given = upTo;
    }
  }

  const attributionQuota = new Quota(COUNTS.attributions, COUNTS.claims);
  const linkQuota = new Quota(COUNTS.links, COUNTS.claims);
  const recentByEvent = new Map<number, Recent[]>();
  const attributionsByPlan = new Map<StatementPlan, AttributionSpec[]>();
  const originals: StoredSource[] = [];
  let nextClaimId = 1;
  let nextAttributionId = 1;
  let nextLinkId = 1;
  let copies = 0;
  let pastedQuotes = 0;
  let textBytes = 0;
  let minText = Number.POSITIVE_INFINITY;
  let maxText = 0;

  const storeAttribution = (claimId: number, eventId: number, spec: AttributionSpec, now: string) => {
    const body = CreateAttributionBody.parse({
      eventId,
      actorId: spec.actorId,
      role: spec.role,
      position: spec.position,
      claimId,
    });
    insertAttribution({
      id: nextAttributionId++,
      eventId: body.eventId,
      actorId: body.actorId,
      role: body.role ?? 'perpetrator',
      position: body.position,
      claimId: body.claimId,
      createdAt: now,
      updatedAt: now,
    });
    wrote('attributions');
  };

  const storeLink = (
    from: number,
    to: number,
    relation: 'corroborates' | 'contradicts' | 'repeats' | 'responds_to',
    note: string | null,
  ) => {
    const body = CreateClaimLinkBody.parse({ fromClaimId: from, toClaimId: to, relation, note });
    const now = tick();
    insertLink({
      id: nextLinkId++,
      fromClaimId: body.fromClaimId,
      toClaimId: body.toClaimId,
      relation: body.relation,
      note: body.note ?? null,
      createdAt: now,
      updatedAt: now,
    });
    wrote('claim_links');
    linkQuota.take(1);
  };

  /** Validates, anchors and stores one claim, its chain and its attributions. */
  const storeClaim = (
    source: { id: number; text: string; hasPairs: boolean },
    c: {
      plan: StatementPlan;
      text: string;
      modality: WrittenClaim['modality'];
      start: number;
      end: number;
      viaIds: number[];
      statedAt: { at: string; precision: NonNullable<ClaimInput['statedAtPrecision']> } | null;
      attributions: AttributionSpec[];
    },
  ): StoredClaim => {
    const rng = words;
    const exact = source.text.slice(c.start, c.end);
    const cpStart = cpIndex(source.text, c.start, source.hasPairs);
    const paste = rng.chance(0.4);
    if (paste) pastedQuotes++;
    const quote: QuoteInput = { exact: paste ? pasted(exact) : exact, start: cpStart };
    if (c.start > 0 && rng.chance(0.1))
      quote.prefix = pasted(safeSliceBefore(source.text, c.start - 24, c.start));
    const graded = rng.chance(0.03);
    const body = CreateClaimBody.parse({
      sourceId: source.id,
      claimantId: c.plan.claimant?.id ?? null,
      eventId: c.plan.eventId,
      text: c.text,
      stance: c.plan.variant.stance,
      modality: c.modality,
      quote,
      reportedViaIds: c.viaIds,
      ...(c.statedAt ? { statedAt: c.statedAt.at, statedAtPrecision: c.statedAt.precision } : {}),
      ...(graded
        ? {
            credibility: {
              grade: rng.pick(['1', '2', '2', '3', '3', '3', '4', '5', '6'] as const),
              gradedBy: rng.pick(['Verification desk', 'Night editor', 'OSINT team']),
              rationale: rng.pick([
                'Matches satellite imagery.',
                'No independent confirmation.',
                'Contradicted by local footage.',
                null,
              ]),
            },
          }
        : {}),
    });
    // The claims service's own anchoring: the same folding, matching and selector as POST /claims.
    const selector = anchorOrThrow(source.text, body.quote, source.id);
    if (selector.start !== cpStart || selector.exact !== exact) {
      throw new Error(
        `claim ${nextClaimId}: anchored at ${selector.start} (${JSON.stringify(selector.exact)}), expected ${cpStart} (${JSON.stringify(exact)})`,
      );
    }
    const id = nextClaimId++;
    const now = tick();
    const grade = gradeColumns(body.credibility);
    insertClaim({
      id,
      sourceId: body.sourceId,
      claimantId: body.claimantId ?? null,
      eventId: body.eventId ?? null,
      text: body.text,
      stance: body.stance,
      modality: body.modality,
      quoteExact: selector.exact,
      quotePrefix: selector.prefix,
      quoteSuffix: selector.suffix,
      quoteStart: selector.start,
      quoteEnd: selector.end,
      statedAt: body.statedAt ?? null,
      statedAtPrecision: body.statedAtPrecision ?? null,
      credibilityGrade: grade?.grade ?? null,
      credibilityGradedBy: grade?.gradedBy ?? null,
      credibilityGradedAt: grade ? now : null,
      credibilityRationale: grade?.rationale ?? null,
      createdAt: now,
      updatedAt: now,
    });
    wrote('claims');
    (body.reportedViaIds ?? []).forEach((actorId, position) => {
      insertVia({ claimId: id, position, actorId });
      wrote('claim_reported_via');
    });
    if (body.eventId !== null && body.eventId !== undefined) {
      for (const spec of c.attributions) storeAttribution(id, body.eventId, spec, now);
    }
    return {
      id,
      body,
      plan: c.plan,
      modality: c.modality,
      text: c.text,
      exact,
      start16: c.start,
      cpStart,
      attributions: c.attributions,
    };
  };

  /** Links a new claim to an earlier claim about the same event, when the link quota asks for one. */
  const maybeLink = (claim: StoredClaim, rng: Rng, repeats: StoredClaim | null) => {
    if (!linkQuota.ask(rng) || linkQuota.left === 0) return;
    if (repeats) {
      storeLink(
        claim.id,
        repeats.id,
        'repeats',
        rng.chance(0.5) ? 'Syndicated copy of the same report.' : null,
      );
      return;
    }
    const eventId = claim.body.eventId;
    const recent = eventId ? recentByEvent.get(eventId) : undefined;
    if (!recent || recent.length === 0) return;
    const same = recent.filter((r) => r.type === claim.plan.type);
    // Claims about different things link only as a response (a threat answering an accusation), and rarely.
    if (same.length === 0 && !rng.chance(0.25)) return;
    const other = rng.pick(same.length > 0 ? same : recent);
    const mine = claim.body.stance;
    let relation: 'corroborates' | 'contradicts' | 'repeats' | 'responds_to';
    if (other.type !== claim.plan.type) relation = 'responds_to';
    else if (other.claimantId !== null && other.claimantId === claim.body.claimantId) relation = 'repeats';
    else if (
      mine === other.stance ||
      (mine !== 'denies' && other.stance !== 'denies' && mine !== 'downplays' && other.stance !== 'downplays')
    )
      relation = 'corroborates';
    else relation = mine === 'denies' && rng.chance(0.3) ? 'responds_to' : 'contradicts';
    const note = rng.chance(0.3)
      ? rng.pick([
          'Same figures, different claimant.',
          'Directly contradicts the earlier account.',
          'Issued in reply to the accusation.',
          'Independent confirmation from a second outlet.',
        ])
      : null;
    storeLink(claim.id, other.id, relation, note);
  };

  const remember = (claim: StoredClaim) => {
    const eventId = claim.body.eventId;
    if (!eventId) return;
    let recent = recentByEvent.get(eventId);
    if (!recent) {
      recent = [];
      recentByEvent.set(eventId, recent);
    }
    const entry: Recent = {
      id: claim.id,
      stance: claim.body.stance,
      type: claim.plan.type,
      claimantId: claim.body.claimantId ?? null,
    };
    if (recent.length < 8) recent.push(entry);
    else recent[claim.id % 8] = entry;
  };

  const pickVariant = (type: PropType, rng: Rng): Variant =>
    rng.weighted(PROPOSITIONS[type].map((v) => [v, stanceWeight[v.stance] ?? 1] as const));

  /** Plans one claim: what it says, about which event, by whom, through whom. */
  const planStatement = (
    main: PlannedEvent,
    secondary: PlannedEvent,
    rng: Rng,
    blame: boolean,
  ): StatementPlan => {
    const sponsorCapable = blame && attributionQuota.left >= 2 && rng.chance(0.1);
    const type: PropType = blame ? (sponsorCapable ? 'sponsor' : 'blame') : rng.weighted(nonBlame);
    const variant = pickVariant(type, rng);
    const roll = rng.next();
    const event = roll < 0.85 ? main : secondary;
    const eventId = !blame && roll > 0.95 ? null : event.id;
    let claimant: PlannedActor | null;
    const side = sideOf(type, variant.stance);
    if (variant.clause.length > 0 && rng.chance(0.08)) claimant = null;
    else if (side !== 'any' && rng.chance(0.6)) {
      // A party speaking for itself: the target's officials assert, the accused's deny; within a state
      // the foreign and defence ministries and their spokespeople speak most (Zipf over the hierarchy).
      const state =
        side === 'target' ? event.country : event.accused.kind === 'state' ? event.accused.state : -1;
      claimant = state >= 0 ? (drawFrom(statePools[state] ?? null, rng) ?? event.accused) : event.accused;
    } else claimant = drawFrom(speakers, rng);
    const via: PlannedActor[] = [];
    const hops = rng.weighted([
      [0, 60],
      [1, 30],
      [2, 10],
    ] as const);
    for (let h = 0; h < hops && relays; h++) {
      // Officials' words first pass through their own state media, more often than not.
      const own = h === 0 && claimant && claimant.state >= 0 ? (plan.stateOutlets[claimant.state] ?? []) : [];
      const r =
        own.length > 0 && rng.chance(0.6) ? at(plan.actors, rng.pick(own) - 1) : drawFrom(relays, rng);
      if (r && r.id !== claimant?.id && !via.some((v) => v.id === r.id)) via.push(r);
    }
    let sponsor: PlannedActor | null = null;
    if (type === 'sponsor') {
      const s = rng.pick(plan.stateIds);
      sponsor = s !== event.accused.id ? at(plan.actors, s - 1) : null;
    }
    const statedAtMs = rng.chance(0.4) ? event.date.getTime() + rng.int(0, 72 * 60) * 60_000 : null;
    return { type, variant, claimant, via, event, eventId, sponsor, statedAtMs };
  };

  const attributionsOf = (p: StatementPlan, rng: Rng): AttributionSpec[] => {
    if (p.type !== 'blame' && p.type !== 'sponsor') return [];
    const position = positionOf(p.variant.stance);
    const specs: AttributionSpec[] = [{ actorId: p.event.accused.id, role: 'perpetrator', position }];
    if (p.type === 'sponsor' && p.sponsor) {
      specs.push({ actorId: p.sponsor.id, role: rng.chance(0.7) ? 'sponsor' : 'facilitator', position });
    }
    return specs;
  };

  // ---- sources and their claims
  phase = performance.now();
  console.log(`  sources and claims (${fmt(BATCH)} rows per transaction):`);
  for (let s = 0; s < COUNTS.sources; s++) {
    // Let signals in between sources (a synchronous loop would hold Ctrl-C until the very end).
    if (s % 500 === 499) await new Promise((done) => setImmediate(done));
    const sourceId = s + 1;
    const rng = structure;
    const k = perSource[s] ?? 0;
    const publishedBase = (e: PlannedEvent) => e.date.getTime() + rng.int(10, 60 * 24 * 10) * 60_000;

    // Syndication: an outlet reprints an earlier article, word for word or with a credit line.
    let copyOf: StoredSource | null = null;
    if (originals.length > 0 && rng.chance(0.04)) {
      const candidates = originals.slice(-50).filter((o) => o.claims.length >= k && o.publisher);
      copyOf = candidates.length > 0 ? rng.pick(candidates) : null;
    }

    let article: Article | null = null;
    let body: SourceInput;
    if (copyOf) {
      const publisher = drawFrom(newsPublishers, rng);
      const credit = rng.chance(0.4)
        ? `This article was originally published by ${copyOf.publisher?.mention ?? 'a partner outlet'}.\n\n`
        : '';
      const publishedMs = copyOf.publishedMs + rng.int(30, 60 * 48) * 60_000;
      body = {
        title: copyOf.title,
        url: publisher
          ? `https://www.${slug(publisher.name)}.com/syndication/${sourceId.toString(36)}`
          : null,
        publisherId: publisher?.id ?? null,
        copyOfId: copyOf.id,
        publishedAt: instantText(publishedMs, rng),
        publishedAtPrecision: 'minute',
        retrievedAt: instantText(publishedMs + rng.int(5, 60 * 72) * 60_000, rng),
        language: copyOf.language,
        kind: 'news_article',
        text: credit + copyOf.text,
      };
      copies++;
    } else {
      const mainEvent = drawEvent(rng);
      const secondary =
        mainEvent.parentId !== null && rng.chance(0.5) ? at(events, mainEvent.parentId - 1) : drawEvent(rng);
      const kind = rng.weighted([
        ['news_article', 70],
        ['official_statement', 12],
        ['social_post', 12],
        ['other', 6],
      ] as const);
      const publisher =
        kind === 'official_statement'
          ? drawFrom(officialPublishers, rng)
          : kind === 'social_post'
            ? drawFrom(socialPublishers, rng)
            : drawFrom(newsPublishers, rng);
      const statements: StatementPlan[] = [];
      for (let j = 0; j < k; j++) {
        const blame = attributionQuota.ask(rng);
        const p = planStatement(mainEvent, secondary, rng, blame);
        // An official statement mostly speaks through its publisher.
        if (kind === 'official_statement' && publisher && p.claimant && rng.chance(0.5))
          p.claimant = publisher;
        const specs = attributionsOf(p, rng);
        attributionQuota.take(specs.length);
        attributionsByPlan.set(p, specs);
        statements.push(p);
      }
      const style: Style = {
        curly: publisher ? publisher.id % 3 !== 0 : true,
        sep: rng.chance(0.03) ? '\r\n\r\n' : kind === 'social_post' || rng.chance(0.1) ? '\n' : '\n\n',
        nbsp: rng.chance(0.06),
        softHyphen: rng.chance(0.02),
        wrap: kind === 'official_statement' ? rng.chance(0.3) : rng.chance(0.03),
      };
      const publishedMs = publishedBase(mainEvent);
      const targetLength = kind === 'social_post' ? rng.int(1000, 1500) : rng.int(1000, 4000);
      article = writeArticle(
        { kind, publisher, event: mainEvent, statements, publishedMs, targetLength, style },
        words,
      );
      const country = COUNTRIES[mainEvent.country];
      const day = new Date(publishedMs);
      const url =
        publisher === null || rng.chance(0.08)
          ? null
          : kind === 'social_post'
            ? `https://t.me/${slug(publisher.name).replace(/-/g, '_')}/${rng.int(1000, 99999)}`
            : kind === 'official_statement'
              ? `https://www.${slug(publisher.name).slice(0, 40)}.gov.${country?.tld ?? 'int'}/en/news/${sourceId}`
              : `https://www.${slug(publisher.name)}.com/${rng.pick(NEWS_SECTIONS)}/${day.getUTCFullYear()}/${String(
                  day.getUTCMonth() + 1,
                ).padStart(2, '0')}/${slug(article.title).slice(0, 80)}-${sourceId.toString(36)}`;
      body = {
        title: article.title,
        url,
        publisherId: publisher?.id ?? null,
        copyOfId: null,
        publishedAt: instantText(publishedMs, rng),
        publishedAtPrecision: kind === 'news_article' || kind === 'social_post' ? 'minute' : 'day',
        retrievedAt: instantText(publishedMs + rng.int(5, 60 * 72) * 60_000, rng),
        language: rng.weighted([
          ['en', 80],
          ['en-GB', 10],
          ['en-US', 5],
          [null, 5],
        ] as const),
        kind,
        text: article.text,
      };
    }

    const parsed = CreateSourceBody.parse(body);
    const now = tick();
    insertSource({
      id: sourceId,
      title: parsed.title,
      url: parsed.url ?? null,
      publisherId: parsed.publisherId ?? null,
      copyOfId: parsed.copyOfId ?? null,
      publishedAt: parsed.publishedAt ?? null,
      publishedAtPrecision: parsed.publishedAtPrecision ?? null,
      retrievedAt: parsed.retrievedAt ?? now,
      language: parsed.language ?? null,
      kind: parsed.kind,
      text: parsed.text,
      // As the sources repository computes them.
      sha256: sha256Hex(parsed.text),
      searchText: parsed.title.toLowerCase(),
      createdAt: now,
      updatedAt: now,
    });
    wrote('sources');
    textBytes += Buffer.byteLength(parsed.text, 'utf8');
    minText = Math.min(minText, Buffer.byteLength(parsed.text, 'utf8'));
    maxText = Math.max(maxText, Buffer.byteLength(parsed.text, 'utf8'));

    const text = parsed.text;
    const source = { id: sourceId, text, hasPairs: /[\uD800-\uDBFF]/.test(text) };
    const stored: StoredClaim[] = [];
    if (copyOf) {
      // The copy's claims: the original's, anchored in the copy and reported via the original's publisher.
      const shift = text.length - copyOf.text.length;
      for (const orig of copyOf.claims.slice(0, k)) {
        const blame = attributionQuota.ask(rng);
        const at16 = shift + orig.start16;
        const viaIds = [...(orig.body.reportedViaIds ?? [])];
        const origPublisher = copyOf.publisher?.id;
        if (
          origPublisher !== undefined &&
          !viaIds.includes(origPublisher) &&
          origPublisher !== orig.body.claimantId
        ) {
          viaIds.push(origPublisher);
        }
        const claim = storeClaim(source, {
          plan: orig.plan,
          text: orig.text,
          modality: orig.modality,
          start: at16,
          end: at16 + orig.exact.length,
          viaIds,
          statedAt: orig.body.statedAt
            ? { at: orig.body.statedAt, precision: orig.body.statedAtPrecision ?? 'day' }
            : null,
          attributions: blame ? orig.attributions : [],
        });
        if (blame) attributionQuota.take(orig.attributions.length);
        maybeLink(claim, rng, orig);
        stored.push(claim);
        progress.update(nextClaimId - 1);
      }
    } else if (article) {
      for (const w of article.claims) {
        const attributions = attributionsByPlan.get(w.plan) ?? [];
        const precision = rng.weighted([
          ['day', 5],
          ['hour', 3],
          ['minute', 2],
        ] as const);
        const claim = storeClaim(source, {
          plan: w.plan,
          text: w.text,
          modality: w.modality,
          start: w.start,
          end: w.end,
          viaIds: w.plan.via.map((v) => v.id),
          statedAt:
            w.plan.statedAtMs === null ? null : { at: instantText(w.plan.statedAtMs, rng), precision },
          attributions,
        });
        maybeLink(claim, rng, null);
        remember(claim);
        stored.push(claim);
        progress.update(nextClaimId - 1);
      }
      originals.push({
        id: sourceId,
        title: body.title,
        text,
        publisher: body.publisherId ? at(plan.actors, body.publisherId - 1) : null,
        publishedMs: Date.parse(parsed.publishedAt ?? now),
        language: parsed.language ?? null,
        claims: stored,
      });
      if (originals.length > 400) originals.splice(0, 200);
      attributionsByPlan.clear();
    }
    batch.start();
  }
  // Selection sampling can fall a link or two short (a few claims had nothing to link to): top up with
  // corroborations among the latest claims of the busiest events, never repeating a link.
  if (linkQuota.left > 0) {
    const exists = sqlite.prepare(
      'SELECT 1 FROM claim_links WHERE from_claim_id = ? AND to_claim_id = ? AND relation = ?',
    );
    for (const recent of recentByEvent.values()) {
      const ordered = [...recent].sort((a, b) => b.id - a.id);
      for (let i = 0; i < ordered.length - 1 && linkQuota.left > 0; i++) {
        const from = at(ordered, i);
        const to = at(ordered, i + 1);
        const relation = from.stance === to.stance ? 'corroborates' : 'contradicts';
        if (!exists.get(from.id, to.id, relation)) storeLink(from.id, to.id, relation, null);
      }
      if (linkQuota.left === 0) break;
    }
  }
  batch.flush();
  progress.update(nextClaimId - 1, true);
  const importMs = performance.now() - phase;

  let ftsMs = 0;
  if (searchTriggers) {
    checkCreationOrder(sqlite);
    phase = performance.now();
    console.log('  rebuilding the search index ...');
    rebuildSearchIndex(sqlite, searchTriggers);
    ftsMs = performance.now() - phase;
    console.log(`  search index rebuilt in ${duration(ftsMs)}`);
  } else {
    // The triggers left a segment per batch or so: one, as a rebuild (and migration 0004) leaves the index.
    phase = performance.now();
    sqlite.exec("INSERT INTO search_index (search_index) VALUES ('optimize')");
    ftsMs = performance.now() - phase;
  }

  // ---- epilogue: statistics for the planner, checks, back to WAL
  phase = performance.now();
  sqlite.exec('ANALYZE');
  const analyzeMs = performance.now() - phase;
  phase = performance.now();
  const full = COUNTS.claims <= 200_000;
  const check = sqlite.pragma(full ? 'integrity_check' : 'quick_check', { simple: false }) as Record<
    string,
    string
  >[];
  const checkResult = check.map((r) => Object.values(r)[0]).join('; ');
  const checkMs = performance.now() - phase;
  phase = performance.now();
  const fkProblems = (sqlite.pragma('foreign_key_check') as unknown[]).length;
  const fkMs = performance.now() - phase;

  const tableCount = (t: string) => count(sqlite, `SELECT count(*) FROM "${t}"`);
  const ftsRows = count(sqlite, 'SELECT count(*) FROM search_index');
  const expectedFts = 2 * tableCount('claims') + tableCount('sources');
  if (knownIndex) {
    checkSearchLayout(sqlite, tableCount('claims'), tableCount('sources'), tableCount('actors'));
  }
  phase = performance.now();
  // FTS5's own check: the inverted index agrees with the stored rows (raises an error if not).
  sqlite.exec("INSERT INTO search_index(search_index) VALUES ('integrity-check')");
  const ftsCheckMs = performance.now() - phase;

  // Back to the settings every server connection uses (journal_mode is stored in the file).
  const mode = sqlite.pragma('journal_mode = WAL', { simple: true });
  sqlite.pragma('synchronous = FULL');

  const totalRows = progress.rows;
  const elapsed = progress.elapsedMs();
  console.log('\nrows written:');
  for (const [t, n] of Object.entries(rowsByTable)) console.log(`  ${t.padEnd(20)} ${fmt(n).padStart(12)}`);
  console.log(
    `  ${'search_index (FTS)'.padEnd(20)} ${fmt(ftsRows).padStart(12)} (expected ${fmt(expectedFts)}: 2 per claim + 1 per source)`,
  );
  if (knownIndex && ftsRows !== expectedFts) {
    throw new Error(`search index holds ${ftsRows} rows, expected ${expectedFts}`);
  }
  for (const [t, n] of Object.entries(rowsByTable)) {
    const stored = tableCount(t);
    if (stored !== n) throw new Error(`${t}: wrote ${n} rows but the table holds ${stored}`);
  }
  console.log(
    `\ntimings: import ${duration(importMs)} (${fmt((totalRows * 1000) / importMs)} rows/s, ${fmt(
      (COUNTS.claims * 1000) / importMs,
    )} claims/s), ANALYZE ${duration(analyzeMs)}, ${full ? 'integrity_check' : 'quick_check'} ${duration(
      checkMs,
    )}, foreign_key_check ${duration(fkMs)}, FTS integrity-check ${duration(ftsCheckMs)}${
      searchTriggers
        ? `, search index rebuild ${duration(ftsMs)}`
        : `, search index optimize ${duration(ftsMs)}`
    }; ${fmt(totalRows)} rows in ${duration(elapsed)} overall (${fmt((totalRows * 1000) / elapsed)} rows/s)`,
  );
  // For the benchmark's import comparison (bench/lib-run/bulk.ts), in milliseconds.
  console.log(
    `timings-ms: ${JSON.stringify({ import: Math.round(importMs), searchIndex: Math.round(ftsMs), rows: totalRows, ftsRebuild: searchTriggers !== null })}`,
  );
  console.log(
    `${full ? 'integrity_check' : 'quick_check'}: ${checkResult}; foreign_key_check: ${fkProblems} problem(s); journal_mode: ${mode}`,
  );
  if (checkResult !== 'ok' || fkProblems > 0) throw new Error('database checks failed');

  console.log(
    `\nsources: ${fmt(copies)} syndicated copies; text ${bytes(textBytes)} in all, ${fmt(minText)}-${fmt(
      maxText,
    )} bytes each (mean ${fmt(textBytes / COUNTS.sources)}); ${fmt(pastedQuotes)} quotes anchored from a pasted form`,
  );
  const top = (sql: string) => sqlite.prepare(sql).get() as { id: number; n: number } | undefined;
  const busiest = top(
    'SELECT claimant_id AS id, count(*) AS n FROM claims WHERE claimant_id IS NOT NULL GROUP BY claimant_id ORDER BY n DESC, id LIMIT 1',
  );
  const largest = top(
    'SELECT event_id AS id, count(*) AS n FROM claims WHERE event_id IS NOT NULL GROUP BY event_id ORDER BY n DESC, id LIMIT 1',
  );
  const pct = (n: number) => `${((n * 100) / COUNTS.claims).toFixed(2)}%`;
  if (busiest) {
    const name = sqlite.prepare('SELECT name, kind FROM actors WHERE id = ?').get(busiest.id) as {
      name: string;
      kind: string;
    };
    const subtree = count(
      sqlite,
      `WITH RECURSIVE down(id) AS (SELECT ? UNION SELECT a.id FROM actors a JOIN down ON a.parent_id = down.id)
       SELECT count(*) FROM claims WHERE claimant_id IN (SELECT id FROM down)`,
      busiest.id,
    );
    console.log(
      `busiest actor: ${busiest.id} (${name.name}, ${name.kind}) with ${fmt(busiest.n)} claims (${pct(busiest.n)}), ${fmt(subtree)} with subordinates`,
    );
  }
  if (largest) {
    const title = sqlite.prepare('SELECT title FROM events WHERE id = ?').pluck().get(largest.id) as string;
    const attributions = count(sqlite, 'SELECT count(*) FROM attributions WHERE event_id = ?', largest.id);
    const links = count(
      sqlite,
      'SELECT count(*) FROM claim_links WHERE from_claim_id IN (SELECT id FROM claims WHERE event_id = ?)',
      largest.id,
    );
    console.log(
      `largest event: ${largest.id} (${title}) with ${fmt(largest.n)} claims (${pct(largest.n)}), ${fmt(attributions)} attributions, ${fmt(links)} links from its claims`,
    );
  }
}

await main();
