import { describe, expect, it } from 'vitest';
import { type Json, useFreshApp } from './helpers/app.js';
import {
  createActor,
  createAttribution,
  createClaim,
  createClaimLink,
  createEvent,
  createSource,
} from './helpers/factories.js';

// The board on the cases that real reporting brings: anonymous officials quoted by several outlets, a state
// outlet's own voice, blame put on an agency of a state, and a ministry that names nobody.

const ctx = useFreshApp();

const ref = (a: Json) => ({ id: a.id, name: a.name, kind: a.kind });

async function getBoard(eventId: number, query: Record<string, string> = {}): Promise<Json> {
  const res = await ctx.api.get(`/events/${eventId}/attributions`).query(query);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}
const rowOf = (board: Json, actorId: number | null) => {
  const row = board.actors.find((a: Json) => (a.actor?.id ?? null) === actorId);
  expect(row, `row of ${actorId}`).toBeDefined();
  return row;
};
const positionOf = (board: Json, actorId: number | null, position: string) =>
  rowOf(board, actorId).positions.find((p: Json) => p.position === position);

/** A source published by `publisher` whose text is `sentence`, and a claim quoting it. */
async function reported(
  publisher: Json,
  sentence: string,
  claim: Record<string, unknown>,
  source: Record<string, unknown> = {},
) {
  const s = await createSource(ctx.api, {
    title: `${publisher.name}: ${sentence.slice(0, 30)}`,
    publisherId: publisher.id,
    text: `${sentence} More to follow.`,
    ...source,
  });
  const c = await createClaim(ctx.api, {
    sourceId: s.id,
    text: sentence,
    quote: { exact: sentence },
    ...claim,
  });
  return { source: s, claim: c };
}

