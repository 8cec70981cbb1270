import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, expectProblem, type TestContext } from './helpers/app.js';
import { createClaim, createSource } from './helpers/factories.js';

let ctx: TestContext;
let closed: boolean;
beforeEach(async () => {
  ctx = await buildTestApp();
  closed = false;
});
afterEach(async () => {
  // Close the app once, even when a test closed it (or its database) itself.
  if (!closed) {
    closed = true;
    try {
      await ctx.close();
    } catch (err) {
      if (ctx.app.db.$client.open) throw err;
    }
  }
});

describe('health', () => {
  it('answers ok with the number of claims', async () => {
    const empty = await ctx.api.get('/health');
    expect(empty.status).toBe(200);
    expect(empty.headers['content-type']).toMatch(/^application\/json/);
    expect(empty.body).toEqual({ status: 'ok', database: 'ok', claims: 0 });

    const source = await createSource(ctx.api);
    await createClaim(ctx.api, { sourceId: source.id });
    await createClaim(ctx.api, {
      sourceId: source.id,
      text: 'Damage was minor.',
      quote: { exact: 'minor damage' },
    });
    expect((await ctx.api.get('/health')).body).toEqual({ status: 'ok', database: 'ok', claims: 2 });
  });

  it('answers 503 SERVICE_UNAVAILABLE when the database does not answer', async () => {
    ctx.app.db.$client.close();
    const res = await ctx.api.get('/health');
    expectProblem(res, 503, 'SERVICE_UNAVAILABLE', '/health', {
      title: 'Service unavailable',
      detail: 'The database is not available; try again shortly.',
      requestId: res.headers['x-request-id'],
    });
    expect(JSON.stringify(res.body)).not.toMatch(/database connection is not open/i);

    closed = true;
    // Closing the app closes the handle again, which must not throw.
    await ctx.close();
  });
});

describe('API description', () => {
  it('serves the OpenAPI 3.1 document', async () => {
    const res = await ctx.api.get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body.openapi).toMatch(/^3\.1/);
    expect(res.body.info).toMatchObject({ title: 'claimledger', version: expect.any(String) });
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining(['/health', '/sources', '/sources/{sourceId}', '/events', '/events/{eventId}']),
    );
    expect(res.body.paths['/sources'].post.operationId).toBe('createSource');
    expect(res.body.paths['/health'].get.responses).toHaveProperty('503');
    // The problem catalogue route is hidden from the description.
    expect(Object.keys(res.body.paths)).not.toContain('/problems/{slug}');
  });

  it('serves the docs page and its assets locally, so that it works offline', async () => {
    let page = await ctx.api.get('/docs');
    if (page.status >= 300 && page.status < 400) page = await ctx.api.get(page.headers.location as string);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('swagger-ui-bundle.js');
    // Every script the page loads comes from this service.
    const scripts = [...page.text.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1] as string);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) expect(src).not.toMatch(/^(https?:)?\/\//);

    const slash = await ctx.api.get('/docs/');
    expect(slash.status).toBe(200);
    expect(slash.headers['content-type']).toMatch(/^text\/html/);

    const bundle = await ctx.api.get('/docs/static/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
    expect(bundle.headers['content-type']).toMatch(/javascript/);
    expect(bundle.text.length).toBeGreaterThan(100_000);

    const css = await ctx.api.get('/docs/static/swagger-ui.css');
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);

    // The page loads the document from the docs route itself.
    const json = await ctx.api.get('/docs/json');
    expect(json.status).toBe(200);
    expect(json.body.openapi).toMatch(/^3\.1/);
  });
});
