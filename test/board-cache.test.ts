import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { buildTestApp, type Json, type TestContext, useFreshApp } from './helpers/app.js';
import {
  createActor,
  createAttribution,
  createClaim,
  createClaimLink,
  createEvent,
  createSource,
} from './helpers/factories.js';

// The attribution board is kept until a committed write touches what it was computed from. The
// `Cache-Status` header (RFC 9211) says whether an answer came from the cache.

const ctx = useFreshApp();

/** Two events, each with a board: Israel blamed through a relayed claim in a copied source. */
async function twoBoards(on: TestContext = ctx) {
  const israel = await createActor(on.api, { name: 'Israel', kind: 'state' });
  const channel = await createActor(on.api, { name: 'Channel', kind: 'social_channel' });
  const agency = await createActor(on.api, { name: 'Agency', kind: 'media_outlet' });
  const publisher = await createActor(on.api, { name: 'Publisher', kind: 'media_outlet' });
  const original = await createSource(on.api, { title: 'Original', publisherId: publisher.id });
  const copy = await createSource(on.api, { title: 'Copy', copyOfId: original.id });
  const event = await createEvent(on.api, { title: 'Isfahan' });
  const other = await createEvent(on.api, { title: 'Tabriz' });
  const claim = await createClaim(on.api, {
    sourceId: copy.id,
    claimantId: channel.id,
    reportedViaIds: [agency.id],
    eventId: event.id,
  });
  const otherClaim = await createClaim(on.api, { sourceId: original.id, eventId: other.id });
  const attribution = await createAttribution(on.api, {
    eventId: event.id,
    actorId: israel.id,
    claimId: claim.id,
  });
  await createAttribution(on.api, { eventId: other.id, actorId: israel.id, claimId: otherClaim.id });
  return { israel, channel, agency, publisher, original, copy, event, other, claim, otherClaim, attribution };
}

async function status(eventId: number, on: TestContext = ctx): Promise<'hit' | 'miss'> {
  const res = await on.api.get(`/events/${eventId}/attributions`);
  expect(res.status).toBe(200);
  const header = String(res.headers['cache-status']);
  expect(header).toMatch(/^claimledger; (hit|fwd=miss; stored)$/);
  return header === 'claimledger; hit' ? 'hit' : 'miss';
}

/** Both boards computed and kept. */
async function warm(t: Awaited<ReturnType<typeof twoBoards>>, on: TestContext = ctx) {
  await status(t.event.id, on);
  await status(t.other.id, on);
  expect(await status(t.event.id, on)).toBe('hit');
  expect(await status(t.other.id, on)).toBe('hit');
}

