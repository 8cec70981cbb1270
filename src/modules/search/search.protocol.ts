import { encodeCursorState } from '../../lib/cursor-codec.js';
import type { RawQuery } from '../../lib/raw-rows.js';
import type { ProblemCode, ProblemError } from '../../problem-error.js';
import type { SearchFilter, SearchResult, SearchResume } from './search.repository.js';

/*
 * What the service and its search workers say to each other, and how a result becomes the JSON sent. The
 * workers load this module: it imports nothing at run time but the cursor encoder.
 */

/** What a worker is started with: the database, and what the main thread built with Drizzle and zod. */
export interface SearchWorkerData {
  databasePath: string;
  /** The claims select by a JSON array of ids (claims.repository.ts `claimsByIdsQuery`). */
  claimsQuery: RawQuery;
  /** The JSON Schema of a search page, for the worker to compile its serializer from (lib/serializer.ts). */
  pageSchema: object;
}

/** A search's response, serialized where it was computed, so that the event loop only sends it. */
export interface SearchAnswer {
  json: string;
  nextCursor: string | null;
}

export interface SearchJob {
  id: number;
  filter: SearchFilter;
  /** Epoch milliseconds at which the worker stops reading and answers with what it has. */
  deadline: number;
  budgetMs: number;
}

export type SearchReply =
  | { id: number; ok: true; answer: SearchAnswer }
  | { id: number; ok: false; problem: { code: ProblemCode; detail: string; extras: ProblemError['extras'] } }
  | { id: number; ok: false; error: string };

/** Search cursors are version 2 of the cursor state; search.cursor.ts decodes them. */
export const encodeSearchCursor = (resume: SearchResume) => encodeCursorState({ v: 2, ...resume });

/** Renders results with `serializePage` (compiled from the SearchPage schema), the next page's cursor set. */
export function createRenderer(serializePage: (page: unknown) => string) {
  return (result: SearchResult): SearchAnswer => {
    const { next, ...rest } = result;
    const nextCursor = next ? encodeSearchCursor(next) : null;
    return { json: serializePage({ ...rest, nextCursor }), nextCursor };
  };
}
