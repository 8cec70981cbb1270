import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AttributionBoard,
  Claim,
  Page as ListPage,
  Provenance,
  SearchHit,
  TimelineEntry,
} from '../../src/desk/app/api/types.js';
import { codePointLength, sliceCodePoints } from '../../src/desk/app/lib/codepoints.js';
import { PROBLEMS } from '../../src/errors.js';
import {
  type DeskBrowser,
  type DeskServer,
  launchDesk,
  seriousAxeViolations,
  startDeskServer,
} from '../helpers/desk.js';
import {
  createActor,
  createAttribution,
  createClaim,
  createEvent,
  createSource,
} from '../helpers/factories.js';

// The desk in a real headless Chromium against the real service on the seeded Isfahan case. One browser
// for the file; each test opens its own tab (its own session storage, so no key carries over).

let server: DeskServer;
let browser: DeskBrowser;
let isfahanId: number;
let docA: { id: number; claimId: number };

beforeAll(async () => {
  server = await startDeskServer();
  browser = await launchDesk(server.baseUrl);
  const events = await server.json<ListPage<{ id: number; title: string }>>('/events?q=Isfahan&limit=50');
  const isfahan = events.data.find(
    (e) => e.title === 'Drone attack on a Ministry of Defence facility in Isfahan',
  );
  if (!isfahan) throw new Error('the seeded Isfahan event is missing');
  isfahanId = isfahan.id;
  const sources = await server.json<ListPage<{ id: number }>>(
    `/sources?q=${encodeURIComponent('Drones Hit Multiple Military Targets')}`,
  );
  const sourceId = sources.data[0]?.id as number;
  const claims = await server.json<ListPage<Claim>>(`/claims?source=${sourceId}&limit=1`);
  docA = { id: sourceId, claimId: claims.data[0]?.id as number };
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const PHONE = { width: 390, height: 844 };

async function expectAccessible(page: Page) {
  expect(await seriousAxeViolations(page)).toEqual([]);
}

async function openIsfahanBoard(page: Page) {
  await page.getByLabel('Find an event by title').fill('Isfahan');
  await page.getByRole('button', { name: 'Find' }).click();
  await page.getByRole('link', { name: 'Drone attack on a Ministry of Defence facility in Isfahan' }).click();
  await page.locator('table.board-grid').waitFor();
}

const israelRow = (page: Page) =>
  page
    .locator('table.board-grid tbody tr')
    .filter({ has: page.getByRole('rowheader', { name: /^Israel\b/ }) });

describe('the attribution board', () => {
  it('shows Israel with 4 attributions on 3 origins and the IDF’s no-comment as an interested party', async () => {
    const page = await browser.open('#/events');
    await openIsfahanBoard(page);
    expect(page.url()).toContain(`#/events/${isfahanId}`);

    const row = israelRow(page);
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.locator('td.row-total').innerText()).toMatch(/^4 attributions\s+on 3 origins$/);

    // Copies collapse: document B's headline and lede are one origin.
    const asserts = row.locator('button.cell[data-position="asserts"]');
    expect(await asserts.innerText()).toMatch(/^3 attributions\s+on 2 origins\s+copies collapse$/);

    const declines = row.locator('button.cell[data-position="declines_to_comment"]');
    expect(await declines.innerText()).toMatch(/^1 attribution\s+on 1 origin\s+⚑ 1 interested party$/);

    // The same figures as the API's own board.
    const board = await server.json<AttributionBoard>(`/events/${isfahanId}/attributions`);
    const israel = board.actors.find((a) => a.actor?.name === 'Israel');
    expect([israel?.count, israel?.independentOrigins]).toEqual([4, 3]);

    // A cell opens its entries; the IDF's entry is marked as an interested party (a body of the accused).
    await declines.click();
    expect(await declines.getAttribute('aria-expanded')).toBe('true');
    const panel = page.locator('section.cell-entries');
    await expect.poll(() => page.evaluate('document.activeElement.id')).toBe('cell-entries-heading');
    expect(await panel.getByRole('heading', { level: 3 }).innerText()).toBe('Israel: Declines to comment');
    const entry = panel.locator('li.entry');
    expect(await entry.count()).toBe(1);
    expect(await entry.locator('.speaker').innerText()).toBe('Israel Defense Forces');
    expect(await entry.locator('.chip.interested-party').innerText()).toBe('Interested party (accused)');
    expect(await entry.locator('blockquote').innerText()).toBe('The Israeli military declined to comment');

    await expectAccessible(page);
    expect(browser.problems()).toEqual([]);
  });

  it('passes rollUp and foldToTopLevel to the API as toggles, and the cells are keyboard reachable', async () => {
    const page = await browser.open(`#/events/${isfahanId}`);
    await israelRow(page).waitFor();

    const folded = page.waitForRequest((r) =>
      r.url().endsWith(`/events/${isfahanId}/attributions?foldToTopLevel=true`),
    );
    await page.getByLabel(/Count a speaker with its state as one origin/).check();
    await folded;
    expect(page.url()).toMatch(/foldToTopLevel=true$/);

    const rolled = page.waitForRequest((r) =>
      r.url().endsWith(`/events/${isfahanId}/attributions?rollUp=true&foldToTopLevel=true`),
    );
    await page.getByLabel(/Roll up: count bodies under an actor with it/).check();
    await rolled;
    expect(page.url()).toMatch(/rollUp=true&foldToTopLevel=true$/);
    await israelRow(page).waitFor();

    // Tab from the toggles into the grid: the first cell is a button that Enter opens.
    await page.getByLabel(/Roll up/).focus();
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate('document.activeElement.classList.contains("cell")')) break;
    }
    expect(await page.evaluate('document.activeElement.dataset.position')).toBe('asserts');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate('document.activeElement.id')).toBe('cell-entries-heading');
    // An unnamed group is an origin as reported somewhere: the channels, as document A reported them.
    expect(await page.locator('section.cell-entries > p.meta').innerText()).toContain(
      'Local Telegram channels (Iran), as reported in “Drones Hit Multiple Military Targets Across Iran”',
    );
    await page.getByRole('button', { name: 'Close' }).click();
    expect(await page.evaluate('document.activeElement.dataset.position')).toBe('asserts');
    expect(browser.problems()).toEqual([]);
  });

  it('with the roll-up, names the body each entry held responsible and “show all” lists what the cell counts', async () => {
    // An event of the test's own: a state, a body under it and one under that, and an attribution naming no one.
    const api = server.ctx.api;
    const statements = Array.from(
      { length: 8 },
      (_, i) => `Statement ${i + 1}: the port blast was sabotage.`,
    );
    const event = await createEvent(api, { title: 'Blast at the port of Strelsau' });
    const state = await createActor(api, { name: 'Ruritania', kind: 'state' });
    const agency = await createActor(api, {
      name: 'Ruritanian Intelligence',
      kind: 'government_body',
      parentId: state.id,
    });
    const unit = await createActor(api, { name: 'Ruritanian Unit 9', kind: 'military', parentId: agency.id });
    const source = await createSource(api, { title: 'Harbour bulletin', text: statements.join('\n') });
    const claims = [];
    for (const exact of statements) {
      claims.push(await createClaim(api, { sourceId: source.id, eventId: event.id, quote: { exact } }));
    }
    const held = [state, state, state, agency, agency, unit, agency];
    for (const [i, actor] of held.entries()) {
      await createAttribution(api, { eventId: event.id, actorId: actor.id, claimId: claims[i].id });
    }
    const nobody = await createAttribution(api, {
      eventId: event.id,
      claimId: claims[7].id,
      position: 'no_attribution',
    });
    expect(nobody.actor).toBeNull();

    const page = await browser.open(`#/events/${event.id}`);
    const fetchedOne: string[] = [];
    page.on('request', (r) => {
      if (/\/attributions\/\d+(\?|$)/.test(new URL(r.url()).pathname)) fetchedOne.push(r.url());
    });
    const rowOf = (name: RegExp) =>
      page.locator('table.board-grid tbody tr').filter({ has: page.getByRole('rowheader', { name }) });

    // Without the roll-up each actor has its own row; the attribution naming no one has a row of its own, last.
    await rowOf(/^Ruritania\b/).waitFor();
    expect(await page.locator('table.board-grid tbody th[scope="row"]').allInnerTexts()).toEqual([
      'Ruritania\nstate',
      'Ruritanian Intelligence\ngovernment body',
      'Ruritanian Unit 9\nmilitary',
      'No one held responsible',
    ]);
    const noOne = rowOf(/^No one held responsible$/);
    const noOneCell = noOne.locator('button.cell[data-position="no_attribution"]');
    expect(await noOneCell.innerText()).toMatch(/^1 attribution\s+on 1 origin$/);
    expect(await noOne.locator('td.row-total').innerText()).toMatch(/^1 attribution\s+on 1 origin$/);
    await noOneCell.click();
    const panel = page.locator('section.cell-entries');
    expect(await panel.getByRole('heading', { level: 3 }).innerText()).toBe(
      'No one held responsible: Names no one',
    );
    expect(await panel.locator(`li.entry a[href="#/claims/${claims[7].id}"]`).count()).toBe(1);
    await expectAccessible(page);

    // Rolled up: one row for Ruritania counting all seven; the board shows five entries of its cell.
    await page.getByLabel(/Roll up: count bodies under an actor with it/).check();
    await expect.poll(() => page.locator('table.board-grid tbody tr').count()).toBe(2);
    const ruritania = rowOf(/^Ruritania\b/);
    const asserts = ruritania.locator('button.cell[data-position="asserts"]');
    await expect.poll(() => asserts.innerText()).toMatch(/^7 attributions\s+on 1 origin/);
    await asserts.click();
    const board = await server.json<AttributionBoard>(`/events/${event.id}/attributions?rollUp=true`);
    const shown = board.actors[0]?.positions.find((p) => p.position === 'asserts')?.entries ?? [];
    expect(shown.map((e) => e.heldActor?.name)).toEqual(held.slice(0, 5).map((a) => a.name));
    const entries = panel.locator('ol.entries').first().locator('li.entry');
    await expect.poll(() => entries.count()).toBe(5);
    // Each entry says which body it named, from the board's own heldActor.
    for (const [i, entry] of shown.entries()) {
      const chips = await entries.nth(i).locator('.flags .chip').allInnerTexts();
      const named = entry.heldActor?.id === state.id ? [] : [`names ${entry.heldActor?.name}`];
      expect(chips.filter((c) => c.startsWith('names '))).toEqual(named);
    }

    // “Show all” lists the seven the cell counts, the bodies under Ruritania included.
    await panel.getByRole('button', { name: 'Show all 7 attributions (2 more)' }).click();
    await panel.getByText('7 attributions, to Ruritania and the bodies under it, oldest first.').waitFor();
    const all = panel.locator('ol.entries').nth(1).locator('li.entry');
    expect(await all.count()).toBe(7);
    for (const [i, actor] of held.entries()) {
      const item = all.nth(i);
      expect(await item.locator(`a[href="#/claims/${claims[i].id}"]`).count()).toBe(1);
      expect(await item.locator('.chip', { hasText: /^names / }).allInnerTexts()).toEqual(
        actor.id === state.id ? [] : [`names ${actor.name}`],
      );
    }
    // The no-one row stays with the roll-up, last.
    expect(await rowOf(/^No one held responsible$/).count()).toBe(1);

    expect(fetchedOne).toEqual([]);
    await expectAccessible(page);
    expect(browser.problems()).toEqual([]);
  });

  it('draws the timeline as the server groups it: one mark per entry, repeats counted on it', async () => {
    const page = await browser.open(`#/events/${isfahanId}`);
    const marks = page.locator('svg.timeline-chart a.mark');
    await marks.first().waitFor();
    const timeline = await server.json<ListPage<TimelineEntry>>(`/events/${isfahanId}/timeline?limit=100`);
    const every = await server.json<ListPage<TimelineEntry>>(
      `/events/${isfahanId}/timeline?limit=100&groupRepeats=false`,
    );
    // The seed has a statement repeated by one origin (document B's headline and lede): the server
    // groups it, and the desk draws what the server answers, not a grouping of its own.
    const repeated = timeline.data.filter((e) => e.alsoAppearedIn.length > 0);
    expect(repeated.length).toBeGreaterThan(0);
    expect(every.data.length).toBe(timeline.data.reduce((n, e) => n + 1 + e.alsoAppearedIn.length, 0));
    expect(await marks.count()).toBe(timeline.data.length);
    const speakers = new Set(
      timeline.data.map((e) =>
        e.claim.claimant ? `actor:${e.claim.claimant.id}` : `own:${e.claim.source.id}`,
      ),
    );
    expect(await page.locator('svg.timeline-chart text.row-label').count()).toBe(speakers.size);

    for (const entry of repeated) {
      const mark = page.locator(`svg.timeline-chart a.mark[href="#/claims/${entry.claim.id}"]`);
      expect(await mark.locator('text.copies').textContent()).toBe(String(1 + entry.alsoAppearedIn.length));
      const title = (await mark.locator('title').textContent()) as string;
      expect(title).toContain(`Appeared in ${1 + entry.alsoAppearedIn.length} places; also in: `);
      for (const a of entry.alsoAppearedIn) expect(title).toContain(a.source.title);
      // The copies are not marks of their own.
      for (const a of entry.alsoAppearedIn) {
        expect(await page.locator(`svg.timeline-chart a.mark[href="#/claims/${a.claimId}"]`).count()).toBe(0);
      }
    }
    expect(await page.locator('svg.timeline-chart text.copies').count()).toBe(repeated.length);

    // The list says where else each statement appeared, with a link to each appearance.
    await page.getByText('The timeline as a list').click();
    const first = repeated[0] as TimelineEntry;
    const item = page.locator('details.timeline-list li').filter({
      has: page.locator(`a[href="#/claims/${first.claim.id}"]`),
    });
    expect(await item.locator('p.meta').innerText()).toMatch(/^Also appeared in: /);
    for (const a of first.alsoAppearedIn) {
      expect(await item.locator(`p.meta a[href="#/claims/${a.claimId}"]`).innerText()).toBe(a.source.title);
    }

    const idf = marks.filter({
      has: page.locator('title', { hasText: /^Israel Defense Forces, declines to comment/ }),
    });
    expect(await idf.locator('circle').getAttribute('fill')).toBe('#6B6B6B');
    expect(await page.getByRole('list', { name: 'Stance colours' }).getByRole('listitem').count()).toBe(5);
    await expectAccessible(page);
  });
});

