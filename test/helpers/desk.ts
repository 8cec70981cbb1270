import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { buildTestApp, type TestContext } from './app.js';

// Browser tests drive Debian's Chromium (never a downloaded browser) through playwright-core, against the
// real service listening on a free port with the seeded case, as a journalist's browser would.

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface DeskServer {
  ctx: TestContext;
  baseUrl: string;
  /** GETs a path of the API as JSON (with the admin key), to compare the page with what the API says. */
  json<T>(path: string): Promise<T>;
  close(): Promise<void>;
}

export async function startDeskServer(): Promise<DeskServer> {
  const ctx = await buildTestApp({ seed: true });
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = ctx.app.server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    ctx,
    baseUrl,
    json: async <T>(path: string) => {
      const res = await fetch(`${baseUrl}${path}`, {
        headers: { authorization: `Bearer ${ctx.keys.admin}` },
      });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
    close: () => ctx.close(),
  };
}

export interface DeskBrowser {
  context: BrowserContext;
  /** A new tab (its own session storage) at `width` x `height`, watched for errors and foreign requests. */
  open(hash: string, viewport?: { width: number; height: number }): Promise<Page>;
  /** Uncaught page errors, CSP refusals and requests to other origins seen so far. */
  problems(): string[];
  close(): Promise<void>;
}

export async function launchDesk(baseUrl: string): Promise<DeskBrowser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'claimledger-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
    locale: 'en-GB',
    timezoneId: 'Asia/Tehran',
  });
  const seen: string[] = [];
  const origin = new URL(baseUrl).origin;
  // Nothing may be fetched from anywhere but the service: refuse and remember any other request.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${origin}/`) || url === origin) return route.continue();
    seen.push(`request to another origin: ${url}`);
    return route.abort();
  });
  return {
    context,
    async open(hash, viewport = { width: 1280, height: 900 }) {
      const page = await context.newPage();
      // Fail on the step that waits, with its locator, well before the test's own timeout.
      page.setDefaultTimeout(8_000);
      await page.setViewportSize(viewport);
      page.on('pageerror', (error) => seen.push(`page error: ${error.message}`));
      page.on('console', (message) => {
        if (/Content Security Policy|Refused to/i.test(message.text())) seen.push(`CSP: ${message.text()}`);
      });
      await page.goto(`${baseUrl}/${hash}`);
      return page;
    },
    problems: () => [...seen],
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core in the page (WCAG 2.1 A and AA rules and best practices) and returns the serious and
 * critical violations. axe is evaluated through the DevTools protocol, which the page's CSP does not
 * govern, so the page keeps its real policy while it is checked.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate(`
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })
      .then((result) => result.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')),
      })))
  `)) as AxeViolation[];
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}
