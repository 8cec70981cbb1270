import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { ProblemError } from '../errors.js';
import { noContent, problemResponses } from './openapi.js';
import { decodeCursor, type Page, type pageQuerySchema, sendPage } from './pagination.js';
import { idParams } from './schemas.js';

type ListQuery = z.ZodType<z.infer<typeof pageQuerySchema>, unknown>;

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
    list(filter: Omit<z.infer<Query>, 'cursor'> & { after: number | undefined }): Page<Listed>;
    create(input: z.infer<Create>): Item & { id: number };
    update(id: number, patch: z.infer<Update>): Item | null;
    delete(id: number): boolean;
  };
  notFound(id: number): ProblemError;
  docs?: { list?: string; create?: string; update?: string; delete?: string; get?: string };
}

/**
 * Handlers here are typed by the spec rather than by the type provider (whose inference does not reach
 * through generics); validation and serialization still go through the zod compilers of the app.
 *
 * The five routes every resource has, with the same statuses, headers and problem documentation:
 * list (keyset pages + Link), create (201 + Location), get, patch, delete (204).
 */
export function registerCrudRoutes<
  Item,
  Listed,
  Query extends ListQuery,
  Create extends z.ZodType,
  Update extends z.ZodType,
>(app: FastifyInstance, spec: CrudSpec<Item, Listed, Query, Create, Update>): void {
  const [singular, plural] = spec.names;
  const tags = [spec.tag];
  const params = idParams(spec.param);
  const itemPath = `${spec.path}/:${spec.param}`;
  const idOf = (p: unknown) => (p as Record<string, number>)[spec.param] as number;

  app.get(spec.path, {
    schema: {
      operationId: `list${plural}`,
      tags,
      summary: `List ${spec.noun}s`,
      description: spec.docs?.list,
      querystring: spec.schemas.query,
      response: { 200: spec.schemas.page, ...problemResponses(400) },
    },
    handler: async (request, reply) => {
      const { cursor, ...filter } = request.query as z.infer<Query>;
      return sendPage(request, reply, spec.repo.list({ ...filter, after: decodeCursor(cursor) }));
    },
  });

  app.post(spec.path, {
    schema: {
      operationId: `create${singular}`,
      tags,
      summary: `Create ${article(spec.noun)}`,
      description: spec.docs?.create,
      body: spec.schemas.create,
      response: { 201: spec.schemas.item, ...problemResponses(400, 409, 413, 415, 422) },
    },
    handler: async (request, reply) => {
      const created = spec.repo.create(request.body as z.infer<Create>);
      return reply.code(201).header('location', `${spec.path}/${created.id}`).send(created);
    },
  });

  app.get(itemPath, {
    schema: {
      operationId: `get${singular}`,
      tags,
      summary: `Get ${article(spec.noun)}`,
      description: spec.docs?.get,
      params,
      response: { 200: spec.schemas.item, ...problemResponses(400, 404) },
    },
    handler: async (request) => {
      const id = idOf(request.params);
      const item = spec.repo.get(id);
      if (!item) throw spec.notFound(id);
      return item;
    },
  });

  app.patch(itemPath, {
    schema: {
      operationId: `update${singular}`,
      tags,
      summary: `Update ${article(spec.noun)}`,
      description: spec.docs?.update ?? 'Changes the fields sent; `null` clears an optional field.',
      params,
      body: spec.schemas.update,
      response: { 200: spec.schemas.item, ...problemResponses(400, 404, 409, 413, 415, 422) },
    },
    handler: async (request) => {
      const id = idOf(request.params);
      const item = spec.repo.update(id, request.body as z.infer<Update>);
      if (!item) throw spec.notFound(id);
      return item;
    },
  });

  app.delete(itemPath, {
    schema: {
      operationId: `delete${singular}`,
      tags,
      summary: `Delete ${article(spec.noun)}`,
      description: spec.docs?.delete,
      params,
      response: { ...noContent, ...problemResponses(400, 404, 409) },
    },
    handler: async (request, reply) => {
      const id = idOf(request.params);
      if (!spec.repo.delete(id)) throw spec.notFound(id);
      return reply.code(204).send();
    },
  });
}

const article = (noun: string) => `${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}`;
