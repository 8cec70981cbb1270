import { describe, expect, it } from 'vitest';
import { expectProblem, useFreshApp } from './helpers/app.js';
import {
  createActor,
  createAttribution,
  createClaim,
  createEvent,
  createSource,
} from './helpers/factories.js';

const ctx = useFreshApp();

async function boardCase() {
  const israel = await createActor(ctx.api, { name: 'Israel', kind: 'state' });
  const channel = await createActor(ctx.api, { name: 'Telegram channel', kind: 'social_channel' });
  const event = await createEvent(ctx.api);
  const source = await createSource(ctx.api);
  const claim = await createClaim(ctx.api, {
    sourceId: source.id,
    claimantId: channel.id,
    eventId: event.id,
  });
  const attribution = await createAttribution(ctx.api, {
    eventId: event.id,
    actorId: israel.id,
    claimId: claim.id,
  });
  return { israel, event, claim, attribution };
}

describe('retraction', () => {
  it('retracts a claim: it stays readable, lists hide it unless asked, and the audit log records who and why', async () => {
    const { claim } = await boardCase();
    const res = await ctx.api.post(`/claims/${claim.id}/retraction`).send({ reason: 'Misattributed quote' });
    expect(res.status).toBe(200);
    expect(res.body.retraction).toEqual({
      retractedAt: expect.any(String),
      retractedBy: 'test admin',
      reason: 'Misattributed quote',
    });
    expect((await ctx.api.get(`/claims/${claim.id}`)).body.retraction).toEqual(res.body.retraction);
    expect((await ctx.api.get('/claims')).body.data).toEqual([]);
    const all = await ctx.api.get('/claims?includeRetracted=true');
    expect(all.body.data.map((c: { id: number }) => c.id)).toEqual([claim.id]);

    const history = (await ctx.api.get(`/claims/${claim.id}/history`)).body.data;
    expect(history.map((h: { operation: string }) => h.operation)).toEqual(['create', 'retract']);
    expect(history[1].before.retraction).toBeNull();
    expect(history[1].after.retraction.reason).toBe('Misattributed quote');
  });

  it('refuses to retract twice, a missing record, a reader key and a blank reason', async () => {
    const { claim } = await boardCase();
    await ctx.api.post(`/claims/${claim.id}/retraction`).send({ reason: 'Wrong' }).expect(200);
    const again = await ctx.api.post(`/claims/${claim.id}/retraction`).send({ reason: 'Wrong' });
    expectProblem(again, 409, 'ALREADY_RETRACTED', `/claims/${claim.id}/retraction`, {
      title: 'The record is already retracted',
      detail: `Claim ${claim.id} is already retracted.`,
    });
    expect((await ctx.api.post('/claims/424242/retraction').send({ reason: 'x' })).status).toBe(404);
    const reader = await ctx.anonymous
      .post(`/attributions/1/retraction`)
      .set('authorization', `Bearer ${ctx.keys.reader}`)
      .send({ reason: 'x' });
    expect(reader.status).toBe(403);
    const blank = await ctx.api.post('/attributions/1/retraction').send({ reason: '' });
    expect(blank.status).toBe(400);
    expect(blank.body.errors).toEqual([{ in: 'body', pointer: '/reason', message: expect.any(String) }]);
  });

  it('shows a retracted attribution on the board without counting it', async () => {
    const { israel, event, attribution } = await boardCase();
    const before = (await ctx.api.get(`/events/${event.id}/attributions`)).body.actors[0];
    expect(before.positions[0]).toMatchObject({
      position: 'asserts',
      count: 1,
      retracted: 0,
      independentOrigins: 1,
    });

    await ctx.api
      .post(`/attributions/${attribution.id}/retraction`)
      .send({ reason: 'Channel deleted the post' })
      .expect(200);
    const board = (await ctx.api.get(`/events/${event.id}/attributions`)).body.actors[0];
    expect(board.actor.id).toBe(israel.id);
    expect(board.count).toBe(0);
    expect(board.positions[0]).toMatchObject({
      position: 'asserts',
      count: 0,
      retracted: 1,
      independentOrigins: 0,
    });
    expect(board.positions[0].entries[0].retraction).toMatchObject({ reason: 'Channel deleted the post' });
    expect((await ctx.api.get('/attributions')).body.data).toEqual([]);
    expect((await ctx.api.get('/attributions?includeRetracted=true')).body.data).toHaveLength(1);
  });

  it('leaves retracted claims out of the timeline unless asked', async () => {
    const { event, claim } = await boardCase();
    await ctx.api.post(`/claims/${claim.id}/retraction`).send({ reason: 'Wrong' }).expect(200);
    expect((await ctx.api.get(`/events/${event.id}/timeline`)).body.data).toEqual([]);
    const all = await ctx.api.get(`/events/${event.id}/timeline?includeRetracted=true`);
    expect(all.body.data.map((e: { claim: { id: number } }) => e.claim.id)).toEqual([claim.id]);
  });
});

describe('the board at scale', () => {
  it('shows the first entries per position but counts them all, and says how many more there are', async () => {
    const { israel, event } = await boardCase();
    const source = await createSource(ctx.api, { title: 'Second story' });
    for (const name of ['Outlet A', 'Outlet B']) {
      const outlet = await createActor(ctx.api, { name, kind: 'media_outlet' });
      const claim = await createClaim(ctx.api, {
        sourceId: source.id,
        claimantId: outlet.id,
        eventId: event.id,
      });
      await createAttribution(ctx.api, { eventId: event.id, actorId: israel.id, claimId: claim.id });
    }
    const board = (await ctx.api.get(`/events/${event.id}/attributions?entries=1`)).body;
    const asserts = board.actors[0].positions[0];
    expect(asserts).toMatchObject({ count: 3, independentOrigins: 3, moreEntries: 2 });
    expect(asserts.entries).toHaveLength(1);
    expect(asserts.origins).toHaveLength(3);
    const none = (await ctx.api.get(`/events/${event.id}/attributions?entries=0`)).body.actors[0]
      .positions[0];
    expect(none).toMatchObject({ count: 3, entries: [], moreEntries: 3 });
    expect((await ctx.api.get(`/events/${event.id}/attributions?entries=101`)).status).toBe(400);
  });
});
