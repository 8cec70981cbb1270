import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type ProblemError, problem } from '../errors.js';
import { AuditPage, HistoryQuery } from '../modules/audit/audit.schemas.js';
import { createAuditService } from '../modules/audit/audit.service.js';
import { SYSTEM_PRINCIPAL } from '../modules/keys/keys.service.js';
import { listResponses, sendList } from './list-formats.js';
import { noContent, notModified, problemResponses } from './openapi.js';
import { decodeCursor, type Page, type pageQuerySchema } from './pagination.js';
import { RetractBody } from './retraction.js';
import { idParams } from './schemas.js';
import { serializerCompiler } from './serializer.js';
import { checkIfMatch, etagOfJson, isNotModified } from './writes.js';

type ListQuery = z.ZodType<z.infer<typeof pageQuerySchema>, unknown>;
type ListFilter<Query extends ListQuery> = Omit<z.infer<Query>, 'cursor' | 'format'> & {
  after: number | undefined;
};

export interface CrudSpec<
  Item,
  Listed,
  Query extends ListQuery,
  Create extends z.ZodType,
  Update extends z.ZodType,
> {
  /** Collection path, e.g. `/actors`. */
  path: string;
  /** Path parameter naming one record, e.g. `actorId`. */
  param: string;
  tag: string;
  /** Singular and plural in PascalCase for operation ids: `Actor`, `Actors`. */
  names: [singular: string, plural: string];
  /** Lower-case noun for summaries: `actor`. */
  noun: string;
  schemas: { item: z.ZodType<Item>; page: z.ZodType; query: Query; create: Create; update: Update };
  repo: {
    get(id: number): Item | null;
    list(filter: ListFilter<Query>): Page<Listed>;
    create(input: z.infer<Create>): Item & { id: number };
    update(id: number, patch: z.infer<Update>): Item | null;
    delete(id: number): boolean;
  };
  notFound(id: number): ProblemError;
  /** Records that can be retracted (kept, flagged, hidden from lists) get POST .../retraction. */
  retract?: (id: number, by: string, reason: string) => void;
  docs?: { list?: string; create?: string; update?: string; delete?: string; get?: string };
}

/**
 * Handlers here are typed by the spec rather than by the type provider (whose inference does not reach
 * through generics); validation and serialization still go through the zod compilers of the app.
 *
 * The routes every resource has, with the same statuses, headers and problem documentation: list (keyset
 * pages + Link), create (201 + Location; Idempotency-Key is handled for every POST centrally), get (ETag, 304), patch and delete (If-Match;
 * delete is admin-only), and the change history. Every write and its audit record share one transaction.
 */
export function registerCrudRoutes<
  Item,
  Listed,
  Query extends ListQuery,
  Create extends z.ZodType,
  Update extends z.ZodType,
