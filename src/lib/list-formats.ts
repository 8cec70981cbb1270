import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { problem } from '../errors.js';
import { problemResponses } from './openapi.js';
import { LIST_FORMATS, type ListFormat, type Page, sendPage } from './pagination.js';
import { serializerCompiler } from './serializer.js';

/**
 * Lists in three representations: the JSON page (the default), and the whole list as CSV or NDJSON,
 * streamed page by page from the database with the same filters. Chosen by `?format=` (for links people
 * click) or else by `Accept`.
 */
export const CSV_TYPE = 'text/csv';
export const NDJSON_TYPE = 'application/x-ndjson';
const MEDIA_TYPES: Record<ListFormat, string> = {
  json: 'application/json',
  csv: CSV_TYPE,
  ndjson: NDJSON_TYPE,
};

/** Rows read from the database per page while a CSV or NDJSON list streams. */
export const DEFAULT_STREAM_PAGE_SIZE = 100;

declare module 'fastify' {
  interface FastifyInstance {
    listStreaming: { pageSize: number };
  }
}

// ---------------------------------------------------------------------------------------------------------
// Content negotiation
// ---------------------------------------------------------------------------------------------------------

interface MediaRange {
  type: string;
  subtype: string;
  q: number;
}

function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const part of header.split(',')) {
    const [range = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const [type, subtype] = range.split('/');
    if (!type || !subtype) continue;
    let q = 1;
    for (const param of params) {
      const [name, value] = param.split('=').map((s) => s.trim());
      if (name === 'q') q = Number.isFinite(Number(value)) ? Math.min(1, Math.max(0, Number(value))) : 0;
    }
    ranges.push({ type, subtype, q });
  }
  return ranges;
}

/** The quality the client gives a media type: the most specific matching range decides (RFC 9110 12.5.1). */
function qualityOf(mediaType: string, ranges: MediaRange[]): number {
  const [type, subtype] = mediaType.split('/');
  let best: { specificity: number; q: number } | null = null;
  for (const r of ranges) {
    const specificity =
      r.type === type && r.subtype === subtype ? 2 : r.type === type && r.subtype === '*' ? 1 : -1;
    const matches = specificity >= 0 || (r.type === '*' && r.subtype === '*');
    if (!matches) continue;
    const s = Math.max(specificity, 0);
    if (!best || s > best.specificity) best = { specificity: s, q: r.q };
  }
  return best?.q ?? 0;
}

/** `?format=` if given, else the best of JSON, CSV and NDJSON by `Accept` (JSON on a tie or without one). */
export function listFormatOf(request: FastifyRequest, format: ListFormat | undefined): ListFormat {
  if (format) return format;
  const accept = request.headers.accept;
  if (accept === undefined || accept.trim() === '') return 'json';
  const ranges = parseAccept(accept);
  let chosen: ListFormat | null = null;
  let chosenQ = 0;
  for (const f of LIST_FORMATS) {
    const q = qualityOf(MEDIA_TYPES[f], ranges);
    if (q > chosenQ) {
      chosen = f;
      chosenQ = q;
    }
  }
  if (!chosen) {
    throw problem(
      'NOT_ACCEPTABLE',
      'This list is available as application/json, text/csv or application/x-ndjson; Accept names none of them.',
      { errors: [{ in: 'headers', pointer: '/accept', message: 'No acceptable representation' }] },
    );
  }
  return chosen;
}

// ---------------------------------------------------------------------------------------------------------
// CSV: columns from the item schema, one row per record
// ---------------------------------------------------------------------------------------------------------

interface JsonSchemaNode {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchemaNode>;
  items?: JsonSchemaNode;
  prefixItems?: JsonSchemaNode[];
  anyOf?: JsonSchemaNode[];
  oneOf?: JsonSchemaNode[];
}

interface Column {
  header: string;
  /** Property names from the item to the value; a name marked `[]` maps over an array. */
  steps: { key: string; each: boolean }[];
}

const MAX_DEPTH = 6;

const markLast = (steps: Column['steps']) =>
  steps.map((s, i) => (i === steps.length - 1 ? { ...s, each: true } : s));

/**
 * One column per leaf of the item schema, named by its dotted path (`claimant.name`, `quote.exact`):
 * embedded records become readable columns of their own. Values in arrays of records are joined with
 * `; ` in one column per field (`reportedVia.name`); anything else structured (an audit record's
 * `after`, a search hit's highlight ranges) is one cell of JSON.
 */
