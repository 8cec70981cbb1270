import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { documentCommonProblems, documentResponseHeaders } from '../lib/openapi.js';

export const API_DESCRIPTION = `Claim-and-source fact tracking for newsrooms.

Who said what about an event, in which document and in which exact words, through whom it travelled,
and who holds whom responsible.

- **Sources** are documents stored verbatim with a server-computed SHA-256.
- **Actors** speak, relay and are blamed; they nest (a ministry belongs to its state).
- **Events** carry their time with the precision that is known.
- **Claims** are anchored to the exact quote in a source (W3C TextQuoteSelector + TextPositionSelector,
  positions in Unicode code points) and carry the chain of actors they were reported through.
- **Attributions** record who holds an actor responsible for an event, through the claim that says so.

Every error is an RFC 9457 \`application/problem+json\` document with a stable \`code\`.
Lists are keyset-paginated: follow \`nextCursor\` or the \`Link: rel="next"\` header. Every list also
answers \`text/csv\` and \`application/x-ndjson\` (by \`Accept\` or \`?format=\`), streaming the whole list.

Every operation may answer 400 (an unknown query parameter is one), 401 (a key that is sent must be valid,
even on public reads), 408 (a request slower than the server's timeout), 429 (rate limit, with
\`Retry-After\`) and 503 (the database is busy or unavailable, with \`Retry-After\`); writes may also answer 507
(the disk is full). A method a path does not serve is a 405 with \`Allow\`; \`HEAD\` is not served. Every POST
honours \`Idempotency-Key\`.

Claims and events export as W3C Web Annotation, STIX 2.1, W3C PROV-JSON and schema.org ClaimReview;
\`GET /changes\` is a feed of every committed change, and webhooks deliver changes signed per Standard Webhooks.`;

const STATUS_TEXT: Record<string, string> = {
  '200': 'OK',
  '201': 'Created',
  '204': 'No Content',
  '304': 'Not Modified',
};

// @fastify/swagger labels every response it has no description for "Default Response".
function describeDefaultResponses<T>(document: T): T {
  const paths = (
    document as {
      paths?: Record<string, Record<string, { responses?: Record<string, { description?: string }> }>>;
    }
  ).paths;
  for (const item of Object.values(paths ?? {})) {
    for (const operation of Object.values(item)) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        if (response.description === 'Default Response') response.description = STATUS_TEXT[status] ?? status;
      }
    }
  }
  return document;
}

// The transform registers an input and an output variant of every named schema; keep only those in use.
function pruneUnusedSchemas<T>(document: T): T {
  const doc = document as { paths?: unknown; components?: { schemas?: Record<string, unknown> } };
  const schemas = doc.components?.schemas;
  if (!schemas) return document;
  const used = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string' && value.startsWith('#/components/schemas/')) {
          const name = value.slice('#/components/schemas/'.length);
          if (!used.has(name)) {
            used.add(name);
            visit(schemas[name]);
          }
        } else visit(value);
      }
    }
  };
  visit(doc.paths);
  for (const name of Object.keys(schemas)) if (!used.has(name)) delete schemas[name];
  return dropInputSuffix(document);
}

// Request-only schemas come out as `CreateClaimInput`; where no output twin is left, name them as declared.
function dropInputSuffix<T>(document: T): T {
  const schemas =
    (document as { components?: { schemas?: Record<string, unknown> } }).components?.schemas ?? {};
  const renames = Object.keys(schemas)
    .filter((name) => name.endsWith('Input') && !(name.slice(0, -'Input'.length) in schemas))
    .map((name) => [name, name.slice(0, -'Input'.length)] as const);
  if (renames.length === 0) return document;
  let json = JSON.stringify(document);
  for (const [from, to] of renames) {
    json = json.replaceAll(`"#/components/schemas/${from}"`, `"#/components/schemas/${to}"`);
    json = json.replace(`"${from}":`, `"${to}":`);
  }
  return JSON.parse(json) as T;
}

