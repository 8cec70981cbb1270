import { hash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { problem } from '../errors.js';

/** A strong ETag: the hash of the representation, so any visible change makes a new one. */
export function etagOf(representation: unknown): string {
  return etagOfJson(JSON.stringify(representation));
}

/** The ETag of a representation already serialized (as sent), so that it is serialized once. */
export function etagOfJson(json: string): string {
  // The one-shot hash: no Hash object per response.
  return `"${hash('sha256', json, 'base64url').slice(0, 27)}"`;
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