export function csvColumnsOf(schema: z.ZodType): Column[] {
  const json = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as JsonSchemaNode & {
    $defs?: Record<string, JsonSchemaNode>;
  };
  const defs = json.$defs ?? {};
  const deref = (node: JsonSchemaNode): JsonSchemaNode => {
    let n = node;
    for (let i = 0; n.$ref && i < 20; i++) n = defs[n.$ref.replace('#/$defs/', '')] ?? {};
    const branches = (n.anyOf ?? n.oneOf)?.filter((b) => deref(b).type !== 'null');
    if (branches?.length === 1 && branches[0]) return deref(branches[0]);
    return n;
  };
  const columns: Column[] = [];
  const walk = (node: JsonSchemaNode, path: string[], steps: Column['steps']) => {
    const n = deref(node);
    const isObject = n.properties && Object.keys(n.properties).length > 0;
    const itemsNode = n.items && !n.prefixItems ? deref(n.items) : undefined;
    if (isObject && steps.length < MAX_DEPTH) {
      for (const [key, child] of Object.entries(n.properties ?? {})) {
        walk(child, [...path, key], [...steps, { key, each: false }]);
      }
    } else if (itemsNode?.properties && steps.length < MAX_DEPTH) {
      const each = markLast(steps);
      for (const [key, child] of Object.entries(itemsNode.properties)) {
        walk(child, [...path, key], [...each, { key, each: false }]);
      }
    } else {
      const isList = n.type === 'array' && !n.prefixItems;
      columns.push({ header: path.join('.'), steps: isList ? markLast(steps) : steps });
    }
  };
  walk(json, [], []);
  return columns;
}

function valuesAt(value: unknown, steps: Column['steps']): unknown[] {
  let current: unknown[] = [value];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const v of current) {
      const child = v && typeof v === 'object' ? (v as Record<string, unknown>)[step.key] : undefined;
      if (step.each && Array.isArray(child)) next.push(...child);
      else next.push(child);
    }
    current = next;
  }
  return current;
}

const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV field (RFC 4180). Text that a spreadsheet would read as a formula (starting with `=`, `+`, `-`,
 * `@`, a tab or a carriage return) is prefixed with `'`, which spreadsheets show as text; numbers and
 * booleans are written as they are.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  let text = typeof value === 'string' ? value : JSON.stringify(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function cellOf(values: unknown[], many: boolean): unknown {
  if (!many) return values[0];
  const present = values.filter((v) => v !== null && v !== undefined);
  return present.map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v))).join('; ');
}

export function csvRowOf(item: unknown, columns: Column[]): string {
  return columns
    .map((c) =>
      csvField(
        cellOf(
          valuesAt(item, c.steps),
          c.steps.some((s) => s.each),
        ),
      ),
    )
    .join(',');
}

// ---------------------------------------------------------------------------------------------------------
// Schemas for the route documentation
// ---------------------------------------------------------------------------------------------------------

/** The record type of a `{ data: [...] }` page schema. */
export function itemSchemaOf(page: z.ZodType): z.ZodType {
  const data = (page as unknown as z.ZodObject<{ data: z.ZodArray<z.ZodType> }>).shape?.data;
  if (!data?.element) throw new Error('Not a page schema: it has no data array');
  return data.element;
}

const csvDocs = new WeakMap<z.ZodType, z.ZodString>();
const csvDocOf = (item: z.ZodType) => {
  let doc = csvDocs.get(item);
  if (!doc) {
    const headers = csvColumnsOf(item).map((c) => `\`${c.header}\``);
    doc = z
      .string()
      .describe(
        'RFC 4180 CSV in UTF-8 with a header row and CRLF line ends, one row per record. Columns: ' +
          `${headers.join(', ')}. Embedded records are flattened into dotted columns; values of a list are ` +
          'joined with `; `. Text starting with `=`, `+`, `-`, `@`, a tab or a carriage return is prefixed ' +
          "with `'` so that spreadsheets show it as text.",
      );
    csvDocs.set(item, doc);
  }
  return doc;
};

/**
 * The 200 response of a list in its three media types, and the problems a list can answer with
 * (406 when `Accept` names none of the three).
 */
