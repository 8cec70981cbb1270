/**
 * The practical limit of this hardware for each benchmarked request: a bare Fastify app (no ORM, no zod,
 * no validation, no hooks, no logger) that runs hand-written prepared better-sqlite3 statements fetching
 * the same rows the API reads for the same URL, and sends them with plain `reply.send(obj)`.
 *
 *   LIMIT_DB=<file> PORT=<port> [LIMIT_WRITABLE=1] node --import tsx bench/limit-server.ts
 *
 * Reads open the database read-only. With LIMIT_WRITABLE=1 it also answers POST /claims with raw prepared
 * INSERTs of a claim and its chain (no anchoring, no audit record) in one transaction, with the service's
 * pragmas (WAL, synchronous=FULL, foreign keys), and reads the claim back as the API does.
 *
 * The attribution board is the one view whose cost is mostly computation, so the limit does the API's
 * computation: the same queries, the same number of entries per position (`?entries=`, 5 by default, as
 * the API), origins counted and named by the same pure function (src/domain/independence.ts). Like the API
 * it keeps a built board, serialized with its ETag, until the data changes (SQLite's data_version), so that
 * the benchmark can compare both cached and both computing.
 *
 * Search runs the API's statements (names looked up in `actor_names`, the index read newest first through
 * `search_docs`, one snippet per hit, the page's claims in one query) on this server's only thread; the API runs
 * them in a worker thread with its own connection, so that its figure also holds the hand-off to the worker.
 */
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import {
  independentOrigins,
  type OriginClaim,
  type OriginContext,
  type OriginSource,
  originKeyOf,
} from '../src/domain/independence.js';
import { unionFind } from '../src/lib/union-find.js';
import type { ClaimSelectRow } from '../src/modules/claims/claims.reader.js';

const path = process.env.LIMIT_DB;
if (!path) throw new Error('LIMIT_DB is required');
const port = Number(process.env.PORT ?? 3999);
const writable = process.env.LIMIT_WRITABLE === '1';

const db = new Database(path, { readonly: !writable, fileMustExist: true });
db.pragma('busy_timeout = 5000');
if (writable) {
  db.pragma('foreign_keys = ON');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
}

// The claim columns and joins of the API's claims repository, `verified` computed the same way. CROSS JOIN
// keeps claims the outer loop: with ANALYZE statistics SQLite otherwise answers `id > ? ORDER BY id` (the
// deep page) by scanning every source, probing claims_source_idx and sorting.
const CLAIM_SELECT = `
SELECT c.id, c.text, c.stance, c.modality, c.stated_at AS statedAt, c.stated_at_precision AS statedAtPrecision,
  c.created_at AS createdAt, c.updated_at AS updatedAt, c.claimant_id AS claimantId, a.name AS claimantName,
  a.kind AS claimantKind, c.source_id AS sourceId, s.title AS sourceTitle, s.url AS sourceUrl,
  s.published_at AS sourcePublishedAt, c.event_id AS eventId, e.title AS eventTitle, c.quote_exact AS quoteExact,
  c.quote_prefix AS quotePrefix, c.quote_suffix AS quoteSuffix, c.quote_start AS quoteStart, c.quote_end AS quoteEnd,
  (substr(s.text, c.quote_start + 1, c.quote_end - c.quote_start) = c.quote_exact
    AND length(c.quote_exact) = c.quote_end - c.quote_start
    AND substr(s.text, c.quote_start + 1 - length(c.quote_prefix), length(c.quote_prefix)) = c.quote_prefix
    AND substr(s.text, c.quote_end + 1, length(c.quote_suffix)) = c.quote_suffix) AS verified,
  c.credibility_grade AS credibilityGrade, c.credibility_graded_by AS credibilityGradedBy,
  c.credibility_graded_at AS credibilityGradedAt, c.credibility_rationale AS credibilityRationale,
  c.retracted_at AS retractedAt, c.retracted_by AS retractedBy, c.retraction_reason AS retractionReason
FROM claims c CROSS JOIN sources s ON s.id = c.source_id
LEFT JOIN actors a ON a.id = c.claimant_id LEFT JOIN events e ON e.id = c.event_id`;

// The rows of the API's claims select, column for column (the API's own type for them).
type ClaimRow = ClaimSelectRow;
type ActorRef = { id: number; name: string; kind: string };

