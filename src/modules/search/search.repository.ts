import Database from 'better-sqlite3';
import type { Claim } from '../claims/claims.schemas.js';
import { plainWords, SearchSyntaxError, type TermExpansion, toFtsQuery } from './search.query.js';
import type { SearchHit, SearchKind, SearchOrder } from './search.schemas.js';

// The search workers load this module: it imports no Drizzle, zod or schema at run time (the imports above
// from .schemas are types only), and a test walks the workers' imports to keep it so.

// What a row of `search_index` holds is in `search_docs` (migrations/0004_board.sql): kind 0 a claim's text
// (with its claimant's names), 1 a claim's quote, 2 a source's title and text (with its publisher's names).
// The rowid is a sequence in the order records were made, so reading the index backwards is newest first.
const PART: Record<SearchKind, number> = { claim: 0, quote: 1, source: 2 };
const KIND_OF: Record<number, SearchKind> = { 0: 'claim', 1: 'quote', 2: 'source' };

/** Marks FTS5's snippet() puts around matches; removed before the snippet leaves. */
const OPEN = '\u0002';
const CLOSE = '\u0003';
const SNIPPET_TOKENS = 16;
/**
 * FTS5's snippet() costs about (tokens x matches) of the document: seconds for a long transcript that uses the
 * word searched thousands of times. Bodies longer than this (in UTF-16 units) get their snippet from the first
 * stretch of this size that matches, tokenized on its own; no more than SNIPPET_SCAN of a body is read so.
 */
const SNIPPET_STRETCH = 4000;
const SNIPPET_SCAN = 1_000_000;
/** A word found in more actors' names than this searches the names of the most recently recorded ones. */
export const NAME_MATCHES = 500;
/** With order=relevance, how many of the newest matches are ranked. */
export const RELEVANCE_WINDOW = 1000;

export interface SearchFilter {
  q: string;
  kind?: SearchKind | undefined;
  event?: number | undefined;
  actor?: number | undefined;
  order: SearchOrder;
  limit: number;
  /** Newest order: only rowids below this (where the previous page stopped). */
  before?: number | undefined;
  /** Relevance order: the window is the newest matches at or below `top`; the page starts at `offset` in it. */
  top?: number | undefined;
  offset?: number | undefined;
}

/** Where the next page starts, for the route to encode as a cursor. */
export type SearchResume =
  | { order: 'newest'; before: number }
  | { order: 'relevance'; top: number; offset: number };

export interface SearchResult {
  data: SearchHit[];
  next: SearchResume | null;
  order: SearchOrder;
  /** False when the time budget ran out: `data` holds what was found until then. */
  complete: boolean;
  /** With order=relevance: how many of the newest matches were ranked. */
  ranked: number | null;
  notice: string | null;
}

/**
 * Turns FTS5's marked-up snippet into plain text and the code-point ranges of its matches.
 * Other control characters (line breaks, tabs) become one space.
 */
export function parseSnippet(marked: string): { snippet: string; highlights: [number, number][] } {
  const out: string[] = [];
  const highlights: [number, number][] = [];
  let open: number | null = null;
  // A run of control characters becomes one space, written only once more text follows it, and only between
  // two characters that are not white space themselves.
  let gap = false;
  let lastIsSpace = true;
  for (const ch of marked) {
    const cp = ch.codePointAt(0) as number;
    if (ch === OPEN) {
      if (gap && !lastIsSpace) {
        out.push(' ');
        lastIsSpace = true;
      }
      gap = false;
      open ??= out.length;
    } else if (ch === CLOSE) {
      if (open !== null && out.length > open) highlights.push([open, out.length]);
      open = null;
    } else if (isControl(cp)) {
      gap = true;
    } else {
      const space = isWhiteSpace(cp);
      if (gap && !lastIsSpace && !space) out.push(' ');
      gap = false;
      out.push(ch);
      lastIsSpace = space;
    }
  }
  if (open !== null && out.length > open) highlights.push([open, out.length]);
  return { snippet: out.join(''), highlights };
}

/** Unicode's Cc: C0 controls, DEL and C1 controls. */
const isControl = (cp: number) => cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f);

/** What `\s` matches, less the controls (tab, line breaks), which never reach the output. */
function isWhiteSpace(cp: number): boolean {
  return (
    cp === 0x20 ||
    cp === 0xa0 ||
    cp === 0x1680 ||
    (cp >= 0x2000 && cp <= 0x200a) ||
    cp === 0x2028 ||
    cp === 0x2029 ||
    cp === 0x202f ||
    cp === 0x205f ||
    cp === 0x3000 ||
    cp === 0xfeff
  );
}