export function listResponses(page: z.ZodType, ...problemStatuses: number[]) {
  const item = itemSchemaOf(page);
  return {
    200: {
      description:
        'The list: a JSON page, or the whole list as CSV or NDJSON (one JSON record per line, each as in `data`).',
      content: {
        'application/json': { schema: page },
        [CSV_TYPE]: { schema: csvDocOf(item) },
        [NDJSON_TYPE]: { schema: item },
      },
    },
    ...problemResponses(...new Set([...problemStatuses, 406])),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Sending a list
// ---------------------------------------------------------------------------------------------------------

export interface ListSource<T> {
  /** The list page after `cursor` (undefined: the first), `limit` records at most. */
  fetch(cursor: string | undefined, limit: number): Page<T> | Promise<Page<T>>;
  cursor: string | undefined;
  limit: number;
  format: ListFormat | undefined;
  /** The `{ data: [...] }` schema the JSON page is documented with. */
  page: z.ZodType;
  /** File name for downloads, without extension: `claims`. */
  name: string;
  /** Whether a page is the last; by default, when it has no `nextCursor`. */
  isLast?: (page: Page<T>) => boolean;
}

const CHUNK_CHARS = 16 * 1024;

const serializers = new WeakMap<z.ZodType, (data: unknown) => string>();
function lineSerializer(item: z.ZodType) {
  let serialize = serializers.get(item);
  if (!serialize) {
    serialize = serializerCompiler({ schema: item, method: 'GET', url: '', httpStatus: '200' });
    serializers.set(item, serialize);
  }
  return serialize;
}
const columnsCache = new WeakMap<z.ZodType, Column[]>();
function columnsFor(item: z.ZodType) {
  let columns = columnsCache.get(item);
  if (!columns) {
    columns = csvColumnsOf(item);
    columnsCache.set(item, columns);
  }
  return columns;
}

/**
 * Answers a list in the negotiated format. JSON is one page, as before. CSV and NDJSON walk the keyset
 * pages of the same list function and write them as the client reads: the stream asks for the next page
 * only when the socket has drained what it was given, so memory stays at about one page whatever the
 * length of the list. The first page is read before anything is sent, so a bad cursor or filter is still
 * a problem response; a failure later cuts the response short (no final chunk), which clients see.
 */
export async function sendList<T>(request: FastifyRequest, reply: FastifyReply, source: ListSource<T>) {
  const format = listFormatOf(request, source.format);
  const vary = reply.getHeader('vary');
  reply.header('vary', vary ? `${String(vary)}, accept` : 'accept');
  if (format === 'json') return sendPage(request, reply, await source.fetch(source.cursor, source.limit));

  const pageSize = request.server.listStreaming.pageSize;
  const first = await source.fetch(source.cursor, pageSize);
  const item = itemSchemaOf(source.page);
  let line: (item: T) => string;
  let head = '';
  if (format === 'csv') {
    const columns = columnsFor(item);
    head = `${columns.map((c) => csvField(c.header)).join(',')}\r\n`;
    line = (i) => `${csvRowOf(i, columns)}\r\n`;
  } else {
    const serialize = lineSerializer(item);
    line = (i) => `${serialize(i)}\n`;
  }

  // Chunks of about 16 KB rather than a page at once: short-lived small strings are reclaimed by the
  // young-generation collector, where page-sized ones would pile up until a full collection.
  async function* chunks() {
    let chunk = head;
    let page = first;
    for (;;) {
      for (const i of page.data) {
        chunk += line(i);
        if (chunk.length >= CHUNK_CHARS) {
          yield chunk;
          chunk = '';
        }
      }
      if (!page.nextCursor || source.isLast?.(page)) break;
      page = await source.fetch(page.nextCursor, pageSize);
    }
    if (chunk) yield chunk;
  }

  const extension = format === 'csv' ? 'csv' : 'ndjson';
  reply
    .type(format === 'csv' ? `${CSV_TYPE}; charset=utf-8; header=present` : `${NDJSON_TYPE}; charset=utf-8`)
    .header('content-disposition', `attachment; filename="${source.name}.${extension}"`);
  // Byte mode with a small high-water mark: the next page is read only once the previous one is taken.
  return reply.send(Readable.from(chunks(), { objectMode: false, highWaterMark: 16 * 1024 }));
}