const stmt = {
  byActor: db.prepare(
    `${CLAIM_SELECT} WHERE c.claimant_id = ? AND c.retracted_at IS NULL AND c.id > ? ORDER BY c.id LIMIT ?`,
  ),
  byEvent: db.prepare(
    `${CLAIM_SELECT} WHERE c.event_id = ? AND c.retracted_at IS NULL AND c.id > ? ORDER BY c.id LIMIT ?`,
  ),
  all: db.prepare(`${CLAIM_SELECT} WHERE c.retracted_at IS NULL AND c.id > ? ORDER BY c.id LIMIT ?`),
  one: db.prepare(`${CLAIM_SELECT} WHERE c.id = ?`),
  byIds: db.prepare(`${CLAIM_SELECT} WHERE c.id IN (SELECT value FROM json_each(?))`),
  chains: db.prepare(
    `SELECT v.claim_id AS claimId, a.id, a.name, a.kind FROM claim_reported_via v JOIN actors a ON a.id = v.actor_id
     WHERE v.claim_id IN (SELECT value FROM json_each(?)) ORDER BY v.claim_id, v.position`,
  ),
  event: db.prepare(
    `SELECT e.id, e.title, e.summary, e.kind, e.starts_at AS startsAt, e.ends_at AS endsAt,
       e.time_precision AS timePrecision, e.place_name AS placeName, e.latitude, e.longitude,
       e.parent_id AS parentId, e.created_at AS createdAt, e.updated_at AS updatedAt, p.title AS parentTitle
     FROM events e LEFT JOIN events p ON p.id = e.parent_id WHERE e.id = ?`,
  ),
  parties: db.prepare(
    `SELECT ep.role, a.id, a.name, a.kind FROM event_parties ep JOIN actors a ON a.id = ep.actor_id
     WHERE ep.event_id = ? ORDER BY ep.role, a.id`,
  ),
  // Every attribution of the event with the light columns of its claim (enough to count origins).
  attributions: db.prepare(
    `SELECT a.id, a.actor_id AS actorId, a.role, a.position, a.claim_id AS claimId,
       a.retracted_at AS retractedAt, a.retracted_by AS retractedBy, a.retraction_reason AS retractionReason,
       c.claimant_id AS claimantId, c.source_id AS sourceId,
       (SELECT v.actor_id FROM claim_reported_via v WHERE v.claim_id = c.id ORDER BY v.position LIMIT 1) AS firstRelayId,
       c.retracted_at IS NOT NULL AS claimRetracted
     FROM attributions a JOIN claims c ON c.id = a.claim_id WHERE a.event_id = ? ORDER BY a.id`,
  ),
  ancestry: db.prepare(
    `WITH RECURSIVE up(id, parent_id) AS (
       SELECT id, parent_id FROM actors WHERE id IN (SELECT value FROM json_each(?))
       UNION SELECT a.id, a.parent_id FROM actors a JOIN up ON a.id = up.parent_id
     ) SELECT id, parent_id AS parentId FROM up`,
  ),
  copyChains: db.prepare(
    `WITH RECURSIVE chain(id, publisher_id, copy_of_id) AS (
       SELECT id, publisher_id, copy_of_id FROM sources WHERE id IN (SELECT value FROM json_each(?))
       UNION SELECT s.id, s.publisher_id, s.copy_of_id FROM sources s JOIN chain ON s.id = chain.copy_of_id
     ) SELECT id, publisher_id AS publisherId, copy_of_id AS copyOfId FROM chain`,
  ),
  // The API's repeats walk, with CROSS JOIN so that each step looks its links up by claim id: as the API
  // writes it, SQLite drives the step from claim_links_relation_idx and reads every repeats link per row.
  repeats: db.prepare(
    `WITH RECURSIVE comp(seed, id) AS (
       SELECT value, value FROM json_each(?)
       UNION SELECT comp.seed, l.to_claim_id FROM comp CROSS JOIN claim_links l
         ON l.from_claim_id = comp.id AND l.relation = 'repeats'
       UNION SELECT comp.seed, l.from_claim_id FROM comp CROSS JOIN claim_links l
         ON l.to_claim_id = comp.id AND l.relation = 'repeats'
     ) SELECT seed, min(id) AS representative FROM comp GROUP BY seed HAVING count(*) > 1`,
  ),
  actors: db.prepare(
    `SELECT id, name, kind, parent_id AS parentId, reliability_grade AS grade, reliability_graded_by AS gradedBy,
       reliability_graded_at AS gradedAt, reliability_rationale AS rationale
     FROM actors WHERE id IN (SELECT value FROM json_each(?))`,
  ),
  // The timeline reads claims_timeline_idx (event, coalesce(effective_at, '9999'), id) in order, as the API
  // does, from the start or after a position (the next batch while grouping repeats).
  timeline: db.prepare(
    `SELECT c.id, c.effective_at AS t,
       CASE WHEN c.stated_at IS NOT NULL THEN 'statedAt' WHEN c.effective_at IS NOT NULL THEN 'publishedAt' END AS basis,
       CASE WHEN c.stated_at IS NOT NULL THEN c.stated_at_precision ELSE s.published_at_precision END AS precision
     FROM claims c LEFT JOIN sources s ON s.id = c.source_id
     WHERE c.event_id = ? AND c.retracted_at IS NULL
     ORDER BY coalesce(c.effective_at, '9999'), c.id LIMIT ?`,
  ),
  timelineAfter: db.prepare(
    `SELECT c.id, c.effective_at AS t,
       CASE WHEN c.stated_at IS NOT NULL THEN 'statedAt' WHEN c.effective_at IS NOT NULL THEN 'publishedAt' END AS basis,
       CASE WHEN c.stated_at IS NOT NULL THEN c.stated_at_precision ELSE s.published_at_precision END AS precision
     FROM claims c LEFT JOIN sources s ON s.id = c.source_id
     WHERE c.event_id = ? AND c.retracted_at IS NULL
       AND coalesce(c.effective_at, '9999') >= ? AND (coalesce(c.effective_at, '9999') > ? OR c.id > ?)
     ORDER BY coalesce(c.effective_at, '9999'), c.id LIMIT ?`,
  ),
  // Grouping a timeline's repeated statements: the same claims, in the same scope, with their time and source.
  timelineMembers: db.prepare(
    `SELECT c.id, c.effective_at AS t,
       CASE WHEN c.stated_at IS NOT NULL THEN c.stated_at_precision ELSE s.published_at_precision END AS precision,
       c.source_id AS sourceId
     FROM claims c LEFT JOIN sources s ON s.id = c.source_id
     WHERE c.id IN (SELECT value FROM json_each(?)) AND c.event_id = ? AND c.retracted_at IS NULL`,
  ),
  // Each claim with the other members of its repeats component (the API's walk: a claim without links
  // is not listed).
  repeatsMembers: db.prepare(
    `WITH RECURSIVE comp(seed, id) AS (
       SELECT value, value FROM json_each(?)
       UNION SELECT comp.seed, l.to_claim_id FROM comp CROSS JOIN claim_links l
         ON l.from_claim_id = comp.id AND l.relation = 'repeats'
       UNION SELECT comp.seed, l.from_claim_id FROM comp CROSS JOIN claim_links l
         ON l.to_claim_id = comp.id AND l.relation = 'repeats'
     ) SELECT seed, id FROM comp WHERE id <> seed`,
  ),
  // Claims in the other sources of each claim's copy family (the API's statement).
  copyFamily: db.prepare(
    `WITH RECURSIVE
       start(claim_id, source_id) AS (
         SELECT id, source_id FROM claims WHERE id IN (SELECT value FROM json_each(?))),
       up(source_id, id, next, depth) AS (
         SELECT s.id, s.id, s.copy_of_id, 0 FROM sources s WHERE s.id IN (SELECT source_id FROM start)
         UNION SELECT up.source_id, s.id, s.copy_of_id, up.depth + 1 FROM sources s JOIN up ON s.id = up.next
           WHERE up.depth < 64),
       roots(source_id, root) AS (SELECT source_id, id FROM up WHERE next IS NULL),
       down(root, id, depth) AS (
         SELECT DISTINCT root, root, 0 FROM roots
         UNION SELECT down.root, s.id, down.depth + 1 FROM sources s JOIN down ON s.copy_of_id = down.id
           WHERE down.depth < 64)
     SELECT DISTINCT st.claim_id AS claimId, c.id AS otherId
     FROM start st JOIN roots r ON r.source_id = st.source_id JOIN down d ON d.root = r.root
     JOIN claims c ON c.source_id = d.id
     WHERE d.id <> st.source_id`,
  ),
  claimOrigins: db.prepare(
    `SELECT c.id, c.source_id AS sourceId, c.claimant_id AS claimantId, c.quote_exact AS quote,
       (SELECT v.actor_id FROM claim_reported_via v WHERE v.claim_id = c.id ORDER BY v.position LIMIT 1) AS firstRelayId
     FROM claims c WHERE c.id IN (SELECT value FROM json_each(?))`,
  ),
  // The API's search statements (src/modules/search/search.repository.ts): the index read newest first (rowids
  // are a sequence in creation order, `search_docs` says what each row is), bm25 only for order=relevance,
  // which ranks the newest RELEVANCE_WINDOW matches; names through `actor_names` and the actor<id> tokens.
  // Rowids are cast to INTEGER where they meet the index, as the API does (FTS5 ignores a REAL rowid there).
  searchNewest: db.prepare(
    `SELECT search_index.rowid AS rowid, d.kind AS kind, d.ref_id AS refId, NULL AS score
     FROM search_index CROSS JOIN search_docs d ON d.id = search_index.rowid
     WHERE search_index MATCH ? AND search_index.rowid < CAST(? AS INTEGER) ORDER BY search_index.rowid DESC`,
  ),
  searchRanked: db.prepare(
    `SELECT search_index.rowid AS rowid, d.kind AS kind, d.ref_id AS refId, bm25(search_index) AS score
     FROM search_index CROSS JOIN search_docs d ON d.id = search_index.rowid
     WHERE search_index MATCH ? AND search_index.rowid < CAST(? AS INTEGER) ORDER BY search_index.rowid DESC`,
  ),
  actorsNamed: db
    .prepare('SELECT rowid FROM actor_names WHERE actor_names MATCH ? ORDER BY rowid DESC LIMIT 500')
    .pluck(),
  snippet: db
    .prepare(
      `SELECT snippet(search_index, 0, char(2), char(3), '…', 16) FROM search_index
       WHERE search_index MATCH ? AND rowid = CAST(? AS INTEGER)`,
    )
    .pluck(),
};

