import Database from 'better-sqlite3';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { ProblemError } from '../../errors.js';
import { decodeCursorState, encodeCursorState, type Page } from '../../lib/pagination.js';
import { createClaimsRepository } from '../claims/claims.repository.js';
import type { SearchHit, SearchKind } from './search.schemas.js';

// The rowid of `search_index` says what a row indexes (see migrations/0001_search_index.sql):
// claim id * 4 -> the claim's text, claim id * 4 + 1 -> its quote, source id * 4 + 2 -> a source.
const PART: Record<SearchKind, number> = { claim: 0, quote: 1, source: 2 };
const KIND_OF: Record<number, SearchKind> = { 0: 'claim', 1: 'quote', 2: 'source' };

/** Marks FTS5's snippet() puts around matches; removed before the snippet leaves. */
const OPEN = '\u0002';
const CLOSE = '\u0003';
const SNIPPET_TOKENS = 16;

export interface SearchFilter {
  q: string;
  kind?: SearchKind | undefined;
  event?: number | undefined;
  actor?: number | undefined;
  offset: number;
  limit: number;
}

interface HitRow {
  rowid: number;
  score: number;
  snippet: string;
  sourceId: number | null;
  sourceTitle: string | null;
  sourceUrl: string | null;
  sourcePublishedAt: string | null;
}

// Ranked page first, snippets after: snippet() re-tokenizes a whole document, so it runs only for the
// rows of the page, not for every match (CROSS JOIN keeps the page as the outer loop, so each of its rows
// is looked up in the index by rowid). Filters read the rowid parts; `search_index.rowid` is qualified
// because inside the subqueries a bare `rowid` would be the claim's or the source's.
const SEARCH_SQL = `
WITH page AS MATERIALIZED (
  SELECT search_index.rowid AS rowid, bm25(search_index) AS score
  FROM search_index
  WHERE search_index MATCH @q
    AND (@part IS NULL OR search_index.rowid % 4 = @part)
    AND (@event IS NULL OR CASE search_index.rowid % 4
      WHEN 2 THEN EXISTS (SELECT 1 FROM claims c WHERE c.source_id = search_index.rowid / 4 AND c.event_id = @event)
      ELSE EXISTS (SELECT 1 FROM claims c WHERE c.id = search_index.rowid / 4 AND c.event_id = @event)
    END)
    AND (@actor IS NULL OR CASE search_index.rowid % 4
      WHEN 2 THEN EXISTS (SELECT 1 FROM sources s WHERE s.id = search_index.rowid / 4 AND s.publisher_id = @actor)
        OR EXISTS (SELECT 1 FROM claims c WHERE c.source_id = search_index.rowid / 4 AND c.claimant_id = @actor)
      ELSE EXISTS (SELECT 1 FROM claims c WHERE c.id = search_index.rowid / 4 AND c.claimant_id = @actor)
    END)
  ORDER BY score, search_index.rowid
  LIMIT @limit OFFSET @offset
)
SELECT page.rowid AS rowid, page.score AS score,
  snippet(search_index, 0, char(2), char(3), '…', ${SNIPPET_TOKENS}) AS snippet,
  s.id AS sourceId, s.title AS sourceTitle, s.url AS sourceUrl, s.published_at AS sourcePublishedAt
FROM page
CROSS JOIN search_index ON search_index.rowid = page.rowid
LEFT JOIN sources s ON page.rowid % 4 = 2 AND s.id = page.rowid / 4
WHERE search_index MATCH @q
ORDER BY page.score, page.rowid`;

/**
 * Folds typographic quotes so that a quote pasted from a document parses: double quotes become FTS5's
 * phrase quote `"`, and apostrophes and single quotes become spaces (unicode61 splits words there
 * anyway, and a bare `'` is a syntax error).
 */
export function foldQuotes(q: string): string {
  return q.replace(/[“”„‟«»]/g, '"').replace(/['‘’‚‛ʼ‹›]/g, ' ');
}

const OPERATORS = new Set(['AND', 'OR', 'NOT', 'NEAR']);
const BAREWORD = /^[\p{L}\p{N}_]+\*?$/u;

/**
 * Prepares a user's query for FTS5: quotes are folded, and a word that FTS5 would read as syntax
 * (`Amir-Abdollahian`, `23:30`, `Jan.`, `foo:bar`) is quoted as a phrase of its tokens, so names and
 * times are searchable as typed. Phrases, parentheses and AND/OR/NOT/NEAR keep their meaning, so a
 * malformed query (an unclosed quote, a dangling operator) is still reported as a syntax error.
 */
export function toFtsQuery(q: string): string {
  const parts = foldQuotes(q).match(/"[^"]*"?|[()]|[^\s()"]+|\s+/g) ?? [];
  return parts
    .map((part) => {
      if (part.startsWith('"') || /^[\s()]/.test(part) || OPERATORS.has(part) || BAREWORD.test(part))
        return part;
      const prefix = part.endsWith('*') && part.length > 1;
      const body = prefix ? part.slice(0, -1) : part;
      return `"${body}"${prefix ? '*' : ''}`;
    })
    .join('');
}