interface Compiled {
  fts: string;
  marks: string;
}

interface Match {
  rowid: number;
  kind: number;
  refId: number;
  score: number | null;
}

const isFtsRefusal = (error: unknown) =>
  error instanceof Database.SqliteError &&
  error.code === 'SQLITE_ERROR' &&
  /fts5|syntax/i.test(error.message);

/**
 * Full-text search, synchronous, on the connection it is given (the search worker's own read-only one, or the
 * service's for an in-memory database). The index is read newest first, so a page costs about its size, not the
 * number of matches; filters are checked row by row in this loop, with the clock, so that a query that has to
 * read far (a rare filter with a common word) stops at its deadline and says so rather than running on.
 */
export function createSearchRepository(
  sqlite: Database.Database,
  claimsByIds: (ids: number[]) => Map<number, Claim>,
) {
  const newest = sqlite.prepare<{ q: string; before: number }, Match>(
    `SELECT search_index.rowid AS rowid, d.kind AS kind, d.ref_id AS refId, NULL AS score
     FROM search_index CROSS JOIN search_docs d ON d.id = search_index.rowid
     WHERE search_index MATCH @q AND search_index.rowid < CAST(@before AS INTEGER) ORDER BY search_index.rowid DESC`,
  );
  // bm25 costs one pass over each term's document list per query, then little per row: it is computed only
  // here, for the window, never for the default order.
  const ranked = sqlite.prepare<{ q: string; before: number }, Match>(
    `SELECT search_index.rowid AS rowid, d.kind AS kind, d.ref_id AS refId, bm25(search_index) AS score
     FROM search_index CROSS JOIN search_docs d ON d.id = search_index.rowid
     WHERE search_index MATCH @q AND search_index.rowid < CAST(@before AS INTEGER) ORDER BY search_index.rowid DESC`,
  );
  // better-sqlite3 binds JavaScript numbers as REAL, and FTS5 ignores `rowid = <real>` beside MATCH (every
  // match comes back): rowids are cast to INTEGER wherever they meet the index.
  const snippetOf = sqlite
    .prepare<{ q: string; rowid: number }, string>(
      `SELECT snippet(search_index, 0, char(2), char(3), '…', ${SNIPPET_TOKENS}) FROM search_index
       WHERE search_index MATCH @q AND rowid = CAST(@rowid AS INTEGER)`,
    )
    .pluck();
  // Names and aliases are looked up in `actor_names`; the index rows carry their claimant's or publisher's id
  // as the token actor<id> (migrations/0004_board.sql), so a rename changes one row, whatever the actor said.
  const actorsNamed = sqlite
    .prepare<[string, number], number>(
      'SELECT rowid FROM actor_names WHERE actor_names MATCH ? ORDER BY rowid DESC LIMIT ?',
    )
    .pluck();
  /** A term, in the texts, or as a name of the claimant or publisher. */
  const withNames = (term: string): string => {
    const ids = actorsNamed.all(term, NAME_MATCHES);
    if (ids.length === 0) return `body : ${term}`;
    return `(body : ${term} OR names : (${ids.map((id) => `actor${id}`).join(' OR ')}))`;
  };

  /** The query to run (each term widened to names) and the terms to mark in snippets. */
  function compile(q: string, parse: (q: string, expand: TermExpansion) => string | null): Compiled | null {
    const terms: string[] = [];
    const fts = parse(q, (term) => {
      terms.push(`body : ${term}`);
      return withNames(term);
    });
    if (fts === null) return null;
    return { fts, marks: terms.length > 0 ? terms.join(' OR ') : fts };
  }

  const bodyOf = sqlite
    .prepare<number, string>('SELECT body FROM search_index WHERE rowid = CAST(? AS INTEGER)')
    .pluck();
  sqlite.exec(
    // The same columns as search_index, so that the same query applies (names stay empty: no highlight there).
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.snippet_stretch USING fts5(body, names, tokenize = 'porter unicode61 remove_diacritics 2')",
  );
  const clearStretch = sqlite.prepare('DELETE FROM temp.snippet_stretch');
  const addStretch = sqlite.prepare<[number, string]>(
    'INSERT INTO temp.snippet_stretch (rowid, body) VALUES (CAST(? AS INTEGER), ?)',
  );
  const stretchSnippet = sqlite
    .prepare<{ q: string; rowid: number }, string>(
      `SELECT snippet(snippet_stretch, 0, char(2), char(3), '…', ${SNIPPET_TOKENS}) FROM temp.snippet_stretch
       WHERE snippet_stretch MATCH @q AND rowid = CAST(@rowid AS INTEGER)`,
    )
    .pluck();

  /** The first words of a body, unmarked: the snippet of a hit found by a name rather than by its words. */
  const beginning = (body: string) => {
    const words = body.slice(0, SNIPPET_STRETCH).split(/\s+/u).filter(Boolean);
    return words.length > SNIPPET_TOKENS ? `${words.slice(0, SNIPPET_TOKENS).join(' ')}…` : words.join(' ');
  };

  /**
   * The marked-up snippet of one hit, its cost bounded whatever the document's length. `marks` is the query's
   * terms ORed, in the body only: every word searched is marked where it stands, and a hit that matched by a
   * name (not its words) shows its beginning.
   */
  function markedSnippet(marks: string, rowid: number): string {
    const body = bodyOf.get(rowid) ?? '';
    if (body.length <= SNIPPET_STRETCH) return snippetOf.get({ q: marks, rowid }) ?? beginning(body);
    clearStretch.run();
    for (let start = 0, n = 0; start < Math.min(body.length, SNIPPET_SCAN); n++) {
      // Stretches end at a space, so that no word is cut in two.
      let end = Math.min(body.length, start + SNIPPET_STRETCH);
      const space = body.lastIndexOf(' ', end);
      if (end < body.length && space > start) end = space;
      addStretch.run(n, body.slice(start, end));
      const marked = stretchSnippet.get({ q: marks, rowid: n });
      if (marked !== undefined) {
        clearStretch.run();
        return start > 0 && !marked.startsWith('…') ? `…${marked}` : marked;
      }
      start = end;
    }
    clearStretch.run();
    // No stretch holds a word searched (the match is in the names): the beginning, unmarked.
    return beginning(body);
  }

  const claimFacts = sqlite.prepare<number, { eventId: number | null; claimantId: number | null }>(
    'SELECT event_id AS eventId, claimant_id AS claimantId FROM claims WHERE id = ?',
  );
  const sourceAbout = sqlite
    .prepare<[number, number], number>(
      'SELECT EXISTS (SELECT 1 FROM claims WHERE source_id = ? AND event_id = ?)',
    )
    .pluck();
  const sourceOf = sqlite
    .prepare<[number, number, number, number], number>(
      `SELECT EXISTS (SELECT 1 FROM sources WHERE id = ? AND publisher_id = ?)
              OR EXISTS (SELECT 1 FROM claims WHERE source_id = ? AND claimant_id = ?)`,
    )
    .pluck();
  const sourceRefs = sqlite.prepare<string, SearchHit['source']>(
    'SELECT id, title, url, published_at AS publishedAt FROM sources WHERE id IN (SELECT value FROM json_each(?))',
  );

  function accepts(filter: SearchFilter, m: Match): boolean {
    if (filter.kind !== undefined && m.kind !== PART[filter.kind]) return false;
    if (filter.event === undefined && filter.actor === undefined) return true;
    if (m.kind === PART.source) {
      if (filter.event !== undefined && !sourceAbout.get(m.refId, filter.event)) return false;
      return (
        filter.actor === undefined || Boolean(sourceOf.get(m.refId, filter.actor, m.refId, filter.actor))
      );
    }
    const facts = claimFacts.get(m.refId);
    if (!facts) return false;
    if (filter.event !== undefined && facts.eventId !== filter.event) return false;
    return filter.actor === undefined || facts.claimantId === filter.actor;
  }

  /** Reads matches newest first until `want` are accepted, the index ends, or the deadline passes. */
  function scan(fts: string, filter: SearchFilter, before: number, want: number, deadline: number) {
    const statement = filter.order === 'relevance' ? ranked : newest;
    const found: Match[] = [];
    let lastRead: number | null = null;
    let timedOut = false;
    for (const m of statement.iterate({ q: fts, before })) {
      lastRead = m.rowid;
      if (accepts(filter, m)) found.push(m);
      if (found.length >= want) break;
      if (Date.now() > deadline) {
        timedOut = true;
        break;
      }
    }
    return { found, lastRead, timedOut };
  }

  function hits(query: Compiled, matches: Match[]): SearchHit[] {
    const found = claimsByIds(matches.filter((m) => m.kind !== PART.source).map((m) => m.refId));
    const sourceIds = matches.filter((m) => m.kind === PART.source).map((m) => m.refId);
    const sources = new Map(
      (sourceIds.length === 0 ? [] : sourceRefs.all(JSON.stringify(sourceIds))).map((s) => [s.id, s]),
    );
    return matches.map((m): SearchHit => {
      const kind = KIND_OF[m.kind] as SearchKind;
      const { snippet, highlights } = parseSnippet(markedSnippet(query.marks, m.rowid));
      const base = { rank: m.score, snippet, highlights };
      if (kind === 'source') {
        const source = sources.get(m.refId);
        if (!source)
          throw new Error(`search_index row ${m.rowid} names source ${m.refId}, which does not exist`);
        return { kind, ...base, claim: null, source };
      }
      const claim = found.get(m.refId);
      if (!claim) throw new Error(`search_index row ${m.rowid} names claim ${m.refId}, which does not exist`);
      return { kind, ...base, claim, source: claim.source };
    });
  }

  const stoppedNotice = (budgetMs: number, more: boolean) =>
    `The search stopped when its time budget (${budgetMs} ms) ran out: these are the matches found by then` +
    (more ? '; nextCursor continues from where it stopped.' : '.');

  function run(filter: SearchFilter, query: Compiled, deadline: number, budgetMs: number): SearchResult {
    const { fts } = query;
    if (filter.order === 'newest') {
      const before = filter.before ?? Number.MAX_SAFE_INTEGER;
      const { found, lastRead, timedOut } = scan(fts, filter, before, filter.limit + 1, deadline);
      const page = found.slice(0, filter.limit);
      const last = page[page.length - 1];
      let next: SearchResume | null = null;
      if (found.length > filter.limit && last) next = { order: 'newest', before: last.rowid };
      else if (timedOut && lastRead !== null) next = { order: 'newest', before: lastRead };
      return {
        data: hits(query, page),
        next,
        order: 'newest',
        complete: !timedOut,
        ranked: null,
        notice: timedOut ? stoppedNotice(budgetMs, next !== null) : null,
      };
    }
    const top = filter.top ?? Number.MAX_SAFE_INTEGER - 1;
    const { found, timedOut } = scan(fts, filter, top + 1, RELEVANCE_WINDOW, deadline);
    // Best first (bm25: lower is better), newest first among equals.
    found.sort((a, b) => (a.score ?? 0) - (b.score ?? 0) || b.rowid - a.rowid);
    const offset = filter.offset ?? 0;
    const page = found.slice(offset, offset + filter.limit);
    const windowTop = filter.top ?? found.reduce((max, m) => Math.max(max, m.rowid), 0);
    const next: SearchResume | null =
      offset + filter.limit < found.length
        ? { order: 'relevance', top: windowTop, offset: offset + filter.limit }
        : null;
    const full = found.length >= RELEVANCE_WINDOW;
    return {
      data: hits(query, page),
      next,
      order: 'relevance',
      complete: !timedOut,
      ranked: found.length,
      notice: timedOut
        ? `${stoppedNotice(budgetMs, false)} Only the ${found.length} matches found in time were ranked.`
        : full
          ? `Only the ${RELEVANCE_WINDOW} newest matches were ranked; older ones are reached with order=newest.`
          : null,
    };
  }

  // One read transaction, so that the claims embedded are those the index matched.
  const search = sqlite.transaction(
    (filter: SearchFilter, deadline: number, budgetMs: number): SearchResult => {
      const empty: SearchResult = {
        data: [],
        next: null,
        order: filter.order,
        complete: true,
        ranked: filter.order === 'relevance' ? 0 : null,
        notice: null,
      };
      const query = compile(filter.q, toFtsQuery);
      if (query === null) return empty;
      try {
        return run(filter, query, deadline, budgetMs);
      } catch (error) {
        if (!isFtsRefusal(error)) throw error;
      }
      // Whatever FTS5 still refuses is searched as plain words.
      const words = compile(filter.q, plainWords);
      if (words === null) return empty;
      try {
        return run(filter, words, deadline, budgetMs);
      } catch (error) {
        if (isFtsRefusal(error)) throw new SearchSyntaxError((error as Error).message);
        throw error;
      }
    },
  );

  return {
    /** A page of matches, newest first or ranked within the newest window; stops at `deadline` (epoch ms). */
    search(filter: SearchFilter, deadline: number, budgetMs: number): SearchResult {
      return search(filter, deadline, budgetMs);
    },
  };
}

export type SearchRepository = ReturnType<typeof createSearchRepository>;