describe('a claim', () => {
  async function expectQuoteHighlighted(page: Page, claim: Claim) {
    const quote = page.locator('.source-text mark.quote');
    await quote.waitFor();
    expect(await quote.count()).toBe(1);
    expect(await quote.textContent()).toBe(claim.quote.exact);
    expect(await quote.getAttribute('data-start')).toBe(String(claim.quote.start));
    expect(await quote.getAttribute('data-end')).toBe(String(claim.quote.end));
    const context = page.locator('.source-text mark.context');
    expect(await context.allTextContents()).toEqual([claim.quote.prefix, claim.quote.suffix].filter(Boolean));
  }

  it('highlights exactly the quote’s characters in the source, with its chain and links', async () => {
    const page = await browser.open(`#/events/${isfahanId}`);
    await israelRow(page).locator('button.cell[data-position="declines_to_comment"]').click();
    await page
      .locator('section.cell-entries')
      .getByRole('link', { name: 'The Israeli military declined to comment.' })
      .click();
    await page.getByRole('heading', { level: 1, name: /^Claim \d+: Israel Defense Forces$/ }).waitFor();
    const claimId = Number(/#\/claims\/(\d+)/.exec(page.url())?.[1]);
    const provenance = await server.json<Provenance>(`/claims/${claimId}/provenance`);
    await expectQuoteHighlighted(page, provenance.claim);

    const steps = page.locator('ol.chain > li');
    expect(await steps.locator('.step-label').allInnerTexts()).toEqual(
      provenance.chain.map(
        (s) =>
          ({
            claimant: 'SAID BY',
            relay: 'REPORTED VIA',
            publisher: 'PUBLISHED BY',
            source: 'IN THE SOURCE',
          })[s.step],
      ),
    );
    const source = provenance.chain.find((s) => s.step === 'source')?.source;
    expect(await page.locator('code.hash').innerText()).toBe(source?.sha256);
    expect(await page.locator('.facts dd.verified').innerText()).toBe(
      'verifies: the stored text still hashes to this',
    );

    const related = page.getByRole('region', { name: 'Related claims' });
    const links = [...provenance.links.outgoing, ...provenance.links.incoming];
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) {
      expect(await related.getByRole('link', { name: link.claim.text }).count()).toBeGreaterThan(0);
    }
    expect(await page.locator('ol.history li').first().innerText()).toMatch(/create by seed isfahan-2023$/);
    await expectAccessible(page);
    expect(browser.problems()).toEqual([]);
  });

  it('counts offsets in code points, not UTF-16 units, around characters outside the BMP', async () => {
    const text = 'Report 🛰️ from 𝐓𝐞𝐡𝐫𝐚𝐧: officials said “the drones 🚁 came from the north” on Sunday. 🇮🇷';
    const exact = 'the drones 🚁 came from the north';
    const api = server.ctx.api;
    const source = await api.post('/sources').send({ title: 'Astral test', kind: 'news_article', text });
    expect(source.status).toBe(201);
    const created = await api.post('/claims').send({
      sourceId: source.body.id,
      text: 'The drones came from the north.',
      stance: 'asserts',
      modality: 'direct_quote',
      quote: { exact },
    });
    expect(created.status).toBe(201);
    const claim = created.body as Claim;
    // The test has teeth: UTF-16 slicing at the API's offsets would highlight other characters.
    expect(text.slice(claim.quote.start, claim.quote.end)).not.toBe(exact);
    expect(sliceCodePoints(text, claim.quote.start, claim.quote.end)).toBe(exact);
    expect(codePointLength(claim.quote.prefix)).toBeGreaterThan(0);

    const page = await browser.open(`#/claims/${claim.id}`);
    await expectQuoteHighlighted(page, claim);
    expect(await page.locator('mark.quote-inline').textContent()).toBe(exact);
  });

  it('shows an API error as its problem title and detail where the claim would be', async () => {
    const page = await browser.open('#/claims/999999');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    const problem = (await server.ctx.anonymous.get('/claims/999999/provenance')).body;
    expect(await alert.locator('.problem-title').innerText()).toBe(problem.title);
    expect(await alert.locator('.problem-detail').innerText()).toBe(problem.detail);
    expect(problem.title).toBe(PROBLEMS.CLAIM_NOT_FOUND.title);
  });
});