describe('unnamed groups count once per outlet that reported them', () => {
  const SAID = 'Israel carried out the strike, US officials said.';

  async function threeOutlets() {
    const us = await createActor(ctx.api, { name: 'United States', kind: 'state' });
    const israel = await createActor(ctx.api, { name: 'Israel', kind: 'state' });
    const officials = await createActor(ctx.api, {
      name: 'US officials',
      kind: 'group',
      parentId: us.id,
      aliases: ['U.S. officials'],
    });
    expect(officials.identifiable).toBe(false);
    const outlet = (name: string) => createActor(ctx.api, { name, kind: 'media_outlet' });
    const [wsj, nyt, reuters, jns, rferl, wp, ynet] = await Promise.all(
      [
        'The Wall Street Journal',
        'The New York Times',
        'Reuters',
        'JNS',
        'RFE/RL',
        'Wirtualna Polska',
        'Ynet',
      ].map(outlet),
    );
    const event = await createEvent(ctx.api, { title: 'Drone attack in Isfahan' });
    const claim = (via: Json | null) => ({
      claimantId: officials.id,
      eventId: event.id,
      reportedViaIds: via ? [via.id] : [],
    });
    // The WSJ's officials, printed by three papers; the NYT's, printed by one; Reuters' own, and a reprint of it.
    const viaWsj = [
      await reported(jns, SAID, claim(wsj)),
      await reported(rferl, SAID, claim(wsj)),
      await reported(wp, SAID, claim(wsj)),
    ];
    const viaNyt = await reported(ynet, SAID, claim(nyt));
    const ownReuters = await reported(reuters, SAID, claim(null));
    const reprint = await reported(wp, SAID, claim(null), { copyOfId: ownReuters.source.id });
    const all = [...viaWsj, viaNyt, ownReuters, reprint];
    for (const { claim: c } of all) {
      await createAttribution(ctx.api, { eventId: event.id, actorId: israel.id, claimId: c.id });
    }
    return { us, israel, officials, wsj, nyt, reuters, event, viaWsj, viaNyt, ownReuters, reprint };
  }

  it('makes the WSJ’s US officials printed by three papers one origin, the NYT’s another, Reuters’ own a third', async () => {
    const t = await threeOutlets();
    const asserts = positionOf(await getBoard(t.event.id, { entries: '10' }), t.israel.id, 'asserts');
    expect(asserts.count).toBe(6);
    expect(asserts.independentOrigins).toBe(3);
    expect(asserts.origins).toEqual([
      {
        key: `actor:${t.officials.id}@actor:${t.wsj.id}`,
        actor: ref(t.officials),
        reportedBy: ref(t.wsj),
        source: null,
        claimIds: t.viaWsj.map((r) => r.claim.id),
      },
      {
        key: `actor:${t.officials.id}@actor:${t.nyt.id}`,
        actor: ref(t.officials),
        reportedBy: ref(t.nyt),
        source: null,
        claimIds: [t.viaNyt.claim.id],
      },
      {
        // The same group in a copy and in its original: one origin, reported by the original's publisher.
        key: `actor:${t.officials.id}@actor:${t.reuters.id}`,
        actor: ref(t.officials),
        reportedBy: ref(t.reuters),
        source: null,
        claimIds: [t.ownReuters.claim.id, t.reprint.claim.id],
      },
    ]);
    const entry = asserts.entries.find((e: Json) => e.claim.id === t.reprint.claim.id);
    expect(entry.originKey).toBe(`actor:${t.officials.id}@actor:${t.reuters.id}`);

    // Folding to the top level folds the group into its state, never two outlets into one.
    const folded = positionOf(await getBoard(t.event.id, { foldToTopLevel: 'true' }), t.israel.id, 'asserts');
    expect(folded.origins.map((o: Json) => o.key)).toEqual([
      `actor:${t.us.id}@actor:${t.wsj.id}`,
      `actor:${t.us.id}@actor:${t.nyt.id}`,
      `actor:${t.us.id}@actor:${t.reuters.id}`,
    ]);
  });

  it('counts a group marked identifiable as one body, like a ministry, and unmarks it again', async () => {
    const t = await threeOutlets();
    const marked = await ctx.api.patch(`/actors/${t.officials.id}`).send({ identifiable: true });
    expect(marked.status).toBe(200);
    expect(marked.body.identifiable).toBe(true);
    let asserts = positionOf(await getBoard(t.event.id), t.israel.id, 'asserts');
    expect(asserts.independentOrigins).toBe(1);
    expect(asserts.origins[0]).toMatchObject({ key: `actor:${t.officials.id}`, reportedBy: null });

    expect((await ctx.api.patch(`/actors/${t.officials.id}`).send({ identifiable: false })).status).toBe(200);
    asserts = positionOf(await getBoard(t.event.id), t.israel.id, 'asserts');
    expect(asserts.independentOrigins).toBe(3);
  });

  it('names the group as reported in a source with no known publisher', async () => {
    const israel = await createActor(ctx.api, { name: 'Israel', kind: 'state' });
    const channels = await createActor(ctx.api, { name: 'Local Telegram channels', kind: 'group' });
    const event = await createEvent(ctx.api);
    const text = 'Local Telegram channels blamed Israel.';
    const leaflet = await createSource(ctx.api, { title: 'Leaflet', text });
    const claim = await createClaim(ctx.api, {
      sourceId: leaflet.id,
      claimantId: channels.id,
      eventId: event.id,
      quote: { exact: text },
    });
    await createAttribution(ctx.api, { eventId: event.id, actorId: israel.id, claimId: claim.id });
    const asserts = positionOf(await getBoard(event.id), israel.id, 'asserts');
    expect(asserts.origins).toEqual([
      {
        key: `actor:${channels.id}@source:${leaflet.id}`,
        actor: ref(channels),
        reportedBy: null,
        source: { id: leaflet.id, title: 'Leaflet', url: null, publishedAt: null },
        claimIds: [claim.id],
      },
    ]);
  });
});