/**
 * Turns FTS5's marked-up snippet into plain text and the code-point ranges of its matches.
 * Other control characters (line breaks, tabs) become one space.
 */
export function parseSnippet(marked: string): { snippet: string; highlights: [number, number][] } {
  const out: string[] = [];
  const highlights: [number, number][] = [];
  let open: number | null = null;
  // A run of control characters becomes one space, written only once more text follows it.
  let gap = false;
  const flush = (next: string) => {
    const last = out[out.length - 1];
    if (gap && last !== undefined && !/\s/u.test(last) && !/\s/u.test(next)) out.push(' ');
    gap = false;
  };
  for (const ch of marked) {
    if (ch === OPEN) {
      flush('x');
      open ??= out.length;
    } else if (ch === CLOSE) {
      if (open !== null && out.length > open) highlights.push([open, out.length]);
      open = null;
    } else if (/\p{Cc}/u.test(ch)) {
      gap = true;
    } else {
      flush(ch);
      out.push(ch);
    }
  }
  if (open !== null && out.length > open) highlights.push([open, out.length]);
  return { snippet: out.join(''), highlights };
}

const invalidQuery = (reason: string) =>
  new ProblemError(
    'INVALID_SEARCH_QUERY',
    `The search query is not valid FTS5 syntax (${reason}). Words are ANDed; put phrases and words with punctuation in "double quotes"; OR, NOT and AND must join two terms.`,
    { errors: [{ in: 'query', pointer: '/q', message: reason }] },
  );

// Search pages are positional (ranks are per query), so the cursor carries an offset.
const SearchCursor = z.object({
  v: z.literal(1),
  offset: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});

export const encodeSearchCursor = (offset: number) => encodeCursorState({ v: 1, offset });

/** The position the page starts at: 0 for the first page. */
export const decodeSearchCursor = (cursor: string | undefined) =>
  cursor === undefined ? 0 : decodeCursorState(cursor, SearchCursor).offset;

export function createSearchRepository(db: Db) {
  const claims = createClaimsRepository(db);
  const searchStatement = db.$client.prepare<
    {
      q: string;
      part: number | null;
      event: number | null;
      actor: number | null;
      limit: number;
      offset: number;
    },
    HitRow
  >(SEARCH_SQL);

  function matches(filter: SearchFilter): HitRow[] {
    try {
      return searchStatement.all({
        q: toFtsQuery(filter.q),
        part: filter.kind === undefined ? null : PART[filter.kind],
        event: filter.event ?? null,
        actor: filter.actor ?? null,
        limit: filter.limit + 1,
        offset: filter.offset,
      });
    } catch (error) {
      // The statement is prepared and its SQL fixed: an SQLITE_ERROR while running it is FTS5 refusing q.
      if (error instanceof Database.SqliteError && error.code === 'SQLITE_ERROR') {
        throw invalidQuery(error.message);
      }
      throw error;
    }
  }

  // One read transaction, so that the claims embedded are those the index matched.
  const search = db.$client.transaction((filter: SearchFilter): Page<SearchHit> => {
    const rows = matches(filter);
    const pageRows = rows.slice(0, filter.limit);
    const claimIds = pageRows.filter((r) => r.rowid % 4 !== PART.source).map((r) => Math.floor(r.rowid / 4));
    const found = claims.byIds(claimIds);

    const data = pageRows.map((row): SearchHit => {
      const kind = KIND_OF[row.rowid % 4];
      const id = Math.floor(row.rowid / 4);
      const { snippet, highlights } = parseSnippet(row.snippet);
      const base = { rank: row.score, snippet, highlights };
      if (kind === 'source') {
        if (row.sourceId === null || row.sourceTitle === null) {
          throw new Error(`search_index row ${row.rowid} names source ${id}, which does not exist`);
        }
        const source = {
          id: row.sourceId,
          title: row.sourceTitle,
          url: row.sourceUrl,
          publishedAt: row.sourcePublishedAt,
        };
        return { kind, ...base, claim: null, source };
      }
      const claim = found.get(id);
      if (kind === undefined || !claim) {
        throw new Error(`search_index row ${row.rowid} names claim ${id}, which does not exist`);
      }
      return { kind, ...base, claim, source: claim.source };
    });

    const next = filter.offset + filter.limit;
    return { data, nextCursor: rows.length > filter.limit ? encodeSearchCursor(next) : null };
  });

  return {
    /** A ranked page of matches, best first; ties in rowid order. */
    search(filter: SearchFilter): Page<SearchHit> {
      return search(filter);
    },
  };
}

export type SearchRepository = ReturnType<typeof createSearchRepository>;