describe('the API key', () => {
  it('refuses a bad key with the problem’s title beside the key field, and keeps a good one for the tab', async () => {
    const page = await browser.open('#/events');
    await page.getByText('Read-only', { exact: true }).click();
    await page.getByLabel('API key').fill(`clk_000000000000_${'A'.repeat(43)}`);
    await page.getByRole('button', { name: 'Use key' }).click();
    const alert = page.locator('.key-panel').getByRole('alert');
    await alert.waitFor();
    expect(await alert.locator('.problem-title').innerText()).toBe(PROBLEMS.UNAUTHORIZED.title);
    expect(await alert.locator('.problem-detail').innerText()).toBe('The API key is unknown or revoked.');
    expect(await page.getByLabel('API key').getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate('sessionStorage.length')).toBe(0);

    const key = server.ctx.keys.editor;
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Use key' }).click();
    await page.getByText('API key in use').waitFor();
    expect(await page.evaluate("sessionStorage.getItem('claimledger.apiKey')")).toBe(key);

    // From now on the page's requests carry it.
    const sent = page.waitForRequest(
      (r) => r.url().includes('/events?') && r.headers().authorization === `Bearer ${key}`,
    );
    await page.getByLabel('Find an event by title').fill('Isfahan');
    await page.getByRole('button', { name: 'Find' }).click();
    await sent;

    // Another tab starts read-only: the key lives in this tab's session storage only.
    const other = await browser.open('#/events');
    await other.getByText('Read-only', { exact: true }).waitFor();
    await other.close();
  });
});