describe('the board cache', () => {
  it('is dropped by nothing that was refused or rolled back, whatever the method', async () => {
    const t = await twoBoards();
    await warm(t);
    const body = { eventId: t.event.id, actorId: t.israel.id, claimId: t.otherClaim.id, position: 'asserts' };
    const refused = [
      await ctx.anonymous.post('/attributions').send(body),
      await ctx.anonymous.patch(`/actors/${t.israel.id}`).send({ name: 'Nobody' }),
      await ctx.api.post('/attributions').set('authorization', `Bearer ${ctx.keys.reader}`).send(body),
      await ctx.api.delete(`/actors/${t.israel.id}`).set('authorization', `Bearer ${ctx.keys.editor}`),
      await ctx.api.post('/attributions').send({ ...body, position: 'blames' }),
      await ctx.api.post('/attributions').send({ ...body, claimId: 424242 }),
      await ctx.api.post('/attributions').send({ ...body, position: 'no_attribution' }),
      await ctx.api.patch(`/claims/${t.claim.id}`).send({ quote: { exact: 'not in the text' } }),
      await ctx.api.delete(`/claims/${t.claim.id}`),
      await ctx.api.patch('/actors/424242').send({ name: 'Nobody' }),
    ];
    expect(refused.map((r) => r.status)).toEqual([401, 401, 403, 403, 400, 422, 422, 422, 409, 404]);
    expect(await status(t.event.id)).toBe('hit');
    expect(await status(t.other.id)).toBe('hit');
  });

  it('is kept through writes that touch nothing it was made from', async () => {
    const t = await twoBoards();
    await warm(t);
    const source = await createSource(ctx.api, { title: 'Unrelated' });
    const actor = await createActor(ctx.api, { name: 'Unrelated', kind: 'person' });
    const claim = await createClaim(ctx.api, { sourceId: source.id, claimantId: actor.id });
    await createClaimLink(ctx.api, {
      fromClaimId: claim.id,
      toClaimId: t.otherClaim.id,
      relation: 'corroborates',
    });
    await createEvent(ctx.api, { title: 'Another day' });
    expect((await ctx.api.post('/keys').send({ role: 'reader', label: 'Desk' })).status).toBe(201);
    expect(await status(t.event.id)).toBe('hit');
  });

  it('drops only the boards a committed write touched: attributions, claims, links, sources, actors, events', async () => {
    const t = await twoBoards();
    const touches: [string, () => Promise<unknown>][] = [
      [
        'a new attribution',
        () => createAttribution(ctx.api, { eventId: t.event.id, actorId: t.channel.id, claimId: t.claim.id }),
      ],
      [
        'the claim’s text',
        () => ctx.api.patch(`/claims/${t.claim.id}`).send({ text: 'Edited.' }).expect(200),
      ],
      [
        'the actor held responsible',
        () => ctx.api.patch(`/actors/${t.israel.id}`).send({ name: 'State of Israel' }).expect(200),
      ],
      [
        'the claimant’s parent',
        () => ctx.api.patch(`/actors/${t.channel.id}`).send({ parentId: t.agency.id }).expect(200),
      ],
      [
        'a relay of the chain',
        () => ctx.api.patch(`/actors/${t.agency.id}`).send({ name: 'IRNA' }).expect(200),
      ],
      [
        'the copied source’s title',
        () => ctx.api.patch(`/sources/${t.copy.id}`).send({ title: 'Copy, edited' }).expect(200),
      ],
      [
        'the original’s publisher',
        () => ctx.api.patch(`/actors/${t.publisher.id}`).send({ name: 'Wire' }).expect(200),
      ],
      [
        'a repeats link',
        () =>
          createClaimLink(ctx.api, {
            fromClaimId: t.otherClaim.id,
            toClaimId: t.claim.id,
            relation: 'repeats',
          }),
      ],
      [
        'the event’s parties',
        () =>
          ctx.api
            .patch(`/events/${t.event.id}`)
            .send({ parties: [{ actorId: t.israel.id, role: 'accused' }] })
            .expect(200),
      ],
      [
        'a retraction',
        () =>
          ctx.api
            .post(`/attributions/${t.attribution.id}/retraction`)
            .send({ reason: 'Misread.' })
            .expect(200),
      ],
    ];
    await warm(t);
    for (const [what, write] of touches) {
      await write();
      expect(await status(t.event.id), what).toBe('miss');
      expect(await status(t.event.id), what).toBe('hit');
    }
    // Of all these, only the link, the actor renames and the publisher reach the other event's board.
    await status(t.other.id);
    await ctx.api.patch(`/claims/${t.claim.id}`).send({ text: 'Edited again.' }).expect(200);
    expect(await status(t.other.id)).toBe('miss');
    await ctx.api.patch(`/sources/${t.copy.id}`).send({ title: 'Copy, third title' }).expect(200);
    expect(await status(t.other.id)).toBe('hit');
  });

  it('shows what the write changed, right after it', async () => {
    const t = await twoBoards();
    await warm(t);
    await ctx.api.patch(`/actors/${t.israel.id}`).send({ name: 'State of Israel' }).expect(200);
    const board: Json = (await ctx.api.get(`/events/${t.event.id}/attributions`)).body;
    expect(board.actors[0].actor.name).toBe('State of Israel');
  });
});

describe('the board cache and other connections', () => {
  it('drops the boards when another connection commits (a command-line tool, another process)', async () => {
    const disk = await buildTestApp({ onDisk: true });
    try {
      const t = await twoBoards(disk);
      await warm(t, disk);
      const other = new Database(disk.databasePath);
      try {
        other.prepare('UPDATE actors SET name = ? WHERE id = ?').run('Renamed elsewhere', t.israel.id);
      } finally {
        other.close();
      }
      expect(await status(t.event.id, disk)).toBe('miss');
      const board: Json = (await disk.api.get(`/events/${t.event.id}/attributions`)).body;
      expect(board.actors[0].actor.name).toBe('Renamed elsewhere');
      expect(await status(t.other.id, disk)).toBe('miss');
      expect(await status(t.other.id, disk)).toBe('hit');
    } finally {
      await disk.close();
    }
  });
});
