import { describe, expect, it } from 'vitest';
import { type Json, useFreshApp } from './helpers/app.js';
import { createActor, createClaim, createClaimLink, createEvent, createSource } from './helpers/factories.js';

const ctx = useFreshApp();

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

describe('timeline entries of one origin that repeat the same statement are grouped', () => {
  const SENTENCE = 'Three drones were shot down over Isfahan, the ministry said.';
  const ref = (s: Json) => ({ id: s.id, title: s.title, url: s.url, publishedAt: s.publishedAt });

  /** An AP story reprinted twice (later), the ministry's words in each, and things that are not the same. */
  async function wireCase() {
    const event = await createEvent(ctx.api);
    const ap = await createActor(ctx.api, { name: 'AP', kind: 'media_outlet' });
    const paper = await createActor(ctx.api, { name: 'Daily', kind: 'media_outlet' });
    const ministry = await createActor(ctx.api, { name: 'Ministry', kind: 'government_body' });
    const other = await createActor(ctx.api, { name: 'Governor', kind: 'person' });
    const text = `${SENTENCE} The governor said the damage was minor.`;
    const wire = await createSource(ctx.api, {
      title: 'AP wire',
      publisherId: ap.id,
      text,
      publishedAt: '2023-01-29T06:00:00Z',
      publishedAtPrecision: 'hour',
    });
    const copy = (title: string, publishedAt: string) =>
      createSource(ctx.api, {
        title,
        publisherId: paper.id,
        copyOfId: wire.id,
        text: `From AP: ${text.replaceAll(',', ' -')}`,
        publishedAt,
        publishedAtPrecision: 'day',
      });
    // The second reprint is recorded first, so that time and not creation order decides which comes first.
    const copy2 = await copy('Evening reprint', '2023-01-30T00:00:00Z');
    const copy1 = await copy('Morning reprint', '2023-01-29T00:00:00Z');
    const said = (sourceId: number, quote: string, claimantId = ministry.id) =>
      createClaim(ctx.api, {
        sourceId,
        eventId: event.id,
        claimantId,
        text: 'Three drones were shot down.',
        quote: { exact: quote },
      });
    const inCopy2 = await said(copy2.id, 'Three drones were shot down over Isfahan - the ministry said');
    const inWire = await said(wire.id, SENTENCE);
    const inCopy1 = await said(copy1.id, 'Three drones were shot down over Isfahan - the ministry said');
    // Same copy family, another statement; and the same words by another claimant.
    const governor = await said(copy1.id, 'The governor said the damage was minor', other.id);
    const notSame = await said(copy2.id, 'Three drones were shot down over Isfahan', other.id);
    return { event, wire, copy1, copy2, inWire, inCopy1, inCopy2, governor, notSame };
  }

  const timeline = async (eventId: number, query: Record<string, string> = {}) => {
    const res = await ctx.api.get(`/events/${eventId}/timeline`).query(query);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };

  it('shows the wire story’s statement once, at its earliest time, with where else it appeared', async () => {
    const t = await wireCase();
    const body = await timeline(t.event.id);
    expect(body.data.map((e: Json) => e.claim.id)).toEqual([t.inCopy1.id, t.governor.id, t.notSame.id]);
    // The morning reprint is dated to the day (midnight), before the wire's 06:00.
    const [first] = body.data;
    expect(first).toMatchObject({ at: '2023-01-29T00:00:00.000Z', basis: 'publishedAt', precision: 'day' });
    expect(first.alsoAppearedIn).toEqual([
      {
        claimId: t.inWire.id,
        at: '2023-01-29T06:00:00.000Z',
        precision: 'hour',
        source: ref(t.wire),
        via: 'copy',
      },
      {
        claimId: t.inCopy2.id,
        at: '2023-01-30T00:00:00.000Z',
        precision: 'day',
        source: ref(t.copy2),
        via: 'copy',
      },
    ]);
    expect(body.data[1].alsoAppearedIn).toEqual([]);

    // Ungrouped, every claim is listed.
    const all = await timeline(t.event.id, { groupRepeats: 'false' });
    expect(all.data.map((e: Json) => e.claim.id)).toEqual([
      t.inCopy1.id,
      t.governor.id,
      t.inWire.id,
      t.inCopy2.id,
      t.notSame.id,
    ]);
    expect(all.data.every((e: Json) => e.alsoAppearedIn.length === 0)).toBe(true);
  });

  it('groups claims linked by repeats, and pages over the grouped entries only', async () => {
    const t = await wireCase();
    const source = await createSource(ctx.api, {
      title: 'Later',
      text: 'Again: the drones were shot down.',
      publishedAt: '2023-02-01T00:00:00Z',
    });
    const restated = await createClaim(ctx.api, {
      sourceId: source.id,
      eventId: t.event.id,
      quote: { exact: 'the drones were shot down' },
    });
    await createClaimLink(ctx.api, { fromClaimId: restated.id, toClaimId: t.inWire.id, relation: 'repeats' });
    const body = await timeline(t.event.id);
    expect(body.data.map((e: Json) => e.claim.id)).toEqual([t.inCopy1.id, t.governor.id, t.notSame.id]);
    expect(body.data[0].alsoAppearedIn.map((a: Json) => [a.claimId, a.via])).toEqual([
      [t.inWire.id, 'copy'],
      [t.inCopy2.id, 'copy'],
      [restated.id, 'repeats'],
    ]);

    const ids: number[] = [];
    let page = await timeline(t.event.id, { limit: '1' });
    for (let n = 0; ; n++) {
      expect(n).toBeLessThan(10);
      ids.push(...page.data.map((e: Json) => e.claim.id));
      if (!page.nextCursor) break;
      page = await timeline(t.event.id, { limit: '1', cursor: page.nextCursor });
    }
    expect(ids).toEqual([t.inCopy1.id, t.governor.id, t.notSame.id]);
  });
});