describe('search', () => {
  it('highlights exactly the matched words in each snippet', async () => {
    const page = await browser.open('#/search');
    await page.getByLabel('Words, a “phrase”, or a name').fill('drones');
    await page.getByRole('button', { name: 'Search' }).click();
    const hits = page.locator('li.hit');
    await hits.first().waitFor();
    const api = await server.json<ListPage<SearchHit>>('/search?q=drones&limit=20');
    expect(await hits.count()).toBe(api.data.length);
    for (const [i, hit] of api.data.slice(0, 5).entries()) {
      const marks = await hits.nth(i).locator('mark.hit-mark').allTextContents();
      expect(marks).toEqual(hit.highlights.map(([s, e]) => sliceCodePoints(hit.snippet, s, e)));
    }
    expect(page.url()).toContain('#/search?q=drones');
    await expectAccessible(page);
  });
});

describe('accessibility and phone width', () => {
  it('axe-core finds no serious or critical violation on any page', async () => {
    for (const hash of [
      '#/events',
      '#/intake',
      `#/intake/${docA.id}`,
      `#/sources/${docA.id}`,
      '#/search?q=ministry',
    ]) {
      const page = await browser.open(hash);
      await page.locator('h1').waitFor();
      await page.waitForLoadState('networkidle');
      expect(await seriousAxeViolations(page), hash).toEqual([]);
      await page.close();
    }
  });

  it('fits a phone: no sideways scrolling, the board stacks into a card per actor', async () => {
    const page = await browser.open('#/events', PHONE);
    await openIsfahanBoard(page);
    await page.locator('svg.timeline-chart').waitFor();
    const widths = (await page.evaluate(
      '[document.documentElement.scrollWidth, document.documentElement.clientWidth]',
    )) as [number, number];
    expect(widths[0]).toBeLessThanOrEqual(widths[1]);
    expect(await page.getByRole('link', { name: 'Intake' }).isVisible()).toBe(true);
    // Every position of Israel's row is on screen without scrolling sideways, each with its label.
    const declines = israelRow(page).locator('button.cell[data-position="declines_to_comment"]');
    const box = await declines.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= PHONE.width).toBe(true);
    expect(await israelRow(page).locator('td.row-total').getAttribute('data-label')).toBe('All positions');
    expect(await page.getByRole('columnheader', { name: 'Declines to comment' }).count()).toBe(1);
    await israelRow(page).locator('button.cell[data-position="declines_to_comment"]').click();
    await page.locator('section.cell-entries li.entry').waitFor();
    await expectAccessible(page);

    const claim = await browser.open(`#/claims/${docA.claimId}`, PHONE);
    await claim.locator('.source-text mark.quote').waitFor();
    expect(
      await claim.evaluate('document.documentElement.scrollWidth <= document.documentElement.clientWidth'),
    ).toBe(true);
    expect(browser.problems()).toEqual([]);
  });
});
