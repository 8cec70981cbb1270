import { z } from 'zod';
import { PROBLEMS, ProblemSchema } from '../errors.js';

const DESCRIPTIONS: Record<number, string> = {
  400: 'The request is malformed (an unknown query parameter included): see `errors` for the fields at fault.',
  401: 'An API key is needed, or the key sent is unknown or revoked (a key that is sent must be valid, on every route).',
  403: 'The API key’s role does not allow this.',
  408: 'The request did not arrive whole within the server’s request timeout.',
  429: 'Too many requests for this key or address: wait `Retry-After` seconds.',
  404: 'The record (or a route) does not exist.',
  406: 'Accept names no representation this operation has.',
  409: 'The change conflicts with stored records.',
  412: 'The precondition failed.',
  413: 'The body is too large.',
  415: 'The body is not JSON, or not UTF-8 (`charset` other than utf-8).',
  422: 'The request is well-formed but cannot be applied (e.g. the quote is not in the source).',
  500: 'The server failed; no internals are shown.',
  503: 'The database is unavailable: busy with another process’s lock, read-only, or stopped after a storage failure (then the service restarts). Wait `Retry-After` seconds.',
  507: 'The disk holding the database is full; nothing was written.',
};

/** Documents problem responses as `application/problem+json`, the type they are sent with. */
export function problemResponses(...statuses: number[]) {
  const out: Record<
    number,
    { description: string; content: Record<string, { schema: typeof ProblemSchema }> }
  > = {};
  for (const status of statuses) {
    const codes = Object.entries(PROBLEMS)
      .filter(([, p]) => p.status === status)
      .map(([code]) => `\`${code}\``)
      .join(', ');
    out[status] = {
      description: `${DESCRIPTIONS[status] ?? 'Problem.'}${codes ? ` Codes: ${codes}.` : ''}`,
      content: { 'application/problem+json': { schema: ProblemSchema } },
    };
  }
  return out;
}

export const noContent = { 204: z.undefined().describe('Deleted.') };
export const notModified = z.undefined().describe('Not modified: your copy (If-None-Match) is current.');

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

interface RouteForDocs {
  method: string | string[];
  url: string;
  schema?: { hide?: boolean; response?: unknown };
  config?: { role?: string };
}

/**
 * The problem statuses any operation can answer, whoever wrote it, added to its documented responses
 * (those it declares itself keep their own description): 400 (unknown query parameters), 401 (an invalid
 * key is refused everywhere), 408, 429, 500 and 503 on every operation; 404 where the path names a record;
 * 403 where a role is needed; 413 and 415 where a body is read; 409/422 (Idempotency-Key) on POSTs; 507 on
 * writes. Run from an onRoute hook, before @fastify/swagger reads the route.
 */
export function documentCommonProblems(route: RouteForDocs): void {
  if (route.schema?.hide || !route.schema) return;
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const writes = methods.some((m) => WRITE_METHODS.has(m));
  const statuses = [400, 401, 408, 429, 500, 503];
  if (route.url.includes(':')) statuses.push(404);
  if (writes || route.config?.role) statuses.push(403);
  if (writes) statuses.push(413, 415, 507);
  if (methods.includes('POST')) statuses.push(409, 422);
  const response = (route.schema.response ?? {}) as Record<string, unknown>;
  const extra = problemResponses(...statuses.filter((s) => !(s in response) && !(String(s) in response)));
  route.schema.response = { ...response, ...extra };
}

/** Response headers, declared once in `components.headers` and referred to from every response. */
const HEADERS = {
  RequestId: ['The id of this request, as in a problem’s `requestId` and the log.', 'string'],
  RateLimitLimit: ['Requests allowed per window for this key or address.', 'integer'],
  RateLimitRemaining: ['Requests left in the current window.', 'integer'],
  RateLimitReset: ['Seconds until the window resets.', 'integer'],
  RetryAfter: ['Seconds to wait before retrying.', 'integer'],
  WwwAuthenticate: ['`Bearer realm="claimledger"`.', 'string'],
  ETag: ['Strong ETag of the representation: send it in If-None-Match or If-Match.', 'string'],
  Location: ['The path of the created record.', 'string'],
  Link: ['`<…?cursor=…>; rel="next"` when there is a next page.', 'string'],
  IdempotentReplayed: [
    '`true` when this is the stored answer to an earlier request with the same Idempotency-Key.',
    'string',
  ],
} as const;
const ref = (name: keyof typeof HEADERS) => ({ $ref: `#/components/headers/${name}` });
const ALWAYS = {
  'x-request-id': ref('RequestId'),
  'x-ratelimit-limit': ref('RateLimitLimit'),
  'x-ratelimit-remaining': ref('RateLimitRemaining'),
  'x-ratelimit-reset': ref('RateLimitReset'),
};

interface DocOperation {
  parameters?: { name: string; in: string }[];
  responses?: Record<string, { headers?: Record<string, unknown> }>;
}

/**
 * Response headers, declared on the document from what every route does: x-request-id and the rate-limit
 * headers everywhere; Retry-After on 429, 503 and 507; WWW-Authenticate on 401; ETag on single-record
 * answers (those that can be a 304, and what creates, updates and POSTs return); Location on 201; Link on
 * paged lists; Idempotent-Replayed on POST successes.
 */
export function documentResponseHeaders<T>(document: T): T {
  const doc = document as {
    paths?: Record<string, Record<string, DocOperation>>;
    components?: { headers?: Record<string, unknown> };
  };
  doc.components ??= {};
  doc.components.headers = Object.fromEntries(
    Object.entries(HEADERS).map(([name, [description, type]]) => [name, { description, schema: { type } }]),
  );
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, operation] of Object.entries(item)) {
      const responses = operation.responses ?? {};
      const paged = (operation.parameters ?? []).some((p) => p.in === 'query' && p.name === 'cursor');
      const etagOn = (code: number) =>
        ((code === 200 || code === 304) &&
          ('304' in responses || method === 'patch' || path.endsWith('/retraction'))) ||
        (code === 201 && method === 'post');
      for (const [status, response] of Object.entries(responses)) {
        const code = Number(status);
        const headers: Record<string, unknown> = { ...ALWAYS };
        if (code === 429 || code === 503 || code === 507) headers['retry-after'] = ref('RetryAfter');
        if (code === 401) headers['www-authenticate'] = ref('WwwAuthenticate');
        if (etagOn(code)) headers.etag = ref('ETag');
        if (code === 201) headers.location = ref('Location');
        if (code === 200 && paged) headers.link = ref('Link');
        if (method === 'post' && code >= 200 && code < 300)
          headers['idempotent-replayed'] = ref('IdempotentReplayed');
        response.headers = { ...headers, ...response.headers };
      }
    }
  }
  return document;
}
