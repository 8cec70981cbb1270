import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { KEY_ROLES } from '../../db/schema.js';
import { problem } from '../../errors.js';
import { listResponses, sendList } from '../../lib/list-formats.js';
import { problemResponses } from '../../lib/openapi.js';
import { formatQuery } from '../../lib/pagination.js';
import { idParams, name } from '../../lib/schemas.js';
import { etagOf } from '../../lib/writes.js';
import { createAuditService } from '../audit/audit.service.js';
import { createKeysService, SYSTEM_PRINCIPAL } from './keys.service.js';

const KeySchema = z
  .object({
    id: z.number().int(),
    label: z.string(),
    role: z.enum(KEY_ROLES),
    prefix: z
      .string()
      .describe('The public start of the key, to recognise it; the secret is never shown again.'),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: 'ApiKey', description: 'An API key, without its secret.' });

const NewKeySchema = KeySchema.extend({
  key: z
    .string()
    .optional()
    .describe(
      'The key itself. Shown once: store it now. Absent from an Idempotency-Key replay, since the secret is never stored: if it was lost, revoke the key and create another.',
    ),
}).meta({ id: 'NewApiKey' });

const KeyList = z.object({ data: z.array(KeySchema) });

const CreateKeyBody = z
  .object({
    label: name(200).describe('Who or what holds the key, e.g. `Investigations desk`.'),
    role: z
      .enum(KEY_ROLES)
      .describe('`reader` reads, `editor` also writes, `admin` also manages keys and hard-deletes.'),
  })
  .strict()
  .meta({ id: 'CreateApiKey' });

/** Key management: admin only. */
export const keysRoutes: FastifyPluginAsyncZod = async (app) => {
  const keys = createKeysService(app.db);
  const audit = createAuditService(app.db);
  const tags = ['keys'];
  const config = { role: 'admin' as const };
  const notFound = (id: number) => problem('KEY_NOT_FOUND', `API key ${id} does not exist.`);

  app.post('/keys', {
    config: { ...config, idempotencySecretFields: ['key'] },
    schema: {
      operationId: 'createKey',
      tags,
      summary: 'Create an API key (shown once)',
      body: CreateKeyBody,
      response: { 201: NewKeySchema, ...problemResponses(400, 401, 403, 415, 429) },
    },
    handler: async (request, reply) => {
      const created = await app.write(() => {
        const made = keys.create(request.body.label, request.body.role);
        audit.record({
          principal: request.principal ?? SYSTEM_PRINCIPAL,
          resource: 'key',
          resourceId: made.record.id,
          operation: 'create',
          before: null,
          after: made.record,
          requestId: request.id,
        });
        return made;
      });
      return reply
        .code(201)
        .header('location', `/keys/${created.record.id}`)
        .header('cache-control', 'no-store')
        .header('etag', etagOf(created.record))
        .send({ ...created.record, key: created.key });
    },
  });

  app.get('/keys', {
    config,
    schema: {
      operationId: 'listKeys',
      tags,
      summary: 'List API keys, without their secrets',
      description: 'All keys in one list (never paged), revoked ones included.',
      querystring: z.object({ format: formatQuery }),
      response: listResponses(KeyList, 400, 401, 403),
    },
    handler: async (request, reply) =>
      sendList(request, reply, {
        fetch: () => ({ data: keys.list(), nextCursor: null }),
        cursor: undefined,
        limit: 0,
        format: request.query.format,
        page: KeyList,
        name: 'keys',
      }),
  });

  app.delete('/keys/:keyId', {
    config,
    schema: {
      operationId: 'revokeKey',
      tags,
      summary: 'Revoke an API key, at once',
      description: 'The key stops working for the next request. The record stays, marked revoked.',
      params: idParams('keyId'),
      response: { 204: z.undefined(), ...problemResponses(400, 401, 403, 404) },
    },
    handler: async (request, reply) => {
      const { keyId } = request.params;
      await app.write(() => {
        const before = keys.get(keyId);
        if (!before) throw notFound(keyId);
        const after = keys.revoke(keyId);
        audit.record({
          principal: request.principal ?? SYSTEM_PRINCIPAL,
          resource: 'key',
          resourceId: keyId,
          operation: 'update',
          before,
          after,
          requestId: request.id,
        });
      });
      return reply.code(204).send();
    },
  });
};
