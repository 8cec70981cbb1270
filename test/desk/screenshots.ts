// `npm run desk:screenshots`: the README's pictures of the desk, taken from the real service on the seeded
// case in the same headless Chromium as the browser tests. Writes docs/screenshots/*.png.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { launchDesk, startDeskServer } from '../helpers/desk.js';

const OUT = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
mkdirSync(OUT, { recursive: true });

const server = await startDeskServer();
const browser = await launchDesk(server.baseUrl);
const shot = async (page: Page, name: string, what?: string, fullPage = false) => {
  await page.waitForLoadState('networkidle');
  const path = join(OUT, `${name}.png`);
  if (what) await page.locator(what).screenshot({ path });
  else await page.screenshot({ path, fullPage });
  console.log(`wrote ${path}`);
};
const first = async <T>(path: string) => (await server.json<{ data: T[] }>(path)).data[0] as T;

try {
  const event = await first<{ id: number }>(
    `/events?q=${encodeURIComponent('Ministry of Defence facility')}`,
  );
  const source = await first<{ id: number }>(`/sources?q=${encodeURIComponent('Drones Hit Multiple')}`);

  // The board, with the Israel Defense Forces' no-comment opened.
  const board = await browser.open(`#/events/${event.id}`, { width: 1280, height: 1000 });
  await board.locator('button.cell[data-position="declines_to_comment"]').click();
  await board.locator('section.cell-entries li.entry').waitFor();
  await shot(board, 'board', 'section.board');
  // The timeline, its list opened: document B's headline and lede are one statement of one origin.
  await board.locator('details.timeline-list summary').click();
  await shot(board, 'timeline', 'section.timeline');

  // A claim: the ministry's statement as IRNA carried it, highlighted in document A.
  const claims = await server.json<{ data: { id: number; reportedVia: unknown[] }[] }>(
    `/claims?source=${source.id}&limit=100`,
  );
  const relayed = claims.data.find((c) => c.reportedVia.length > 0) ?? claims.data[0];
  const claim = await browser.open(`#/claims/${relayed?.id}`, { width: 1280, height: 1250 });
  await claim.locator('.source-text mark.quote').waitFor();
  await shot(claim, 'claim');

  // Intake: reviewing the candidates of document A, the Telegram channels' blame of Israel in the form.
  const intake = await browser.open(`#/intake/${source.id}`, { width: 1280, height: 1000 });
  await intake.locator('.key-panel summary').click();
  await intake.getByLabel('API key').fill(server.ctx.keys.editor);
  await intake.getByRole('button', { name: 'Use key' }).click();
  await intake.getByText('API key in use').waitFor();
  await intake.getByRole('button', { name: /^Find candidates/ }).click();
  await intake.locator('ol.cand-list button').first().waitFor();
  await intake.locator('ol.cand-list button', { hasText: 'sophisticated attack' }).click();
  await intake.getByRole('combobox', { name: 'Event' }).fill('Isfahan');
  await intake.getByRole('option', { name: /^Drone attack on a Ministry of Defence facility/ }).click();
  await intake.locator('article.cand-form h3').click();
  await shot(intake, 'intake', undefined, true);
  // Phone width.
  const phone = await browser.open(`#/events/${event.id}`, { width: 390, height: 844 });
  await phone.locator('button.cell[data-position="declines_to_comment"]').click();
  await phone.locator('section.cell-entries li.entry').waitFor();
  await shot(phone, 'phone', 'section.board');

  const problems = browser.problems();
  if (problems.length > 0) throw new Error(problems.join('\n'));
} finally {
  await browser.close();
  await server.close();
}