function chainsOf(ids: number[]): Map<number, ActorRef[]> {
  const chains = new Map<number, ActorRef[]>();
  if (ids.length === 0) return chains;
  for (const { claimId, ...actor } of stmt.chains.all(JSON.stringify(ids)) as (ActorRef & {
    claimId: number;
  })[]) {
    const chain = chains.get(claimId);
    if (chain) chain.push(actor);
    else chains.set(claimId, [actor]);
  }
  return chains;
}

/** The API's claim representation, built by hand. */
function toClaims(rows: ClaimRow[]) {
  const chains = chainsOf(rows.map((r) => r.id));
  return rows.map((r) => ({
    id: r.id,
    text: r.text,
    stance: r.stance,
    modality: r.modality,
    statedAt: r.statedAt,
    statedAtPrecision: r.statedAtPrecision,
    claimant:
      r.claimantId !== null && r.claimantName !== null
        ? { id: r.claimantId, name: r.claimantName, kind: r.claimantKind }
        : null,
    source: { id: r.sourceId, title: r.sourceTitle, url: r.sourceUrl, publishedAt: r.sourcePublishedAt },
    event: r.eventId !== null && r.eventTitle !== null ? { id: r.eventId, title: r.eventTitle } : null,
    reportedVia: chains.get(r.id) ?? [],
    quote: {
      exact: r.quoteExact,
      prefix: r.quotePrefix,
      suffix: r.quoteSuffix,
      start: r.quoteStart,
      end: r.quoteEnd,
      verified: r.verified === 1,
    },
    credibility:
      r.credibilityGrade !== null && r.credibilityGradedBy !== null && r.credibilityGradedAt !== null
        ? {
            grade: r.credibilityGrade,
            gradedBy: r.credibilityGradedBy,
            gradedAt: r.credibilityGradedAt,
            rationale: r.credibilityRationale,
          }
        : null,
    retraction:
      r.retractedAt !== null
        ? { retractedAt: r.retractedAt, retractedBy: r.retractedBy ?? '', reason: r.retractionReason ?? '' }
        : null,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  }));
}