describe('interested parties include a source’s own voice', () => {
  const SABOTAGE = 'The blast was sabotage orchestrated by Israel.';

  it('flags the Tehran Times’ own voice (a state outlet of the attacked state), in a copy too, and not an outside outlet', async () => {
    const iran = await createActor(ctx.api, { name: 'Iran', kind: 'state' });
    const israel = await createActor(ctx.api, { name: 'Israel', kind: 'state' });
    const tehranTimes = await createActor(ctx.api, {
      name: 'Tehran Times',
      kind: 'media_outlet',
      parentId: iran.id,
    });
    const outside = await createActor(ctx.api, { name: 'Gulf Observer', kind: 'media_outlet' });
    const israeli = await createActor(ctx.api, { name: 'Kan', kind: 'media_outlet', parentId: israel.id });
    const event = await createEvent(ctx.api, {
      parties: [
        { actorId: iran.id, role: 'target' },
        { actorId: israel.id, role: 'accused' },
      ],
    });
    const own = await reported(tehranTimes, SABOTAGE, { eventId: event.id });
    const copy = await reported(outside, SABOTAGE, { eventId: event.id }, { copyOfId: own.source.id });
    const independent = await reported(outside, 'Israel was behind the blast, the Observer learned.', {
      eventId: event.id,
    });
    const denial = await reported(israeli, 'Israel had nothing to do with the blast.', {
      eventId: event.id,
      stance: 'denies',
    });
    for (const c of [own.claim, copy.claim, independent.claim]) {
      await createAttribution(ctx.api, { eventId: event.id, actorId: israel.id, claimId: c.id });
    }
    await createAttribution(ctx.api, {
      eventId: event.id,
      actorId: israel.id,
      claimId: denial.claim.id,
      position: 'denies',
    });
    const board = await getBoard(event.id);
    const entries = positionOf(board, israel.id, 'asserts').entries;
    const interest = (claimId: number) => {
      const e =
        entries.find((x: Json) => x.claim.id === claimId) ??
        positionOf(board, israel.id, 'denies').entries[0];
      return [e.interestedParty, e.interestedAs];
    };
    expect(interest(own.claim.id)).toEqual([true, 'target']);
    // The copy speaks in the Tehran Times' voice (the publisher of the original).
    expect(interest(copy.claim.id)).toEqual([true, 'target']);
    expect(interest(independent.claim.id)).toEqual([false, null]);
    expect(interest(denial.claim.id)).toEqual([true, 'accused']);
  });
});

