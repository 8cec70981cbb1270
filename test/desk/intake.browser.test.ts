// PENDING: the intake flow needs the candidates API of issue 8 (branch wt-intake), which this branch does not
// have. vitest does not pick this file up (its name does not end in .test.ts); once the candidates API is
// merged, rename it to intake.browser.test.ts to run it with the rest.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttributionBoard, Candidate, Claim, Page as ListPage } from '../../src/desk/app/api/types.js';
import {
  type DeskBrowser,
  type DeskServer,
  launchDesk,
  seriousAxeViolations,
  startDeskServer,
} from '../helpers/desk.js';

const DOC_A = 'Drones Hit Multiple Military Targets Across Iran';
const ISFAHAN = 'Drone attack on a Ministry of Defence facility in Isfahan';
const TELEGRAM = 'Local Telegram channels (Iran)';

let server: DeskServer;
let browser: DeskBrowser;
let isfahanId: number;
let docAId: number;

beforeAll(async () => {
  server = await startDeskServer();
  browser = await launchDesk(server.baseUrl);
  const events = await server.json<ListPage<{ id: number; title: string }>>('/events?q=Isfahan&limit=50');
  isfahanId = events.data.find((e) => e.title === ISFAHAN)?.id as number;
  const sources = await server.json<ListPage<{ id: number; title: string }>>(
    `/sources?q=${encodeURIComponent(DOC_A)}`,
  );
  docAId = sources.data.find((s) => s.title === DOC_A)?.id as number;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function enterKey(page: Page, key: string) {
  await page.locator('.key-panel summary').click();
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Use key' }).click();
  await page.getByText('API key in use').waitFor();
}

async function pick(page: Page, field: string, typed: string, option: string) {
  await page.getByRole('combobox', { name: field }).fill(typed);
  await page.getByRole('option', { name: new RegExp(`^${option.replace(/[()]/g, '\\$&')}`) }).click();
}

const israelOf = (board: AttributionBoard) => board.actors.find((a) => a.actor?.name === 'Israel');

describe('intake', () => {
  it('finds candidates in a seed document, accepts one with corrections, and the claim is on the board', async () => {
    const before = israelOf(await server.json<AttributionBoard>(`/events/${isfahanId}/attributions`));
    expect(before?.count).toBe(4);

    const page = await browser.open('#/intake');
    await enterKey(page, server.ctx.keys.editor);
    await page.getByLabel('Find a source by title').fill('Drones Hit');
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByRole('link', { name: DOC_A }).click();
    await page.getByRole('heading', { level: 1, name: `Intake: ${DOC_A}` }).waitFor();

    await page.getByRole('button', { name: 'Find candidates' }).click();
    const listed = page.locator('ol.cand-list button');
    await listed.first().waitFor();

    // Every candidate is marked in the text at its offsets.
    // What the page shows by default: the candidates POST proposes (confidence 0.5 and up).
    const candidates = await server.json<ListPage<Candidate>>(
      `/candidates?source=${docAId}&minConfidence=0.5&limit=100`,
    );
    expect(candidates.data.length).toBeGreaterThan(0);
    expect(await page.locator('mark.cand-quote').count()).toBeGreaterThanOrEqual(candidates.data.length);
    expect(await listed.count()).toBe(candidates.data.filter((c) => c.status === 'pending').length);

    // The Telegram channels' blame of Israel.
    const blame = candidates.data.find(
      (c) =>
        c.quote.exact.includes('sophisticated attacks') &&
        c.attributions.some((a) => a.actor?.name === 'Israel' && a.position === 'asserts'),
    );
    expect(blame, JSON.stringify(candidates.data.map((c) => c.quote.exact))).toBeDefined();
    const target = blame as Candidate;
    await page.goto(`${server.baseUrl}/#/intake/${docAId}?candidate=${target.id}`);
    const form = page.locator('article.cand-form');
    await form.getByRole('heading', { name: new RegExp(`^Candidate ${target.id}\\b`) }).waitFor();
    // Its quote is marked in the text at its code-point offsets (in as many pieces as other marks cut it).
    expect((await page.locator('mark.current-quote').allTextContents()).join('')).toBe(target.quote.exact);

    // Corrections: the claimant from the search box, the stance, the event.
    await pick(page, 'Claimant', 'Local Telegram', TELEGRAM);
    await page.getByLabel('Stance').selectOption('asserts');
    await pick(page, 'Event', 'Isfahan', ISFAHAN);

    // Accept with the keyboard shortcut (not while typing in a field).
    await form.getByRole('heading', { level: 3 }).click();
    await page.keyboard.press('a');
    const accepted = page.locator('p.decided');
    await accepted.filter({ hasText: `Candidate ${target.id} accepted as claim` }).waitFor();
    const claimId = Number(/as claim (\d+)/.exec(await accepted.innerText())?.[1]);

    const claim = await server.json<Claim>(`/claims/${claimId}`);
    expect(claim.claimant?.name).toBe(TELEGRAM);
    expect(claim.event?.id).toBe(isfahanId);
    expect(claim.quote.exact).toBe(target.quote.exact);
    const stored = await server.json<Candidate>(`/candidates/${target.id}`);
    expect([stored.status, stored.claimId]).toEqual(['accepted', claimId]);

    // The board now counts it, and its cell lists the new claim.
    await page.goto(`${server.baseUrl}/#/events/${isfahanId}`);
    const row = page
      .locator('table.board-grid tbody tr')
      .filter({ has: page.getByRole('rowheader', { name: /^Israel\b/ }) });
    await row.waitFor();
    expect(await row.locator('td.row-total .count').innerText()).toBe('5 attributions');
    await row.locator('button.cell[data-position="asserts"]').click();
    const entries = page.locator('section.cell-entries');
    expect(await entries.locator(`a[href="#/claims/${claimId}"]`).count()).toBe(1);
    expect(israelOf(await server.json<AttributionBoard>(`/events/${isfahanId}/attributions`))?.count).toBe(5);
    expect(browser.problems()).toEqual([]);
  });

  it('rejects a candidate with a reason by keyboard, and moves between candidates with j and k', async () => {
    const page = await browser.open(`#/intake/${docAId}`);
    await enterKey(page, server.ctx.keys.editor);
    const form = page.locator('article.cand-form');
    const heading = form.getByRole('heading', { level: 3 });
    await heading.waitFor();
    const first = await heading.innerText();

    await heading.click();
    await page.keyboard.press('j');
    await expect.poll(() => heading.innerText()).not.toBe(first);
    await page.keyboard.press('k');
    await expect.poll(() => heading.innerText()).toBe(first);

    const id = Number(/^Candidate (\d+)/.exec(first)?.[1]);
    await page.keyboard.press('r');
    expect(await page.evaluate('document.activeElement.id')).toBe('reject-reason');
    await page.keyboard.type('Background, not a statement about the attack');
    await page.keyboard.press('Enter');
    await expect
      .poll(async () => (await server.json<Candidate>(`/candidates/${id}`)).status)
      .toBe('rejected');
    const stored = await server.json<Candidate>(`/candidates/${id}`);
    expect(stored.reason).toBe('Background, not a statement about the attack');

    // The rejected one leaves the pending list; the form moved on to the next pending candidate.
    await expect
      .poll(() => page.locator('p.decided').innerText())
      .toBe(`Candidate ${id} rejected: Background, not a statement about the attack.`);
    await expect.poll(() => heading.innerText()).not.toBe(first);
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it('is read-only without a key', async () => {
    const page = await browser.open(`#/intake/${docAId}`);
    await page
      .getByRole('note')
      .filter({ hasText: /^Read-only/ })
      .waitFor();
    expect(await page.getByRole('button', { name: /^Find candidates/ }).isDisabled()).toBe(true);
    const form = page.locator('article.cand-form');
    if (await form.count()) {
      expect(await form.getByRole('button', { name: 'Accept' }).isDisabled()).toBe(true);
    }
  });
});
