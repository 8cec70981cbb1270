import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESK_CSP } from '../../src/plugins/desk.js';
import { buildTestApp, expectProblem, type TestContext } from '../helpers/app.js';

// The service serves the built page at / and its assets under /desk/, with a CSP of its own; every
// other path keeps the API's problem+json 404.

let ctx: TestContext;
beforeAll(async () => {
  ctx = await buildTestApp();
});
afterAll(() => ctx.close());

describe('the desk page', () => {
  it('is served at / as HTML with a policy that allows its own scripts and styles and nothing else', async () => {
    const res = await ctx.anonymous.get('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toBe(DESK_CSP);
    expect(DESK_CSP).toContain("default-src 'none'");
    expect(DESK_CSP).toContain("script-src 'self'");
    expect(DESK_CSP).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    // A page: helmet's headers for documents too.
    expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.text).toContain('<div id="app"></div>');
    // No inline script: every script and stylesheet is a file under /desk/.
    expect(res.text).not.toMatch(/<script(?![^>]*\ssrc="\/desk\/)[^>]*>/);
    expect(res.text).not.toMatch(/https?:\/\//);
  });

  it('serves the assets the page names, immutable, with ETags and 304s', async () => {
    const page = await ctx.anonymous.get('/');
    const assets = [...page.text.matchAll(/(?:src|href)="(\/desk\/[^"]+)"/g)].map((m) => m[1] as string);
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
    for (const asset of assets) {
      const res = await ctx.anonymous.get(asset);
      expect(res.status, asset).toBe(200);
      expect(res.headers['cache-control'], asset).toBe('public, max-age=31536000, immutable');
      expect(res.headers['content-security-policy'], asset).toBe(DESK_CSP);
      const again = await ctx.anonymous.get(asset).set('if-none-match', res.headers.etag as string);
      expect(again.status, asset).toBe(304);
    }
    const script = assets.find((a) => a.endsWith('.js')) as string;
    expect((await ctx.anonymous.get(script)).headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  it('answers unknown asset and API paths with the API’s problem+json 404', async () => {
    for (const path of ['/desk/assets/nope.js', '/desk/index.html', '/desk/../package.json', '/nope']) {
      const res = await ctx.anonymous.get(path);
      expectProblem(res, 404, 'ROUTE_NOT_FOUND', res.body.instance, {
        title: 'No such route',
        detail: expect.stringMatching(/^No route matches GET /),
      });
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    }
    // The API is untouched: the page lives beside it.
    expect((await ctx.anonymous.get('/events')).headers['content-type']).toMatch(/^application\/json/);
  });

  it('needs no key even when reads do', async () => {
    const locked = await buildTestApp({ requireKeyForReads: true });
    try {
      expect((await locked.anonymous.get('/')).status).toBe(200);
      expect((await locked.anonymous.get('/events')).status).toBe(401);
    } finally {
      await locked.close();
    }
  });

  it('is a 503 problem that says how to build it when the build is missing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'claimledger-no-desk-'));
    const bare = await buildTestApp({ deskDir: empty });
    try {
      const res = await bare.anonymous.get('/');
      expectProblem(res, 503, 'SERVICE_UNAVAILABLE', '/', {
        title: 'Service unavailable',
        detail:
          'The desk page has not been built: run `npm run build` (or `npm run build:desk`), then restart.',
      });
    } finally {
      await bare.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