describe('GET /events/{eventId}/attributions?rollUp=true', () => {
  async function mossadCase() {
    const israel = await createActor(ctx.api, { name: 'Israel', kind: 'state' });
    const mossad = await createActor(ctx.api, {
      name: 'Mossad',
      kind: 'government_body',
      parentId: israel.id,
    });
    const unit = await createActor(ctx.api, {
      name: 'Mossad drone unit',
      kind: 'military',
      parentId: mossad.id,
    });
    const ynet = await createActor(ctx.api, { name: 'Ynet', kind: 'media_outlet' });
    const jns = await createActor(ctx.api, { name: 'JNS', kind: 'media_outlet' });
    const iran = await createActor(ctx.api, { name: 'Iran', kind: 'state' });
    const event = await createEvent(ctx.api);
    const a = await reported(ynet, "Israel's Mossad was behind the attack.", { eventId: event.id });
    const b = await reported(jns, 'Israel was behind the drone strike.', { eventId: event.id });
    const c = await reported(jns, 'A Mossad unit flew the drones.', { eventId: event.id });
    const d = await reported(ynet, 'Iran blamed Israel.', { eventId: event.id, claimantId: iran.id });
    const toMossad = await createAttribution(ctx.api, {
      eventId: event.id,
      actorId: mossad.id,
      claimId: a.claim.id,
    });
    const toIsrael = await createAttribution(ctx.api, {
      eventId: event.id,
      actorId: israel.id,
      claimId: b.claim.id,
    });
    const toUnit = await createAttribution(ctx.api, {
      eventId: event.id,
      actorId: unit.id,
      claimId: c.claim.id,
    });
    const speculates = await createAttribution(ctx.api, {
      eventId: event.id,
      actorId: mossad.id,
      claimId: d.claim.id,
      position: 'speculates',
    });
    return {
      israel,
      mossad,
      unit,
      jns,
      ynet,
      iran,
      event,
      a,
      b,
      c,
      d,
      toMossad,
      toIsrael,
      toUnit,
      speculates,
    };
  }

  it('keeps the default: one row per actor named', async () => {
    const t = await mossadCase();
    const board = await getBoard(t.event.id);
    expect(board.rollUp).toBe(false);
    expect(board.actors.map((r: Json) => r.actor.id)).toEqual([t.mossad.id, t.israel.id, t.unit.id]);
    expect(positionOf(board, t.mossad.id, 'asserts').entries[0].heldActor).toEqual(ref(t.mossad));
  });

  it('folds the Mossad and its unit into Israel, each entry keeping the actor it named', async () => {
    const t = await mossadCase();
    const board = await getBoard(t.event.id, { rollUp: 'true' });
    expect(board.rollUp).toBe(true);
    expect(board.actors).toHaveLength(1);
    const row = rowOf(board, t.israel.id);
    expect(row.actor).toEqual(ref(t.israel));
    expect(row.count).toBe(4);
    expect(row.independentOrigins).toBe(3);
    const asserts = positionOf(board, t.israel.id, 'asserts');
    expect(asserts.count).toBe(3);
    // Ynet's own voice, and JNS's two claims (its own voice twice): two origins.
    expect(asserts.independentOrigins).toBe(2);
    expect(asserts.entries.map((e: Json) => [e.attributionId, e.heldActor.id])).toEqual([
      [t.toMossad.id, t.mossad.id],
      [t.toIsrael.id, t.israel.id],
      [t.toUnit.id, t.unit.id],
    ]);
    const speculates = positionOf(board, t.israel.id, 'speculates');
    expect(speculates.entries.map((e: Json) => [e.attributionId, e.heldActor.id])).toEqual([
      [t.speculates.id, t.mossad.id],
    ]);
    // Iran's own claim is not interested: it is no party here, and holds Israel responsible.
    expect(speculates.entries[0].interestedParty).toBe(false);

    // Roll-up and folding origins combine: with both, JNS and Ynet stay two outlets.
    const both = await getBoard(t.event.id, { rollUp: 'true', foldToTopLevel: 'true' });
    expect(both).toMatchObject({ rollUp: true, foldToTopLevel: true });
    expect(positionOf(both, t.israel.id, 'asserts').independentOrigins).toBe(2);
  });

  it('flags a body under the top-level actor as interested on the rolled-up row', async () => {
    const t = await mossadCase();
    const idf = await createActor(ctx.api, {
      name: 'Israel Defense Forces',
      kind: 'military',
      parentId: t.israel.id,
    });
    const noComment = await reported(t.ynet, 'The IDF declined to comment on the Mossad.', {
      eventId: t.event.id,
      claimantId: idf.id,
      stance: 'declines_to_comment',
    });
    await createAttribution(ctx.api, {
      eventId: t.event.id,
      actorId: t.mossad.id,
      claimId: noComment.claim.id,
      position: 'declines_to_comment',
    });
    // Named: the IDF is not under the Mossad, and no party is recorded.
    const entryIn = (board: Json, actorId: number) =>
      positionOf(board, actorId, 'declines_to_comment').entries.find(
        (e: Json) => e.claim.id === noComment.claim.id,
      );
    expect(entryIn(await getBoard(t.event.id), t.mossad.id).interestedParty).toBe(false);
    // Rolled up: the actor held responsible is Israel, and the IDF is under it.
    expect(entryIn(await getBoard(t.event.id, { rollUp: 'true' }), t.israel.id)).toMatchObject({
      interestedParty: true,
      interestedAs: 'accused',
      heldActor: ref(t.mossad),
    });
  });
});

