import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  onSendHookHandler,
  preHandlerHookHandler,
} from 'fastify';
import fp from 'fastify-plugin';
import { z } from 'zod';
import { idempotencyRecords } from '../db/schema.js';
import { problem } from '../errors.js';
import { nowIso } from '../lib/schemas.js';

declare module 'fastify' {
  interface FastifyInstance {
    idempotency: {
      /**
       * Wraps a write's work, in the calling request's context, so that the request's Idempotency-Key is
       * reserved in the same transaction as its effects: the effects and the key commit together or not at all.
       */
      bind<T>(work: () => T): () => T;
    };
  }
  interface FastifyRequest {
    idempotency: IdempotentRequest | null;
  }
  interface FastifyContextConfig {
    /** Response fields never stored for a replay (a secret shown once); a replay leaves them out. */
    idempotencySecretFields?: string[];
  }
}

interface IdempotentRequest {
  key: string;
  principal: string;
  path: string;
  bodyHash: string;
  /** Whether a committed write of this request holds the key. */
  reserved: boolean;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;
/** The status of a key whose write committed but whose response is not stored yet. */
const PENDING = 0;
const REPLAYED_HEADERS = ['content-type', 'location', 'etag', 'cache-control', 'link'];

export const IDEMPOTENCY_DOC =
  'Send an `Idempotency-Key` to make retries safe: the same key and body return the first response (with ' +
  '`Idempotent-Replayed: true`) without doing it again; the same key with another body is a 422.';

const idempotencyKeyHeader = z
  .string()
  .max(200)
  .optional()
  .describe(
    'A unique key per logical request, e.g. a UUID: a retry with the same key and body is not repeated.',
  );

const keyField = (pointer: string, message: string) => ({
  errors: [{ in: 'headers' as const, pointer, message }],
});

/**
 * Idempotency-Key on every POST, whichever module registers it: the first response is stored and replayed
 * to retries (per API key), the key is reserved inside the write's own transaction, and the header is
 * declared on every POST operation of the API description.
 */
export const idempotencyPlugin = fp(
  async (app: FastifyInstance) => {
    const context = new AsyncLocalStorage<FastifyRequest>();
    /** Keys whose first request is still being handled by this process. */
    const inFlight = new Set<string>();

    app.decorateRequest('idempotency', null);

    const find = (principal: string, key: string) =>
      app.db
        .select()
        .from(idempotencyRecords)
        .where(and(eq(idempotencyRecords.principal, principal), eq(idempotencyRecords.key, key)))
        .get();

    app.decorate('idempotency', {
      bind<T>(work: () => T): () => T {
        const pending = context.getStore()?.idempotency;
        if (!pending || pending.reserved) return work;
        return () => {
          const taken = app.db
            .insert(idempotencyRecords)
            .values({
              key: pending.key,
              principal: pending.principal,
              method: 'POST',
              path: pending.path,
              bodyHash: pending.bodyHash,
              status: PENDING,
              body: '',
              createdAt: nowIso(),
            })
            .onConflictDoNothing()
            .run();
          if (taken.changes === 0) {
            throw problem(
              'IDEMPOTENCY_KEY_IN_USE',
              'Another request with this Idempotency-Key was handled meanwhile; retry to get its response.',
              keyField('/idempotency-key', 'Used by a concurrent request'),
              { 'retry-after': '1' },
            );
          }
          const result = work();
          pending.reserved = true;
          return result;
        };
      },
    });

    // After body parsing and validation: the body is part of what a key stands for.
    const preHandler: preHandlerHookHandler = (request, reply, done) => {
      const key = request.headers['idempotency-key'];
      // Only requests with a key enter the async context (on Node 20 it costs every promise a little).
      if (request.method !== 'POST' || key === undefined) return done();
      if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
        return done(
          problem(
            'BAD_REQUEST',
            'Idempotency-Key must be 1 to 200 visible ASCII characters.',
            keyField('/idempotency-key', 'Not a valid Idempotency-Key'),
          ),
        );
      }
      const principal = request.principal ? `key:${request.principal.keyId}` : 'anonymous';
      const path = request.url.split('?')[0] ?? request.url;
      const bodyHash = createHash('sha256')
        .update(JSON.stringify([request.method, path, request.body ?? null]))
        .digest('hex');
      const previous = find(principal, key);
      if (previous) {
        if (previous.bodyHash !== bodyHash) {
          return done(
            problem(
              'IDEMPOTENCY_KEY_REUSED',
              'This Idempotency-Key was already used with a different request.',
              keyField('/idempotency-key', 'Already used for another request'),
            ),
          );
        }
        if (previous.status === PENDING) {
          return done(
            problem(
              'IDEMPOTENCY_KEY_IN_USE',
              inFlight.has(`${principal}\n${key}`)
                ? 'The first request with this Idempotency-Key is still being handled; retry in a moment.'
                : 'The first request with this Idempotency-Key was stored, but the service stopped before its response was: look the record up; retrying will not store it twice.',
              keyField('/idempotency-key', 'No response to replay yet'),
              { 'retry-after': '1' },
            ),
          );
        }
        const stored = previous.headers ? (JSON.parse(previous.headers) as Record<string, string>) : {};
        if (previous.location && !stored.location) stored.location = previous.location;
        reply
          .code(previous.status)
          .headers({ 'content-type': 'application/json; charset=utf-8', ...stored })
          .header('idempotent-replayed', 'true')
          .send(previous.body);
        return;
      }
      request.idempotency = { key, principal, path, bodyHash, reserved: false };
      inFlight.add(`${principal}\n${key}`);
      context.run(request, done);
    };

    // The response, once known, completes the key: stored for replay. A write that failed before its commit
    // left no reservation (rolled back with it), and its error is not stored: a retry runs again.
    const onSend: onSendHookHandler = (request, reply, payload, done) => {
      if (!request.idempotency) return done(null, payload);
      storeResponse(request, reply, payload).then(
        () => done(null, payload),
        (err) => done(err),
      );
    };

    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      if (!methods.includes('POST') || route.schema?.hide) return;
      route.schema ??= {};
      const schema = route.schema;
      const headers = schema.headers;
      if (headers === undefined) schema.headers = z.object({ 'idempotency-key': idempotencyKeyHeader });
      else if (headers instanceof z.ZodObject)
        schema.headers = headers.extend({ 'idempotency-key': idempotencyKeyHeader });
      if (!String(schema.description ?? '').includes('Idempotency-Key'))
        schema.description = `${schema.description ?? ''} ${IDEMPOTENCY_DOC}`.trim();
      // Hooks of the POST routes only (after the route's own): reads never run them.
      route.preHandler = [...(route.preHandler === undefined ? [] : [route.preHandler].flat()), preHandler];
      route.onSend = [...(route.onSend === undefined ? [] : [route.onSend].flat()), onSend];
    });

    async function storeResponse(request: FastifyRequest, reply: FastifyReply, payload: unknown) {
      const pending = request.idempotency;
      if (!pending) return;
      request.idempotency = null;
      inFlight.delete(`${pending.principal}\n${pending.key}`);
      const status = reply.statusCode;
      const store = pending.reserved ? status < 500 : status >= 200 && status < 300;
      if (!store || (typeof payload !== 'string' && payload !== null && payload !== undefined)) return;
      let body = (payload as string | null | undefined) ?? '';
      const secrets = request.routeOptions.config.idempotencySecretFields ?? [];
      if (secrets.length > 0 && body) {
        const parsed = JSON.parse(body) as Record<string, unknown>;
        for (const field of secrets) delete parsed[field];
        body = JSON.stringify(parsed);
      }
      const headers: Record<string, string> = {};
      for (const name of REPLAYED_HEADERS) {
        const value = reply.getHeader(name);
        if (value !== undefined) headers[name] = String(value);
      }
      const values = {
        status,
        body,
        location: headers.location ?? null,
        headers: JSON.stringify(headers),
      };
      try {
        await app.write(() => {
          if (pending.reserved) {
            app.db
              .update(idempotencyRecords)
              .set(values)
              .where(
                and(
                  eq(idempotencyRecords.principal, pending.principal),
                  eq(idempotencyRecords.key, pending.key),
                ),
              )
              .run();
          } else {
            const { key, principal, path, bodyHash } = pending;
            app.db
              .insert(idempotencyRecords)
              .values({ ...values, key, principal, method: 'POST', path, bodyHash, createdAt: nowIso() })
              .onConflictDoNothing()
              .run();
          }
        });
      } catch (err) {
        // The request's own effects are committed: its answer stands. A retry then meets a pending key (409).
        request.log.error({ err }, 'could not store the response of an Idempotency-Key');
      }
    }
  },
  { name: 'idempotency', dependencies: ['db'] },
);