const claimsByIds = (ids: number[]) =>
  new Map(toClaims(stmt.byIds.all(JSON.stringify([...new Set(ids)])) as ClaimRow[]).map((c) => [c.id, c]));

function page<T extends { id: number }>(rows: T[], limit: number) {
  if (rows.length <= limit) return { data: rows, nextCursor: null };
  const data = rows.slice(0, limit);
  const last = data[data.length - 1] as T;
  return { data, nextCursor: Buffer.from(JSON.stringify({ v: 1, after: last.id })).toString('base64url') };
}

const afterOf = (cursor: string | undefined) =>
  cursor === undefined
    ? 0
    : (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after: number }).after;

const app = Fastify({ logger: false });

type ListQuery = { actor?: string; event?: string; cursor?: string; limit?: string };
app.get('/claims', async (request) => {
  const q = request.query as ListQuery;
  const limit = Number(q.limit ?? 20);
  const after = afterOf(q.cursor);
  const rows =
    q.actor !== undefined
      ? stmt.byActor.all(Number(q.actor), after, limit + 1)
      : q.event !== undefined
        ? stmt.byEvent.all(Number(q.event), after, limit + 1)
        : stmt.all.all(after, limit + 1);
  return page(toClaims(rows as ClaimRow[]), limit);
});

app.get('/claims/:id', async (request, reply) => {
  const claim = toClaims(stmt.one.all(Number((request.params as { id: string }).id)) as ClaimRow[])[0];
  if (!claim) return reply.code(404).send({ status: 404 });
  return claim;
});

function eventOf(id: number) {
  const e = stmt.event.get(id) as
    | ({ id: number; parentId: number | null; parentTitle: string | null } & object)
    | undefined;
  if (!e) return null;
  const { parentTitle, ...rest } = e;
  const parties = (stmt.parties.all(id) as (ActorRef & { role: string })[]).map(({ role, ...actor }) => ({
    actor,
    role,
  }));
  return {
    ...rest,
    parent: rest.parentId !== null && parentTitle !== null ? { id: rest.parentId, title: parentTitle } : null,
    parties,
  };
}

// The attribution board, computed as the API computes it (see the header): rows per actor held responsible
// (the row naming nobody last, with its one position `no_attribution`), origins by the revised rule (unnamed
// groups as reported by the first relay or the publisher). Its JSON has the API's shape but for
// `independenceRule`, a constant sentence; rollUp is not offered (the benchmark asks for the default board).
type LightRow = {
  id: number;
  actorId: number | null;
  role: string;
  position: string;
  claimId: number;
  retractedAt: string | null;
  retractedBy: string | null;
  retractionReason: string | null;
  claimantId: number | null;
  sourceId: number;
  firstRelayId: number | null;
  claimRetracted: number;
};
type ActorRow = ActorRef & {
  parentId: number | null;
  grade: string | null;
  gradedBy: string | null;
  gradedAt: string | null;
  rationale: string | null;
};
const POSITIONS = ['asserts', 'denies', 'declines_to_comment', 'speculates'] as const;
const ORIGINS_SHOWN = 50;
const sourceRefs = db.prepare(
  'SELECT id, title, url, published_at AS publishedAt FROM sources WHERE id IN (SELECT value FROM json_each(?))',
);
const unnamedGroups = db
  .prepare(
    `SELECT id FROM actors WHERE id IN (SELECT value FROM json_each(?)) AND kind = 'group' AND NOT identifiable`,
  )
  .pluck();
const actorsById = (ids: number[]) =>
  new Map(
    (ids.length === 0 ? [] : (stmt.actors.all(JSON.stringify([...new Set(ids)])) as ActorRow[])).map((a) => [
      a.id,
      a,
    ]),
  );
const gradeOf = (a: ActorRow | undefined) =>
  a && a.grade !== null && a.gradedBy !== null && a.gradedAt !== null
    ? { grade: a.grade, gradedBy: a.gradedBy, gradedAt: a.gradedAt, rationale: a.rationale }
    : null;
const largestFirst = <T extends { key: string; claimIds: number[] }>(origins: T[]) =>
  origins.length <= ORIGINS_SHOWN
    ? origins
    : [...origins]
        .sort((a, b) => b.claimIds.length - a.claimIds.length || a.key.localeCompare(b.key))
        .slice(0, ORIGINS_SHOWN)
        .sort((a, b) => (a.claimIds[0] ?? 0) - (b.claimIds[0] ?? 0));