describe('attributions that name nobody', () => {
  it('stand in a row of their own, last, counted by independent origins', async () => {
    const iran = await createActor(ctx.api, { name: 'Iran', kind: 'state' });
    const israel = await createActor(ctx.api, { name: 'Israel', kind: 'state' });
    const ministry = await createActor(ctx.api, {
      name: 'Iranian Ministry of Defence',
      kind: 'government_body',
      parentId: iran.id,
    });
    const ap = await createActor(ctx.api, { name: 'AP', kind: 'media_outlet' });
    const reuters = await createActor(ctx.api, { name: 'Reuters', kind: 'media_outlet' });
    const event = await createEvent(ctx.api, { parties: [{ actorId: iran.id, role: 'target' }] });
    const noName = 'The ministry did not say who it suspected.';
    const first = await reported(ap, noName, {
      eventId: event.id,
      claimantId: ministry.id,
      stance: 'declines_to_comment',
    });
    const again = await reported(reuters, noName, {
      eventId: event.id,
      claimantId: ministry.id,
      stance: 'declines_to_comment',
    });
    const tehran = await reported(reuters, 'Tehran did not formally assign blame.', { eventId: event.id });
    const blame = await reported(ap, 'Israel was blamed by local channels.', { eventId: event.id });
    await createAttribution(ctx.api, {
      eventId: event.id,
      claimId: first.claim.id,
      position: 'no_attribution',
    });
    const blamed = await createAttribution(ctx.api, {
      eventId: event.id,
      actorId: israel.id,
      claimId: blame.claim.id,
    });
    await createAttribution(ctx.api, {
      eventId: event.id,
      actorId: null,
      claimId: again.claim.id,
      position: 'no_attribution',
    });
    await createAttribution(ctx.api, {
      eventId: event.id,
      claimId: tehran.claim.id,
      position: 'no_attribution',
    });

    const board = await getBoard(event.id);
    expect(board.actors.map((r: Json) => r.actor?.id ?? null)).toEqual([israel.id, null]);
    expect(positionOf(board, israel.id, 'asserts').entries[0].attributionId).toBe(blamed.id);
    const row = rowOf(board, null);
    expect(row.actor).toBeNull();
    expect(row.count).toBe(3);
    expect(row.independentOrigins).toBe(2);
    expect(row.positions.map((p: Json) => p.position)).toEqual(['no_attribution']);
    const [position] = row.positions;
    expect(position.origins.map((o: Json) => [o.key, o.claimIds])).toEqual([
      [`actor:${ministry.id}`, [first.claim.id, again.claim.id]],
      [`actor:${reuters.id}`, [tehran.claim.id]],
    ]);
    expect(position.entries.map((e: Json) => [e.heldActor, e.interestedParty, e.interestedAs])).toEqual([
      [null, true, 'target'],
      [null, true, 'target'],
      [null, false, null],
    ]);
    // Rolling up leaves the row as it is.
    const rolled = await getBoard(event.id, { rollUp: 'true' });
    expect(rowOf(rolled, null)).toEqual(row);
  });
});

describe('the provenance names the origin the board counts the claim under', () => {
  it('for a copy, an unnamed group and a repeated claim', async () => {
    const ap = await createActor(ctx.api, { name: 'AP', kind: 'media_outlet' });
    const paper = await createActor(ctx.api, { name: 'Daily', kind: 'media_outlet' });
    const wsj = await createActor(ctx.api, { name: 'WSJ', kind: 'media_outlet' });
    const officials = await createActor(ctx.api, { name: 'US officials', kind: 'group' });
    const wire = await reported(ap, 'Drones hit a plant.', {});
    const copy = await reported(paper, 'Drones hit a plant.', {}, { copyOfId: wire.source.id });
    const anonymous = await reported(paper, 'Israel did it, officials said.', {
      claimantId: officials.id,
      reportedViaIds: [wsj.id],
    });
    const repeat = await reported(paper, 'Drones, again, hit a plant.', {});
    await createClaimLink(ctx.api, {
      fromClaimId: repeat.claim.id,
      toClaimId: wire.claim.id,
      relation: 'repeats',
    });
    const origin = async (claimId: number) =>
      (await ctx.api.get(`/claims/${claimId}/provenance`)).body.origin;

    expect(await origin(copy.claim.id)).toEqual({
      key: `actor:${ap.id}`,
      basis: 'publisher',
      actor: ref(ap),
      reportedBy: null,
      source: null,
      collapsedWith: [],
    });
    expect(await origin(anonymous.claim.id)).toEqual({
      key: `actor:${officials.id}@actor:${wsj.id}`,
      basis: 'unnamed_group',
      actor: ref(officials),
      reportedBy: ref(wsj),
      source: null,
      collapsedWith: [],
    });
    // Linked by repeats, the Daily's own words count under the wire story's origin.
    expect(await origin(repeat.claim.id)).toEqual({
      key: `actor:${ap.id}`,
      basis: 'publisher',
      actor: ref(ap),
      reportedBy: null,
      source: null,
      collapsedWith: [wire.claim.id],
    });
  });
});
