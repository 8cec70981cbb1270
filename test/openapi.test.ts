import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from './helpers/app.js';

type Operation = {
  operationId?: string;
  tags?: string[];
  summary?: string;
  responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>;
};

let ctx: TestContext;
let doc: {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: object };
};

beforeAll(async () => {
  ctx = await buildTestApp();
  doc = (await ctx.api.get('/openapi.json').expect(200)).body;
});
afterAll(async () => {
  await ctx.close();
});

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ path, method, op })),
  );

describe('OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('gives every operation an operationId, tags, a summary and its problem responses', () => {
    const ids = new Set<string>();
    for (const { path, method, op } of operations()) {
      const where = `${method.toUpperCase()} ${path}`;
      expect(op.operationId, where).toMatch(/^[a-z][A-Za-z]+$/);
      expect(ids.has(op.operationId as string), `${where} repeats ${op.operationId}`).toBe(false);
      ids.add(op.operationId as string);
      expect(op.tags?.length, where).toBeGreaterThan(0);
      expect(op.summary, where).toBeTruthy();
      const problems = Object.entries(op.responses).filter(([status]) => Number(status) >= 400);
      if (path !== '/openapi.json') expect(problems.length, where).toBeGreaterThan(0);
      for (const [status, response] of problems) {
        expect(response.content?.['application/problem+json']?.schema.$ref, `${where} ${status}`).toBe(
          '#/components/schemas/Problem',
        );
      }
    }
  });

  it('documents the resources journalists use', () => {
    const byId = new Map(operations().map(({ path, method, op }) => [op.operationId, `${method} ${path}`]));
    for (const [id, route] of Object.entries({
      listClaims: 'get /claims',
      createClaim: 'post /claims',
      getClaim: 'get /claims/{claimId}',
      listActorClaims: 'get /actors/{actorId}/claims',
      listAttributions: 'get /attributions',
      createClaimLink: 'post /claim-links',
      createSource: 'post /sources',
      getHealth: 'get /health',
    })) {
      expect(byId.get(id)).toBe(route);
    }
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining([
        'Claim',
        'QuoteSelector',
        'Problem',
        'Actor',
        'Source',
        'Event',
        'Attribution',
      ]),
    );
  });

  it('matches the snapshot (a change to the API shows here)', () => {
    expect(doc).toMatchSnapshot();
  });
});