/** The publisher whose voice a source carries: its copy root's. */
function voiceOf(sourceId: number, sources: Map<number, OriginSource>): number | null {
  const seen = new Set<number>();
  for (let id = sourceId; ; ) {
    const source = sources.get(id);
    if (!source) return null;
    if (source.copyOfId === null || seen.has(source.copyOfId)) return source.publisherId;
    seen.add(id);
    id = source.copyOfId;
  }
}

function computeBoard(eventId: number, entries: number, foldToTopLevel: boolean) {
  const event = eventOf(eventId);
  if (!event) return null;
  const rows = stmt.attributions.all(eventId) as LightRow[];
  const claims = [...new Map(rows.map((r) => [r.claimId, r])).values()].map(
    (r): OriginClaim => ({
      id: r.claimId,
      claimantId: r.claimantId,
      sourceId: r.sourceId,
      firstRelayId: r.firstRelayId,
    }),
  );
  const claimById = new Map(claims.map((c) => [c.id, c]));
  const sourceRows = stmt.copyChains.all(
    JSON.stringify([...new Set(claims.map((c) => c.sourceId))]),
  ) as OriginSource[];
  const sources = new Map(sourceRows.map((x) => [x.id, x]));
  const representative = new Map(
    (
      stmt.repeats.all(JSON.stringify(claims.map((c) => c.id))) as { seed: number; representative: number }[]
    ).map((c) => [c.seed, c.representative]),
  );
  const claimants = [...new Set(claims.flatMap((c) => (c.claimantId === null ? [] : [c.claimantId])))];
  const heldIds = [...new Set(rows.flatMap((r) => (r.actorId === null ? [] : [r.actorId])))];
  const actorParents = new Map(
    (
      stmt.ancestry.all(
        JSON.stringify([
          ...new Set([
            ...claimants,
            ...claims.flatMap((c) => (c.firstRelayId == null ? [] : [c.firstRelayId])),
            ...sourceRows.flatMap((x) => (x.publisherId === null ? [] : [x.publisherId])),
            ...heldIds,
          ]),
        ]),
      ) as { id: number; parentId: number | null }[]
    ).map((r) => [r.id, r.parentId]),
  );
  const unnamed = new Set(
    claimants.length === 0 ? [] : (unnamedGroups.all(JSON.stringify(claimants)) as number[]),
  );
  const contextFor = (subset: Iterable<number>): OriginContext => {
    const firstOf = new Map<number, number>();
    const repeats: [number, number][] = [];
    // As the API: only a claim with repeats links has a representative; one without stands alone.
    for (const id of subset) {
      const rep = representative.get(id);
      if (rep === undefined) continue;
      const first = firstOf.get(rep);
      if (first === undefined) firstOf.set(rep, id);
      else if (first !== id) repeats.push([first, id]);
    }
    return { sources, actorParents, repeats, unnamedGroups: unnamed };
  };
  const options = { foldToTopLevel };
  const countOrigins = (ids: number[]) => {
    const set = new Set(ids);
    return independentOrigins(
      [...set].map((id) => claimById.get(id) as OriginClaim),
      contextFor(set),
      options,
    );
  };
  const standing = (r: LightRow) => r.retractedAt === null && !r.claimRetracted;

  const byActor = new Map<number | null, Map<string, LightRow[]>>();
  for (const r of rows) {
    const positions = byActor.get(r.actorId) ?? new Map<string, LightRow[]>();
    byActor.set(r.actorId, positions);
    const list = positions.get(r.position);
    if (list) list.push(r);
    else positions.set(r.position, [r]);
  }
  const rowKeys = [...byActor.keys()].sort((a, b) => Number(a === null) - Number(b === null));
  const shownRows = rowKeys.flatMap((key) =>
    [...(byActor.get(key)?.values() ?? [])].flatMap((list) => list.slice(0, entries)),
  );
  const shownClaims = claimsByIds(shownRows.map((r) => r.claimId));
  const partyRoles = new Map<number, string>();
  for (const p of event.parties) if (!partyRoles.has(p.actor.id)) partyRoles.set(p.actor.id, p.role);

  const counted = rowKeys.map((heldId) => {
    const positions = byActor.get(heldId) ?? new Map<string, LightRow[]>();
    return {
      heldId,
      positions: (heldId === null ? (['no_attribution'] as const) : POSITIONS).map((position) => {
        const list = positions.get(position) ?? [];
        const kept = list.filter(standing);
        return { position, list, kept, origins: countOrigins(kept.map((r) => r.claimId)) };
      }),
      origins: countOrigins(
        [...positions.values()].flatMap((list) => list.filter(standing).map((r) => r.claimId)),
      ),
    };
  });
  const shownOrigins = counted.flatMap((a) => a.positions.flatMap((p) => largestFirst(p.origins)));
  const originActors = actorsById(
    shownOrigins.flatMap((o) => [o.actorId, o.reportedById].filter((id): id is number => id !== null)),
  );
  const originSourceIds = shownOrigins.flatMap((o) => (o.sourceId === null ? [] : [o.sourceId]));
  const originSources = new Map(
    (originSourceIds.length === 0
      ? []
      : (sourceRefs.all(JSON.stringify(originSourceIds)) as { id: number }[])
    ).map((x) => [x.id, x]),
  );
  const actors = actorsById([
    ...heldIds,
    ...shownRows.flatMap((r) => (r.claimantId === null ? [] : [r.claimantId])),
  ]);
  // Whoever speaks (the claimant, or in a source's own voice its publisher) is interested when it is, or is
  // under, a party to the event or the actor held responsible.
  const interestOf = (r: LightRow, heldId: number | null): string | null => {
    const speaker = r.claimantId ?? voiceOf(r.sourceId, sources);
    const seen: number[] = [];
    for (
      let id: number | null | undefined = speaker;
      id != null && !seen.includes(id);
      id = actorParents.get(id)
    ) {
      seen.push(id);
      const role = id === heldId ? (partyRoles.get(id) ?? 'accused') : partyRoles.get(id);
      if (role) return role;
    }
    return null;
  };
  const ref = (a: ActorRow | undefined) => (a ? { id: a.id, name: a.name, kind: a.kind } : null);
  const baseContext = contextFor([]);
  return {
    event: { id: event.id, title: (event as { title?: string }).title, parties: event.parties },
    foldToTopLevel,
    rollUp: false,
    actors: counted.map(({ heldId, positions, origins }) => ({
      actor: heldId === null ? null : ref(actors.get(heldId)),
      count: positions.reduce((n, p) => n + p.kept.length, 0),
      independentOrigins: origins.length,
      positions: positions.map(({ position, list, kept, origins: positionOrigins }) => {
        const keyOfClaim = new Map(
          positionOrigins.flatMap((o) => o.claimIds.map((id) => [id, o.key] as const)),
        );
        const shown = list.slice(0, entries);
        return {
          position,
          count: kept.length,
          retracted: list.length - kept.length,
          independentOrigins: positionOrigins.length,
          origins: largestFirst(positionOrigins).map((o) => ({
            key: o.key,
            actor: o.actorId === null ? null : ref(originActors.get(o.actorId)),
            reportedBy: o.reportedById === null ? null : ref(originActors.get(o.reportedById)),
            source: o.sourceId === null ? null : (originSources.get(o.sourceId) ?? null),
            claimIds: o.claimIds,
          })),
          entries: shown.map((r) => {
            const interestedAs = interestOf(r, heldId);
            return {
              attributionId: r.id,
              role: r.role,
              heldActor: r.actorId === null ? null : ref(actors.get(r.actorId)),
              claim: shownClaims.get(r.claimId),
              originKey:
                keyOfClaim.get(r.claimId) ??
                originKeyOf(claimById.get(r.claimId) as OriginClaim, baseContext, options),
              interestedParty: interestedAs !== null,
              interestedAs,
              claimantReliability: gradeOf(r.claimantId === null ? undefined : actors.get(r.claimantId)),
              retraction:
                r.retractedAt === null
                  ? null
                  : {
                      retractedAt: r.retractedAt,
                      retractedBy: r.retractedBy ?? '',
                      reason: r.retractionReason ?? '',
                    },
            };
          }),
          moreEntries: list.length - shown.length,
        };
      }),
    })),
  };
}

