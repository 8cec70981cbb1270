import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from './helpers/app.js';
import { createClaim, createEvent, createSource } from './helpers/factories.js';

let ctx: TestContext;
beforeEach(async () => {
  ctx = await buildTestApp();
});
afterEach(async () => {
  await ctx.close();
});

const order = async (eventId: number) =>
  (await ctx.api.get(`/events/${eventId}/timeline`)).body.data.map(
    (e: { claim: { id: number } }) => e.claim.id,
  );

describe('timeline order follows later edits', () => {
  it('re-orders when a source’s publishedAt or a claim’s statedAt changes', async () => {
    const event = await createEvent(ctx.api);
    const early = await createSource(ctx.api, { title: 'Early', publishedAt: '2023-01-29T08:00:00Z' });
    const late = await createSource(ctx.api, { title: 'Late', publishedAt: '2023-01-30T08:00:00Z' });
    const a = await createClaim(ctx.api, { sourceId: late.id, eventId: event.id });
    const b = await createClaim(ctx.api, { sourceId: early.id, eventId: event.id });
    expect(await order(event.id)).toEqual([b.id, a.id]);

    await ctx.api.patch(`/sources/${late.id}`).send({ publishedAt: '2023-01-28T08:00:00Z' }).expect(200);
    expect(await order(event.id)).toEqual([a.id, b.id]);

    await ctx.api.patch(`/claims/${b.id}`).send({ statedAt: '2023-01-27T23:30:00+03:30' }).expect(200);
    expect(await order(event.id)).toEqual([b.id, a.id]);

    await ctx.api.patch(`/sources/${early.id}`).send({ publishedAt: null }).expect(200);
    await ctx.api.patch(`/claims/${b.id}`).send({ statedAt: null }).expect(200);
    const timeline = (await ctx.api.get(`/events/${event.id}/timeline`)).body.data;
    expect(timeline.map((e: { claim: { id: number } }) => e.claim.id)).toEqual([a.id, b.id]);
    expect(timeline[1]).toMatchObject({ at: null, basis: null, precision: null });
  });
});
