import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ProblemError } from '../errors.js';
import { encodeCursorState } from './cursor-codec.js';

export { encodeCursorState };

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export const LIST_FORMATS = ['json', 'csv', 'ndjson'] as const;
export type ListFormat = (typeof LIST_FORMATS)[number];

export const FORMAT_DOC =
  '`json` (the default) answers one page. `csv` and `ndjson` stream every matching record from `cursor` on ' +
  '(`limit` does not apply), read from the database page by page; `Accept: text/csv` or ' +
  '`Accept: application/x-ndjson` choose them too, and `format` wins over `Accept`.';

export const formatQuery = z.enum(LIST_FORMATS).optional().describe(`The representation. ${FORMAT_DOC}`);

export const pageQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE)
    .default(DEFAULT_PAGE_SIZE)
    .describe(`Page size, 1 to ${MAX_PAGE_SIZE}.`),
  cursor: z
    .string()
    .max(200)
    .optional()
    .describe('Opaque cursor from the previous page’s `nextCursor` (or its `Link: rel="next"` header).'),
  format: formatQuery,
});

export const pageOf = <T extends z.ZodType>(item: T, id: string) =>
  z
    .object({
      data: z.array(item),
      nextCursor: z.string().nullable().describe('Cursor of the next page, or null on the last page.'),
    })
    .meta({ id });

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

const invalidCursor = () =>
  new ProblemError('INVALID_CURSOR', 'The cursor was not issued by this service or is damaged.', {
    errors: [{ in: 'query', pointer: '/cursor', message: 'Not a cursor issued by this service' }],
  });

export function decodeCursorState<T>(cursor: string, schema: z.ZodType<T>): T {
  let state: unknown;
  try {
    state = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
  const parsed = schema.safeParse(state);
  if (!parsed.success) throw invalidCursor();
  return parsed.data;
}

const IdCursor = z.object({ v: z.literal(1), after: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) });

export function encodeCursor(after: number): string {
  return encodeCursorState({ v: 1, after });
}

/** The id after which the page starts, or undefined for the first page. */
export function decodeCursor(cursor: string | undefined): number | undefined {
  return cursor === undefined ? undefined : decodeCursorState(cursor, IdCursor).after;
}

/** Repositories fetch limit + 1 rows; this trims the extra one and turns it into the next cursor. */
export function toPage<T extends { id: number }>(rows: T[], limit: number): Page<T> {
  if (rows.length <= limit) return { data: rows, nextCursor: null };
  const data = rows.slice(0, limit);
  const last = data[data.length - 1];
  return { data, nextCursor: last ? encodeCursor(last.id) : null };
}

/** Whether one `name=value` pair of a query string is the `cursor` parameter (its name may be escaped). */
function isCursorPair(pair: string): boolean {
  const end = pair.indexOf('=');
  const name = end === -1 ? pair : pair.slice(0, end);
  if (name === 'cursor') return true;
  if (!name.includes('%') && !name.includes('+')) return false;
  try {
    return decodeURIComponent(name.replaceAll('+', ' ')) === 'cursor';
  } catch {
    return false;
  }
}

/**
 * The RFC 8288 `Link` value of the next page: the request's own URL with `cursor` set (in place of the one
 * sent, if any) and every other parameter as the client wrote it. Built from the string: parsing the URL
 * with `new URL` and `searchParams` cost about 4% of the CPU of a 20-claim page.
 */
export function nextPageLink(requestUrl: string, cursor: string): string {
  const q = requestUrl.indexOf('?');
  const path = q === -1 ? requestUrl : requestUrl.slice(0, q);
  const pairs = q === -1 ? [] : requestUrl.slice(q + 1).split('&');
  const next = `cursor=${encodeURIComponent(cursor)}`;
  const out: string[] = [];
  let placed = false;
  for (const pair of pairs) {
    if (pair === '') continue;
    if (!isCursorPair(pair)) out.push(pair);
    else if (!placed) {
      out.push(next);
      placed = true;
    }
  }
  if (!placed) out.push(next);
  return `<${path}?${out.join('&')}>; rel="next"`;
}

/** Sends the page with an RFC 8288 `Link: <…>; rel="next"` header when there is a next page. */
export function sendPage<P extends Page<unknown>>(request: FastifyRequest, reply: FastifyReply, page: P): P {
  if (page.nextCursor) reply.header('link', nextPageLink(request.url, page.nextCursor));
  return page;
}
