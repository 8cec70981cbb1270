import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AcceptCorrections,
  Attribution,
  AttributionBoard,
  Candidate,
  CandidateList,
  Claim,
  Page as ListPage,
} from '../../src/desk/app/api/types.js';
import { PROBLEMS } from '../../src/errors.js';
import {
  type DeskBrowser,
  type DeskServer,
  launchDesk,
  seriousAxeViolations,
  startDeskServer,
} from '../helpers/desk.js';

// Intake in a real headless Chromium on the seeded case: candidates found in a seed document, reviewed with
// their confidence, accepted with corrections (the attributions and relays filed included) or rejected.

const DOC_A = 'Drones Hit Multiple Military Targets Across Iran';
const DOC_B = 'Israel carries out drone strike in Iran in first move by far-right government';
const ISFAHAN = 'Drone attack on a Ministry of Defence facility in Isfahan';
const TELEGRAM = 'Local Telegram channels (Iran)';

let server: DeskServer;
let browser: DeskBrowser;
let isfahanId: number;
let docAId: number;
let docBId: number;

beforeAll(async () => {
  server = await startDeskServer();
  browser = await launchDesk(server.baseUrl);
  const events = await server.json<ListPage<{ id: number; title: string }>>('/events?q=Isfahan&limit=50');
  isfahanId = events.data.find((e) => e.title === ISFAHAN)?.id as number;
  const sources = await server.json<ListPage<{ id: number; title: string }>>(
    `/sources?q=${encodeURIComponent(DOC_A)}`,
  );
  docAId = sources.data.find((s) => s.title === DOC_A)?.id as number;
  const b = await server.json<ListPage<{ id: number; title: string }>>(
    `/sources?q=${encodeURIComponent(DOC_B)}`,
  );
  docBId = b.data.find((s) => s.title === DOC_B)?.id as number;
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

    const answered = page.waitForResponse(
      (r) => r.url().endsWith(`/sources/${docAId}/candidates`) && r.request().method() === 'POST',
    );
    await page.getByRole('button', { name: 'Find candidates' }).click();
    const run = (await (await answered).json()) as CandidateList;
    const listed = page.locator('ol.cand-list button');
    await listed.first().waitFor();

    // What the page shows by default is what the run proposed; the rest is a count and a way to see them.
    const pending = run.data.filter((c) => c.status === 'pending');
    expect(pending.length).toBeGreaterThan(0);
    expect(run.lowConfidence).toBeGreaterThan(0);
    expect(await page.locator('mark.cand-quote').count()).toBeGreaterThanOrEqual(run.data.length);
    expect(await listed.count()).toBe(pending.length);
    expect(await page.locator('p.run-result').innerText()).toBe(
      `${pending.length} candidates to review. ${run.lowConfidence} more found at low confidence: show them`,
    );
    // Each candidate shows its confidence.
    expect(await listed.locator('.confidence').allTextContents()).toEqual(
      pending.map((c) => `confidence ${c.confidence.toFixed(2)}`),
    );
    expect(await listed.locator('.confidence.low').count()).toBe(0);

    await page.getByRole('button', { name: 'show them' }).click();
    await expect.poll(() => listed.count()).toBe(pending.length + run.lowConfidence);
    expect(await page.getByLabel(/Include low-confidence candidates/).isChecked()).toBe(true);
    expect(await listed.locator('.confidence.low').count()).toBe(run.lowConfidence);
    expect(await page.locator('p.run-result').innerText()).toBe(`${pending.length} candidates to review.`);
    const every = await server.json<ListPage<Candidate>>(
      `/candidates?source=${docAId}&minConfidence=0&limit=100`,
    );
    expect(every.data.filter((c) => c.status === 'pending')).toHaveLength(pending.length + run.lowConfidence);

    // The Telegram channels' blame of Israel.
    const blame = run.data.find(
      (c) =>
        c.quote.exact.includes('sophisticated attacks') &&
        c.attributions.some((a) => a.actor?.name === 'Israel' && a.position === 'asserts'),
    );
    expect(blame, JSON.stringify(run.data.map((c) => c.quote.exact))).toBeDefined();
    const target = blame as Candidate;
    await page.goto(`${server.baseUrl}/#/intake/${docAId}?candidate=${target.id}`);
    const form = page.locator('article.cand-form');
    await form.getByRole('heading', { name: new RegExp(`^Candidate ${target.id}\\b`) }).waitFor();
    // Its quote is marked in the text at its code-point offsets (in as many pieces as other marks cut it).
    expect((await page.locator('mark.current-quote').allTextContents()).join('')).toBe(target.quote.exact);

    // Its confidence and the signals it is made of.
    expect(await form.locator('dt:text-is("Confidence") + dd').innerText()).toBe(
      `${target.confidence.toFixed(2)}: speaker ${target.signals.speaker.toFixed(2)} × story ${target.signals.story.toFixed(2)}`,
    );
    expect(await form.getByRole('list', { name: 'Signals' }).getByRole('listitem').allInnerTexts()).toContain(
      `share of the source’s subject: ${target.signals.subject.toFixed(2)}`,
    );
    // What accepting files: the proposed attribution, kept.
    const attributions = form.locator('fieldset.attr-drafts', { hasText: 'Attributions to file' });
    expect(await attributions.locator('legend').innerText()).toBe('Attributions to file (1 of 1)');
    const keep = attributions.getByRole('checkbox', {
      name: /^File attribution 1: Israel, holds responsible/,
    });
    expect(await keep.isChecked()).toBe(true);

    // Corrections: the claimant from the search box, the stance, the event.
    await pick(page, 'Claimant', 'Local Telegram', TELEGRAM);
    await page.getByLabel('Stance').selectOption('asserts');
    await pick(page, 'Event', 'Isfahan', ISFAHAN);

    // Accept with the keyboard shortcut (not while typing in a field).
    const sent = page.waitForRequest((r) => r.url().endsWith(`/candidates/${target.id}/accept`));
    await form.getByRole('heading', { level: 3 }).click();
    await page.keyboard.press('a');
    const israelId = target.attributions[0]?.actor?.id as number;
    expect((await sent).postDataJSON()).toMatchObject({
      attributions: [{ actorId: israelId, position: 'asserts', role: 'perpetrator' }],
    } satisfies AcceptCorrections);
    const accepted = page.locator('p.decided');
    await accepted.filter({ hasText: `Candidate ${target.id} accepted as claim` }).waitFor();
    const claimId = Number(/as claim (\d+)/.exec(await accepted.innerText())?.[1]);

    const claim = await server.json<Claim>(`/claims/${claimId}`);
    expect(claim.claimant?.name).toBe(TELEGRAM);
    expect(claim.event?.id).toBe(isfahanId);
    expect(claim.quote.exact).toBe(target.quote.exact);
    const stored = await server.json<Candidate>(`/candidates/${target.id}`);
    expect([stored.status, stored.claimId]).toEqual(['accepted', claimId]);
    const filed = await server.json<ListPage<Attribution>>(`/attributions?claim=${claimId}`);
    expect(filed.data.map((a) => [a.actor?.id, a.position, a.event.id])).toEqual([
      [israelId, 'asserts', isfahanId],
    ]);

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

  it('drops a proposed attribution before accepting (at phone width): the claim is filed without it', async () => {
    const before = israelOf(await server.json<AttributionBoard>(`/events/${isfahanId}/attributions`))?.count;
    const page = await browser.open(`#/intake/${docBId}`, { width: 390, height: 844 });
    await enterKey(page, server.ctx.keys.editor);
    await page.getByRole('button', { name: /^Find candidates/ }).click();
    await page
      .locator('ol.cand-list button', { hasText: 'The Israeli military declined to comment' })
      .click();
    const form = page.locator('article.cand-form');
    const attributions = form.locator('fieldset.attr-drafts', { hasText: 'Attributions to file' });
    const keep = attributions.getByRole('checkbox', {
      name: /^File attribution 1: Israel, declines to comment \(perpetrator\)/,
    });
    await keep.uncheck();
    expect(await attributions.locator('legend').innerText()).toBe('Attributions to file (0 of 1)');
    await pick(page, 'Event', 'Isfahan', ISFAHAN);
    // The review fits a phone: nothing scrolls sideways, and the form passes axe-core.
    expect(
      await page.evaluate('document.documentElement.scrollWidth <= document.documentElement.clientWidth'),
    ).toBe(true);
    expect(await seriousAxeViolations(page)).toEqual([]);

    const sent = page.waitForRequest((r) => /\/candidates\/\d+\/accept$/.test(r.url()));
    await form.getByRole('button', { name: 'Accept' }).click();
    expect((await sent).postDataJSON()).toMatchObject({ attributions: [] });
    const accepted = page.locator('p.decided');
    await accepted.filter({ hasText: /accepted as claim \d+/ }).waitFor();
    const claimId = Number(/as claim (\d+)/.exec(await accepted.innerText())?.[1]);

    const claim = await server.json<Claim>(`/claims/${claimId}`);
    expect([claim.claimant?.name, claim.event?.id]).toEqual(['Israel Defense Forces', isfahanId]);
    expect((await server.json<ListPage<Attribution>>(`/attributions?claim=${claimId}`)).data).toEqual([]);
    const after = israelOf(await server.json<AttributionBoard>(`/events/${isfahanId}/attributions`))?.count;
    expect(after).toBe(before);
    expect(browser.problems()).toEqual([]);
  });

  it('names an unknown relay in the service’s words, then files the chain with the relay picked', async () => {
    const all = await server.json<ListPage<Candidate>>(
      `/candidates?source=${docAId}&minConfidence=0&limit=100`,
    );
    const relayed = all.data.find(
      (c) => c.status === 'pending' && c.reportedVia.length === 1 && c.reportedVia[0]?.actor === null,
    );
    expect(
      relayed,
      'a candidate of document A reported via an outlet not on record by that name',
    ).toBeDefined();
    const target = relayed as Candidate;
    const words = target.reportedVia[0]?.text as string;

    const page = await browser.open(`#/intake/${docAId}?candidate=${target.id}`);
    await enterKey(page, server.ctx.keys.editor);
    const form = page.locator('article.cand-form');
    await form.getByRole('heading', { name: new RegExp(`^Candidate ${target.id}\\b`) }).waitFor();
    const relays = form.locator('fieldset.attr-drafts', { hasText: 'Reported via' });
    expect((await relays.locator('label.check').textContent())?.trim()).toBe(
      `Relay 1: an actor not yet known the text: “${words}”`,
    );

    // Accepting with the relay unknown: the service's problem, beside the Accept button.
    await form.getByRole('button', { name: 'Accept' }).click();
    const alert = form.getByRole('alert');
    await alert.waitFor();
    expect(await alert.locator('.problem-title').innerText()).toBe(PROBLEMS.CANDIDATE_NEEDS_CORRECTION.title);
    expect(await alert.locator('.problem-fields').innerText()).toContain(
      `body/reportedViaIds The relay "${words}" is not a known actor: send reportedViaIds.`,
    );
    expect((await server.json<Candidate>(`/candidates/${target.id}`)).status).toBe('pending');

    await pick(page, 'Relay 1', 'IRNA', 'Islamic Republic News Agency');
    await form.getByRole('button', { name: 'Accept' }).click();
    const accepted = page.locator('p.decided');
    await accepted.filter({ hasText: `Candidate ${target.id} accepted as claim` }).waitFor();
    const claimId = Number(/as claim (\d+)/.exec(await accepted.innerText())?.[1]);
    const claim = await server.json<Claim>(`/claims/${claimId}`);
    expect(claim.reportedVia.map((a) => a.name)).toEqual(['Islamic Republic News Agency']);
    expect(await seriousAxeViolations(page)).toEqual([]);
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

    // A key pressed straight after a step acts on the new candidate: the form that replaced the old
    // one listens from the moment it is drawn, not from the next frame.
    // (Written as page source: the tests are compiled without the DOM's types.)
    const straightAfterStep = await page.evaluate(`(async () => {
      const press = (key) =>
        document.body.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
      const heading = () => document.querySelector('article.cand-form h3')?.textContent ?? '';
      const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
      const before = heading();
      press('j');
      await tick();
      const moved = heading() !== before;
      press('k');
      await tick();
      return { moved, back: heading() === before };
    })()`);
    expect(straightAfterStep).toEqual({ moved: true, back: true });

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