// Built boards, serialized with their ETag, while the data is unchanged: what the API's view cache keeps.
const dataVersion = db.prepare('PRAGMA data_version').pluck();
const boards = new Map<string, { version: unknown; json: string; etag: string }>();
app.get('/events/:id/attributions', async (request, reply) => {
  const eventId = Number((request.params as { id: string }).id);
  const q = request.query as { entries?: string; foldToTopLevel?: string };
  const entries = Number(q.entries ?? 5);
  const fold = q.foldToTopLevel === 'true';
  const key = `${eventId}:${entries}:${fold}`;
  const version = dataVersion.get();
  let cached = boards.get(key);
  if (!cached || cached.version !== version) {
    const board = computeBoard(eventId, entries, fold);
    if (!board) return reply.code(404).send({ status: 404 });
    const json = JSON.stringify(board);
    cached = {
      version,
      json,
      etag: `"${createHash('sha256').update(json).digest('base64url').slice(0, 27)}"`,
    };
    boards.set(key, cached);
  }
  reply.header('etag', cached.etag);
  return reply.type('application/json; charset=utf-8').send(cached.json);
});

type TimelineRow = { id: number; t: string | null; basis: string | null; precision: string | null };
type MemberRow = { id: number; t: string | null; precision: string | null; sourceId: number };

/** The words of a quote, whatever its case, accents, punctuation and spacing (the API's comparison of copies). */
const sameWords = (text: string) =>
  text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .join(' ');

/** Disjoint sets of claim ids. */
/**
 * The API's grouping of one origin's repeated statements: claims linked by `repeats`, and claims in copies of
 * one source with the same origin and the same quoted words, followed for up to three rounds.
 */