const WRITE_METHODS = new Set(['post', 'put', 'patch', 'delete']);

const SECURITY_SCHEMES = {
  apiKey: {
    type: 'http',
    scheme: 'bearer',
    description:
      'An API key: `Authorization: Bearer clk_…`. Create one with `npm run keys -- create --role editor`.',
  },
} as const;

// Writes need a bearer key; reads take one optionally (required when the service is set to).
function declareSecurity<T>(document: T): T {
  const doc = document as {
    paths?: Record<string, Record<string, { security?: unknown }>>;
    components?: { securitySchemes?: Record<string, unknown> };
  };
  doc.components ??= {};
  doc.components.securitySchemes = SECURITY_SCHEMES;
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, operation] of Object.entries(item)) {
      if (path === '/health' || path === '/health/ready' || path === '/openapi.json') continue;
      // A route that states its own security (a read that always needs a key) keeps it.
      operation.security ??= WRITE_METHODS.has(method) ? [{ apiKey: [] }] : [{}, { apiKey: [] }];
    }
  }
  return document;
}

/** Serves the OpenAPI 3.1 document built from the route schemas, and an offline docs page at /docs. */
export const openapiPlugin = fp(
  async (app: FastifyInstance) => {
    // Before swagger's own onRoute hook, so that the document shows what was added.
    app.addHook('onRoute', (route) =>
      documentCommonProblems(route as Parameters<typeof documentCommonProblems>[0]),
    );
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: { title: 'claimledger', version: '0.1.0', description: API_DESCRIPTION },
        // Known before routes are read, so that a route may state its own `security`.
        components: { securitySchemes: SECURITY_SCHEMES },
        tags: [
          { name: 'sources', description: 'Documents, stored verbatim and hashed.' },
          { name: 'actors', description: 'States, bodies, officials, outlets, channels and unnamed groups.' },
          { name: 'events', description: 'What happened, when and where.' },
          { name: 'claims', description: 'What an actor said, anchored to the exact words in a source.' },
          { name: 'attributions', description: 'Who holds whom responsible for an event.' },
          {
            name: 'claim-links',
            description: 'How claims relate: corroborate, contradict, repeat, respond.',
          },
          {
            name: 'cross-checking',
            description:
              'The attribution board with independent origins, contradictions, timelines and provenance chains.',
          },
          { name: 'search', description: 'Full-text search over claims, quotes and sources.' },
          { name: 'changes', description: 'The change feed, for systems that follow this one.' },
          { name: 'webhooks', description: 'Signed deliveries of changes to other systems (admin).' },
          {
            name: 'exports',
            description:
              'Claims and events as W3C Web Annotation, STIX 2.1, W3C PROV and schema.org ClaimReview.',
          },
          { name: 'transfer', description: 'Bulk import and export of the whole record as NDJSON.' },
          {
            name: 'intake',
            description:
              'Candidate claims proposed from a source’s text, reviewed into the record: accept or reject.',
          },
          { name: 'service', description: 'Health and the API description.' },
        ],
      },
      transform: jsonSchemaTransform,
      transformObject: (input) =>
        documentResponseHeaders(
          declareSecurity(pruneUnusedSchemas(describeDefaultResponses(jsonSchemaTransformObject(input)))),
        ),
    });

    app.get(
      '/openapi.json',
      {
        config: { public: true },
        schema: {
          operationId: 'getOpenApiDocument',
          tags: ['service'],
          summary: 'The OpenAPI 3.1 document of this API',
          response: {
            200: z.looseObject({ openapi: z.string() }).describe('The OpenAPI 3.1 document.'),
          },
        },
      },
      async () => app.swagger(),
    );

    await app.register(swaggerUi, {
      routePrefix: '/docs',
      uiConfig: { docExpansion: 'list', deepLinking: true, validatorUrl: null },
      staticCSP: true,
    });
  },
  { name: 'openapi' },
);