>(app: FastifyInstance, spec: CrudSpec<Item, Listed, Query, Create, Update>): void {
  const [singular, plural] = spec.names;
  const resource = singular.charAt(0).toLowerCase() + singular.slice(1);
  const tags = [spec.tag];
  const params = idParams(spec.param);
  const itemPath = `${spec.path}/:${spec.param}`;
  const idOf = (p: unknown) => (p as Record<string, number>)[spec.param] as number;
  const audit = createAuditService(app.db);
  const principalOf = (request: FastifyRequest) => request.principal ?? SYSTEM_PRINCIPAL;
  // A record's ETag is the hash of its representation exactly as GET sends it, serialized once by the
  // route's own serializer: writes check If-Match and answer with ETags computed the same way.
  const serializeItem = serializerCompiler({
    schema: spec.schemas.item,
    method: 'GET',
    url: itemPath,
    httpStatus: '200',
  });
  const etagOfItem = (item: unknown) => etagOfJson(serializeItem(item));
  /** Sends a record serialized once, with the ETag of exactly those bytes. */
  const sendItem = (reply: FastifyReply, item: unknown, status = 200) => {
    const json = serializeItem(item);
    reply.header('etag', etagOfJson(json));
    return reply
      .code(status)
      .type('application/json; charset=utf-8')
      .send(json as never);
  };

  app.get(spec.path, {
    schema: {
      operationId: `list${plural}`,
      tags,
      summary: `List ${spec.noun}s`,
      description: spec.docs?.list,
      querystring: spec.schemas.query,
      response: listResponses(spec.schemas.page, 400, 401),
    },
    handler: async (request, reply) => {
      const { cursor, format, limit, ...filter } = request.query as z.infer<Query>;
      return sendList(request, reply, {
        fetch: (after, size) =>
          spec.repo.list({ ...filter, limit: size, after: decodeCursor(after) } as ListFilter<Query>),
        cursor,
        limit,
        format,
        page: spec.schemas.page,
        name: spec.path.slice(1),
      });
    },
  });

  app.post(spec.path, {
    schema: {
      operationId: `create${singular}`,
      tags,
      summary: `Create ${article(spec.noun)}`,
      description: spec.docs?.create,
      body: spec.schemas.create,
      response: { 201: spec.schemas.item, ...problemResponses(400, 401, 403, 409, 413, 415, 422, 429) },
    },
    handler: async (request, reply) => {
      const created = await app.write(() => {
        const record = spec.repo.create(request.body as z.infer<Create>);
        audit.record({
          principal: principalOf(request),
          resource,
          resourceId: record.id,
          operation: 'create',
          before: null,
          after: record,
          requestId: request.id,
        });
        return record;
      });
      reply.header('location', `${spec.path}/${created.id}`);
      return sendItem(reply, created, 201);
    },
  });

  app.get(itemPath, {
    schema: {
      operationId: `get${singular}`,
      tags,
      summary: `Get ${article(spec.noun)}`,
      description: `${spec.docs?.get ?? ''} Sends an ETag; If-None-Match with it answers 304.`.trim(),
      params,
      response: { 200: spec.schemas.item, 304: notModified, ...problemResponses(400, 401, 404) },
    },
    // Synchronous, as nothing here waits: an async handler cost each read a promise and a turn of the
    // microtask queue. Fastify answers a throw from it as it does a rejection.
    handler: (request, reply) => {
      const id = idOf(request.params);
      const item = spec.repo.get(id);
      if (!item) throw spec.notFound(id);
      const json = serializeItem(item);
      const etag = etagOfJson(json);
      reply.header('etag', etag);
      if (isNotModified(request, etag)) {
        reply.code(304).send();
        return;
      }
      // A string with a JSON content type is sent as it is: it is not serialized a second time.
      reply.type('application/json; charset=utf-8').send(json as never);
    },
  });

  app.patch(itemPath, {
    schema: {
      operationId: `update${singular}`,
      tags,
      summary: `Update ${article(spec.noun)}`,
      description: `${spec.docs?.update ?? 'Changes the fields sent; `null` clears an optional field.'} ${IF_MATCH_DOC}`,
      params,
      headers: ifMatchHeaders,
      body: spec.schemas.update,
      response: {
        200: spec.schemas.item,
        ...problemResponses(400, 401, 403, 404, 409, 412, 413, 415, 422, 428, 429),
      },
    },
    handler: async (request, reply) => {
      const id = idOf(request.params);
      const updated = await app.write(() => {
        const before = spec.repo.get(id);
        if (!before) throw spec.notFound(id);
        checkIfMatch(request, before, app.writeSettings.requireIfMatch, () => etagOfItem(before));
        const after = spec.repo.update(id, request.body as z.infer<Update>) as Item;
        audit.record({
          principal: principalOf(request),
          resource,
          resourceId: id,
          operation: 'update',
          before,
          after,
          requestId: request.id,
        });
        return after;
      });
      return sendItem(reply, updated);
    },
  });

  app.delete(itemPath, {
    config: { role: 'admin' },
    schema: {
      operationId: `delete${singular}`,
      tags,
      summary: `Delete ${article(spec.noun)}`,
      description:
        `${spec.docs?.delete ?? ''} Hard deletes need an admin key; the audit log keeps the record. ${IF_MATCH_DOC}`.trim(),
      params,
      headers: ifMatchHeaders,
      response: { ...noContent, ...problemResponses(400, 401, 403, 404, 409, 412, 428, 429) },
    },
    handler: async (request, reply) => {
      const id = idOf(request.params);
      await app.write(() => {
        const before = spec.repo.get(id);
        if (!before) throw spec.notFound(id);
        checkIfMatch(request, before, app.writeSettings.requireIfMatch, () => etagOfItem(before));
        spec.repo.delete(id);
        audit.record({
          principal: principalOf(request),
          resource,
          resourceId: id,
          operation: 'delete',
          before,
          after: null,
          requestId: request.id,
        });
      });
      return reply.code(204).send();
    },
  });

  const { retract } = spec;
  if (retract) {
    app.post(`${itemPath}/retraction`, {
      schema: {
        operationId: `retract${singular}`,
        tags,
        summary: `Retract ${article(spec.noun)}`,
        description:
          'Marks the record retracted (who, when, why). It stays readable and in its history, and lists hide it unless `includeRetracted=true`.',
        params,
        body: RetractBody,
        response: { 200: spec.schemas.item, ...problemResponses(400, 401, 403, 404, 409, 415, 429) },
      },
      handler: async (request, reply) => {
        const id = idOf(request.params);
        const after = await app.write(() => {
          const before = spec.repo.get(id);
          if (!before) throw spec.notFound(id);
          if ((before as { retraction?: unknown }).retraction) {
            throw problem('ALREADY_RETRACTED', `${singular} ${id} is already retracted.`);
          }
          const principal = principalOf(request);
          retract(id, principal.label, (request.body as z.infer<typeof RetractBody>).reason);
          const retracted = spec.repo.get(id) as Item;
          audit.record({
            principal,
            resource,
            resourceId: id,
            operation: 'retract',
            before,
            after: retracted,
            requestId: request.id,
          });
          return retracted;
        });
        return sendItem(reply, after);
      },
    });
  }

  app.get(`${itemPath}/history`, {
    schema: {
      operationId: `get${singular}History`,
      tags,
      summary: `The change history of ${article(spec.noun)}`,
      description:
        'Every create, update, retraction and delete, oldest first, with who made it and the values before and after.',
      params,
      querystring: HistoryQuery,
      response: listResponses(AuditPage, 400, 401, 404),
    },
    handler: async (request, reply) => {
      const id = idOf(request.params);
      const { limit, cursor, format } = request.query as z.infer<typeof HistoryQuery>;
      const first = audit.list({ resource, resourceId: id, limit: 1, after: decodeCursor(cursor) });
      if (first.data.length === 0 && cursor === undefined && !spec.repo.get(id)) throw spec.notFound(id);
      return sendList(request, reply, {
        fetch: (after, size) =>
          audit.list({ resource, resourceId: id, limit: size, after: decodeCursor(after) }),
        cursor,
        limit,
        format,
        page: AuditPage,
        name: `${resource}-${id}-history`,
      });
    },
  });
}

const article = (noun: string) => `${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}`;

const IF_MATCH_DOC =
  'Send `If-Match` with the ETag you read: if the record changed since, the answer is 412 and nothing changes.';

const ifMatchHeaders = z.object({
  'if-match': z.string().max(1000).optional().describe('The ETag of the version you read.'),
});