function statementGroups(ids: number[]) {
  const all = unionFind();
  const copies = unionFind();
  const seen = new Set<number>();
  let frontier = [...new Set(ids)];
  for (let round = 0; round < 3 && frontier.length > 0; round++) {
    for (const id of frontier) {
      seen.add(id);
      all.find(id);
    }
    const discovered = new Set<number>();
    const found = (id: number) => {
      if (!seen.has(id)) discovered.add(id);
    };
    for (const { seed, id } of stmt.repeatsMembers.all(JSON.stringify(frontier)) as {
      seed: number;
      id: number;
    }[]) {
      all.union(seed, id);
      found(id);
    }
    const pairs = stmt.copyFamily.all(JSON.stringify(frontier)) as { claimId: number; otherId: number }[];
    if (pairs.length > 0) {
      const rows = stmt.claimOrigins.all(
        JSON.stringify([...new Set(pairs.flatMap((p) => [p.claimId, p.otherId]))]),
      ) as (OriginClaim & { quote: string })[];
      const sourceRows = stmt.copyChains.all(
        JSON.stringify([...new Set(rows.map((r) => r.sourceId))]),
      ) as OriginSource[];
      const claimants = [...new Set(rows.flatMap((r) => (r.claimantId === null ? [] : [r.claimantId])))];
      const context: OriginContext = {
        sources: new Map(sourceRows.map((x) => [x.id, x])),
        repeats: [],
        unnamedGroups: new Set(
          claimants.length === 0 ? [] : (unnamedGroups.all(JSON.stringify(claimants)) as number[]),
        ),
      };
      const keys = new Map(rows.map((r) => [r.id, `${originKeyOf(r, context)} ${sameWords(r.quote)}`]));
      for (const p of pairs) {
        const key = keys.get(p.claimId);
        if (key === undefined || key !== keys.get(p.otherId)) continue;
        all.union(p.claimId, p.otherId);
        copies.union(p.claimId, p.otherId);
        found(p.otherId);
      }
    }
    frontier = [...discovered];
  }
  const groups = all.groups();
  return {
    membersOf: new Map(ids.map((id) => [id, groups.get(all.find(id)) ?? [id]])),
    sameCopy: (a: number, b: number) => copies.find(a) === copies.find(b),
  };
}

// The timeline with repeats grouped (the API's default): each statement once, at its earliest appearance.
app.get('/events/:id/timeline', async (request, reply) => {
  const eventId = Number((request.params as { id: string }).id);
  const limit = Number((request.query as ListQuery).limit ?? 20);
  if (!eventOf(eventId)) return reply.code(404).send({ status: 404 });
  const heads: { row: TimelineRow; also: MemberRow[]; copied: (id: number) => boolean }[] = [];
  let after: TimelineRow | undefined;
  for (;;) {
    const want = (limit + 1 - heads.length) * 2 + 8;
    const batch = (
      after === undefined
        ? stmt.timeline.all(eventId, want)
        : stmt.timelineAfter.all(eventId, after.t ?? '9999', after.t ?? '9999', after.id, want)
    ) as TimelineRow[];
    const { membersOf, sameCopy } = statementGroups(batch.map((r) => r.id));
    const memberIds = [...new Set([...membersOf.values()].flat())];
    const members = new Map(
      (stmt.timelineMembers.all(JSON.stringify(memberIds), eventId) as MemberRow[]).map((r) => [r.id, r]),
    );
    const order = (r: { t: string | null; id: number }) => [r.t ?? '9999', r.id] as const;
    for (const row of batch) {
      const others = (membersOf.get(row.id) ?? []).filter((id) => id !== row.id && members.has(id));
      const [u, j] = order(row);
      const earlier = others.some((id) => {
        const [t, i] = order(members.get(id) as MemberRow);
        return t < u || (t === u && i < j);
      });
      if (earlier) continue;
      heads.push({
        row,
        also: others.map((id) => members.get(id) as MemberRow),
        copied: (id) => sameCopy(row.id, id),
      });
      if (heads.length > limit) break;
    }
    const last = batch[batch.length - 1];
    if (heads.length > limit || batch.length < want || !last) break;
    after = last;
  }
  const page = heads.slice(0, limit);
  const found = claimsByIds(page.map((h) => h.row.id));
  const claimants = actorsById([...found.values()].flatMap((c) => (c.claimant ? [c.claimant.id] : [])));
  const alsoSources = page.flatMap((h) => h.also.map((m) => m.sourceId));
  const refs = new Map(
    (alsoSources.length === 0
      ? []
      : (sourceRefs.all(JSON.stringify([...new Set(alsoSources)])) as { id: number }[])
    ).map((x) => [x.id, x]),
  );
  const data = page.map(({ row: r, also, copied }) => {
    const claim = found.get(r.id);
    return {
      at: r.t,
      precision: r.t === null ? null : r.precision,
      basis: r.basis,
      claim,
      claimantReliability: gradeOf(claim?.claimant ? claimants.get(claim.claimant.id) : undefined),
      alsoAppearedIn: [...also]
        .sort((a, b) => (a.t ?? '9999').localeCompare(b.t ?? '9999') || a.id - b.id)
        .map((m) => ({
          claimId: m.id,
          at: m.t,
          precision: m.t === null ? null : m.precision,
          source: refs.get(m.sourceId),
          via: copied(m.id) ? 'copy' : 'repeats',
        })),
    };
  });
  const last = page[page.length - 1]?.row;
  const nextCursor =
    heads.length > limit && last
      ? Buffer.from(JSON.stringify({ v: 1, at: last.t, id: last.id })).toString('base64url')
      : null;
  return { data, nextCursor };
});

const KINDS = ['claim', 'quote', 'source'] as const;
const RELEVANCE_WINDOW = 1000;
type SearchRow = { rowid: number; kind: number; refId: number; score: number | null };

