import fastJson from 'fast-json-stringify';
import type { FastifySerializerCompiler } from 'fastify/types/schema.js';
import { z } from 'zod';

const compiled = new WeakMap<object, (data: unknown) => string>();

/**
 * Serializes responses with fast-json-stringify compiled from each route's zod response schema, instead
 * of validating every response with zod at run time. The zod schema stays the one source of truth: it is
 * converted to JSON Schema once per schema (and cached), the same conversion the OpenAPI document uses.
 * Properties a schema does not declare are dropped, so no column can leak into a response.
 */
export const serializerCompiler: FastifySerializerCompiler<unknown> = ({ schema }) => {
  if (!(schema instanceof z.ZodType)) return (data) => JSON.stringify(data);
  let serialize = compiled.get(schema);
  if (!serialize) {
    serialize = fastJson(responseJsonSchema(schema) as Parameters<typeof fastJson>[0]);
    compiled.set(schema, serialize);
  }
  return serialize;
};

const jsonSchemas = new WeakMap<z.ZodType, object>();

/**
 * The JSON Schema a response serializer is compiled from, converted once per schema: the search workers compile
 * theirs from the same object the service's serializer was compiled from.
 */
export function responseJsonSchema(schema: z.ZodType): object {
  let jsonSchema = jsonSchemas.get(schema);
  if (!jsonSchema) {
    jsonSchema = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any', target: 'draft-7' });
    jsonSchemas.set(schema, jsonSchema);
  }
  return jsonSchema;
}
