import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/client.js';
import { problem } from '../errors.js';
import { nowIso } from './schemas.js';
import { prepared } from './statements.js';

/** A strong ETag: the hash of the representation, so any visible change makes a new one. */
export function etagOf(representation: unknown): string {
  return etagOfJson(JSON.stringify(representation));
}

/** The ETag of a representation already serialized (as sent), so that it is serialized once. */
export function etagOfJson(json: string): string {
  return `"${createHash('sha256').update(json).digest('base64url').slice(0, 27)}"`;
}

/**
 * Checks If-Match against the current representation's ETag: a stale one is a 412 and nothing changes.
 * Without If-Match the write goes through unless the service requires it (then 428).
 */
export function checkIfMatch(
  request: FastifyRequest,
  current: unknown,
  required: boolean,
  currentEtag: () => string = () => etagOf(current),
): void {
  const header = request.headers['if-match'];
  if (header === undefined) {
    if (required) {
      throw problem(
        'PRECONDITION_REQUIRED',
        'This service requires If-Match on updates and deletes: GET the record, then send its ETag.',
      );
    }
    return;
  }
  const wanted = header.split(',').map((t) => t.trim());
  if (wanted.includes('*') || wanted.includes(currentEtag())) return;
  throw problem(
    'PRECONDITION_FAILED',
    'The record has changed since that ETag was issued; GET it again and retry.',
  );
}

/** True when If-None-Match names the current ETag, i.e. the client's copy is fresh (304). */
export function isNotModified(request: FastifyRequest, etag: string): boolean {
  const header = request.headers['if-none-match'];
  if (header === undefined) return false;
  return header.split(',').some((t) => t.trim() === '*' || t.trim() === etag || t.trim() === `W/${etag}`);
}

/** Sends a single-resource representation with its ETag, or a 304 when the client's copy is current. */
export function sendWithEtag<T>(request: FastifyRequest, reply: FastifyReply, body: T, etag = etagOf(body)) {
  reply.header('etag', etag);
  if (isNotModified(request, etag)) return reply.code(304).send();
  return body;
}

export interface StoredResponse {
  status: number;
  body: unknown;
  location?: string | undefined;
  replayed?: boolean;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/**
 * Runs a POST at most once per Idempotency-Key (per API key): a retry with the same key and body gets the
 * first response back; the same key with another body is a 422. Call inside the write's transaction.
 */
export function idempotent(db: Db, request: FastifyRequest, run: () => StoredResponse): StoredResponse {
  const key = request.headers['idempotency-key'];
  if (key === undefined) return run();
  if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
    throw problem('BAD_REQUEST', 'Idempotency-Key must be 1 to 200 visible ASCII characters.', {
      errors: [{ in: 'headers', pointer: '/idempotency-key', message: 'Not a valid Idempotency-Key' }],
    });
  }
  const principal = request.principal ? `key:${request.principal.keyId}` : 'anonymous';
  const path = request.url.split('?')[0] ?? request.url;
  const bodyHash = createHash('sha256')
    .update(JSON.stringify([request.method, path, request.body ?? null]))
    .digest('hex');
  const previous = prepared(
    db.$client,
    `SELECT body_hash AS bodyHash, status, location, body FROM idempotency_records WHERE principal = ? AND key = ?`,
  ).get(principal, key) as
    | { bodyHash: string; status: number; location: string | null; body: string }
    | undefined;
  if (previous) {
    if (previous.bodyHash !== bodyHash) {
      throw problem(
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was already used with a different request.',
        {
          errors: [
            { in: 'headers', pointer: '/idempotency-key', message: 'Already used for another request' },
          ],
        },
      );
    }
    return {
      status: previous.status,
      body: JSON.parse(previous.body),
      location: previous.location ?? undefined,
      replayed: true,
    };
  }
  const response = run();
  prepared(
    db.$client,
    `INSERT INTO idempotency_records (key, principal, method, path, body_hash, status, location, body, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    key,
    principal,
    request.method,
    path,
    bodyHash,
    response.status,
    response.location ?? null,
    JSON.stringify(response.body),
    nowIso(),
  );
  return response;
}