/** FTS5's marked snippet as plain text and the code-point ranges of its matches (what the API sends). */
function unmark(marked: string) {
  let snippet = '';
  let length = 0;
  let open = -1;
  const highlights: [number, number][] = [];
  for (const ch of marked) {
    if (ch === '\u0002') open = length;
    else if (ch === '\u0003') {
      if (open >= 0 && length > open) highlights.push([open, length]);
      open = -1;
    } else {
      snippet += ch < ' ' ? ' ' : ch;
      length++;
    }
  }
  return { snippet, highlights };
}

// One read transaction, as the API does, so the claims embedded are those the index matched. The query is
// plain words ANDed, each also matching the claims and sources of actors whose names hold it (the API's query
// language has more; the benchmark's queries are single words).
const search = db.transaction((q: string, limit: number, newest: boolean) => {
  const terms = q
    .split(/\s+/)
    .filter((w) => /[\p{L}\p{N}]/u.test(w))
    .map((w) => `"${w.replaceAll('"', '""')}"`);
  const fts = terms
    .map((term) => {
      const ids = stmt.actorsNamed.all(term) as number[];
      return ids.length === 0
        ? `body : ${term}`
        : `(body : ${term} OR names : (${ids.map((id) => `actor${id}`).join(' OR ')}))`;
    })
    .join(' AND ');
  const marks = terms.map((t) => `body : ${t}`).join(' OR ');
  const want = newest ? limit + 1 : RELEVANCE_WINDOW;
  const found: SearchRow[] = [];
  const rows = (newest ? stmt.searchNewest : stmt.searchRanked).iterate(fts, Number.MAX_SAFE_INTEGER);
  for (const row of rows as IterableIterator<SearchRow>) {
    found.push(row);
    if (found.length >= want) break;
  }
  if (!newest) found.sort((a, b) => (a.score ?? 0) - (b.score ?? 0) || b.rowid - a.rowid);
  const pageRows = found.slice(0, limit);
  const claimsFound = claimsByIds(pageRows.filter((r) => r.kind !== 2).map((r) => r.refId));
  const sourceIds = pageRows.filter((r) => r.kind === 2).map((r) => r.refId);
  const sources = new Map(
    (sourceIds.length === 0 ? [] : (sourceRefs.all(JSON.stringify(sourceIds)) as { id: number }[])).map(
      (x) => [x.id, x],
    ),
  );
  const data = pageRows.map((r) => {
    const kind = KINDS[r.kind];
    const { snippet, highlights } = unmark((stmt.snippet.get(marks, r.rowid) as string | undefined) ?? '');
    if (kind === 'source') {
      return { kind, rank: r.score, snippet, highlights, claim: null, source: sources.get(r.refId) };
    }
    const claim = claimsFound.get(r.refId);
    return { kind, rank: r.score, snippet, highlights, claim, source: claim?.source };
  });
  const last = pageRows[pageRows.length - 1];
  const cursor = newest ? { v: 1, before: last?.rowid } : { v: 1, offset: limit };
  return {
    data,
    nextCursor:
      found.length > limit && last ? Buffer.from(JSON.stringify(cursor)).toString('base64url') : null,
    order: newest ? 'newest' : 'relevance',
    complete: true,
    ranked: newest ? null : found.length,
    notice: null,
  };
});

// `order=newest` (the API's default) or `order=relevance`; the benchmark passes the order the API answered in.
app.get('/search', async (request) => {
  const q = request.query as { q: string; limit?: string; order?: string };
  return search(q.q, Number(q.limit ?? 20), q.order !== 'relevance');
});

if (writable) {
  const insertClaim = db.prepare(
    `INSERT INTO claims (source_id, claimant_id, event_id, text, stance, modality, quote_exact, quote_prefix,
       quote_suffix, quote_start, quote_end, stated_at, stated_at_precision, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, '', '', ?, ?, ?, ?, ?, ?) RETURNING id`,
  );
  const insertChain = db.prepare(
    'INSERT INTO claim_reported_via (claim_id, position, actor_id) VALUES (?, ?, ?)',
  );
  interface Body {
    sourceId: number;
    claimantId?: number | null;
    eventId?: number | null;
    text: string;
    stance: string;
    modality: string;
    quote: { exact: string; start?: number };
    reportedViaIds?: number[];
    statedAt?: string | null;
    statedAtPrecision?: string | null;
  }
  const create = db.transaction((b: Body) => {
    const now = new Date().toISOString();
    const start = b.quote.start ?? 0;
    const { id } = insertClaim.get(
      b.sourceId,
      b.claimantId ?? null,
      b.eventId ?? null,
      b.text,
      b.stance,
      b.modality,
      b.quote.exact,
      start,
      start + [...b.quote.exact].length,
      b.statedAt ?? null,
      b.statedAtPrecision ?? null,
      now,
      now,
    ) as { id: number };
    (b.reportedViaIds ?? []).forEach((actorId, position) => {
      insertChain.run(id, position, actorId);
    });
    return toClaims(stmt.one.all(id) as ClaimRow[])[0];
  });
  app.post('/claims', async (request, reply) => reply.code(201).send(create(request.body as Body)));
}

app.get('/health', async () => ({ status: 'ok' }));

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    app.close().finally(() => {
      db.close();
      process.exit(0);
    });
  });
}

await app.listen({ port, host: '127.0.0.1' });
