import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { INDEPENDENCE_RULE } from '../src/modules/cross-check/cross-check.schemas.js';
import { buildTestApp, expectProblem, type Json, useFreshApp } from './helpers/app.js';
import {
  createActor,
  createAttribution,
  createClaim,
  createClaimLink,
  createEvent,
  createSource,
} from './helpers/factories.js';

const ctx = useFreshApp();

const POSITIONS = ['asserts', 'denies', 'declines_to_comment', 'speculates'];
const ref = (a: Json) => ({ id: a.id, name: a.name, kind: a.kind });
const sourceRef = (s: Json) => ({ id: s.id, title: s.title, url: s.url, publishedAt: s.publishedAt });

async function getBoard(eventId: number, query: Record<string, string> = {}): Promise<Json> {
  const res = await ctx.api.get(`/events/${eventId}/attributions`).query(query);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** The position block of one held actor on the board. */
function positionOf(board: Json, actorId: number, position: string): Json {
  const actor = board.actors.find((a: Json) => a.actor.id === actorId);
  expect(actor, `actor ${actorId} on the board`).toBeDefined();
  return actor.positions.find((p: Json) => p.position === position);
}

const entryOf = (board: Json, actorId: number, position: string, claimId: number): Json =>
  positionOf(board, actorId, position).entries.find((e: Json) => e.claim.id === claimId);

/** Every page of a list, following the Link header. */
async function followLinks(path: string): Promise<{ items: Json[]; pages: number }> {
  const items: Json[] = [];
  let next: string | undefined = path;
  let pages = 0;
  while (next) {
    const res: Json = await ctx.api.get(next);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    items.push(...res.body.data);
    pages++;
    expect(pages).toBeLessThan(50);
    if (res.body.nextCursor === null) {
      expect(res.headers.link).toBeUndefined();
      next = undefined;
    } else {
      next = String(res.headers.link).match(/^<([^>]+)>; rel="next"$/)?.[1];
      expect(next).toBeDefined();
    }
  }
  return { items, pages };
}

/** A source published by an outlet of its own, saying `sentence`, and an own-voice claim quoting it. */
async function ownVoiceClaim(name: string, eventId: number, sentence = 'Israel was behind the strike.') {
  const outlet = await createActor(ctx.api, { name, kind: 'media_outlet' });
  const source = await createSource(ctx.api, {
    title: `${name} report`,
    publisherId: outlet.id,
    text: `${name} - ${sentence} More to follow.`,
  });
  const claim = await createClaim(ctx.api, {
    sourceId: source.id,
    eventId,
    text: sentence,
    quote: { exact: sentence },
  });
  return { outlet, source, claim };
}

describe('GET /events/{eventId}/attributions: independent origins', () => {
  const WIRE_SENTENCE = 'Israel was behind the drone strike on the Isfahan workshop, security sources said.';
  const MINISTRY_SENTENCE = 'The ministry said Israel was responsible for the attack.';

  /** The wire story and its two reprints, and the ministry statement relayed by an agency into two papers. */
  async function buildCase() {
    const israel = await createActor(ctx.api, { name: 'Israel', kind: 'state' });
    const iran = await createActor(ctx.api, { name: 'Iran', kind: 'state' });
    const event = await createEvent(ctx.api, { title: 'Drone attack in Isfahan' });

    const ap = await createActor(ctx.api, { name: 'Associated Press', kind: 'media_outlet' });
    const outletB = await createActor(ctx.api, { name: 'Daily B', kind: 'media_outlet' });
    const outletC = await createActor(ctx.api, { name: 'Evening C', kind: 'media_outlet' });
    const wire = await createSource(ctx.api, {
      title: 'AP wire story',
      publisherId: ap.id,
      text: `ISFAHAN (AP) - ${WIRE_SENTENCE} Officials gave no details.`,
    });
    const b = await createSource(ctx.api, {
      title: 'Daily B reprint',
      publisherId: outletB.id,
      copyOfId: wire.id,
      text: `From the wires: ${WIRE_SENTENCE}`,
    });
    const c = await createSource(ctx.api, {
      title: 'Evening C reprint',
      publisherId: outletC.id,
      copyOfId: wire.id,
      text: `${WIRE_SENTENCE} (AP)`,
    });
    expect(b.copyOfId).toBe(wire.id);
    const ownVoice = (sourceId: number) =>
      createClaim(ctx.api, {
        sourceId,
        eventId: event.id,
        text: 'Israel was behind the strike.',
        quote: { exact: WIRE_SENTENCE },
      });
    const claimB = await ownVoice(b.id);
    const claimC = await ownVoice(c.id);
    expect(claimB.claimant).toBeNull();

    const ministry = await createActor(ctx.api, {
      name: 'Iranian Ministry of Defence',
      kind: 'government_body',
      parentId: iran.id,
    });
    const agency = await createActor(ctx.api, { name: 'IRNA', kind: 'media_outlet' });
    const paper1 = await createActor(ctx.api, { name: 'Tehran Times', kind: 'media_outlet' });
    const paper2 = await createActor(ctx.api, { name: 'Kayhan', kind: 'media_outlet' });
    const byMinistry = async (publisher: Json) => {
      const source = await createSource(ctx.api, {
        title: `${publisher.name}: ministry statement`,
        publisherId: publisher.id,
        text: `${MINISTRY_SENTENCE} IRNA carried the statement.`,
      });
      return createClaim(ctx.api, {
        sourceId: source.id,
        eventId: event.id,
        claimantId: ministry.id,
        reportedViaIds: [agency.id],
        text: 'Israel was responsible for the attack.',
        quote: { exact: MINISTRY_SENTENCE },
      });
    };
    const claimM1 = await byMinistry(paper1);
    const claimM2 = await byMinistry(paper2);

    for (const claim of [claimB, claimC, claimM1, claimM2]) {
      await createAttribution(ctx.api, { eventId: event.id, actorId: israel.id, claimId: claim.id });
    }
    return { israel, iran, event, ap, ministry, agency, claimB, claimC, claimM1, claimM2 };
  }

  it('counts a wire story and its reprints as one origin, and a relayed ministry statement as another', async () => {
    const { israel, event, ap, ministry, claimB, claimC, claimM1, claimM2 } = await buildCase();

    const board = await getBoard(event.id);
    expect(board.foldToTopLevel).toBe(false);
    expect(board.actors).toHaveLength(1);
    expect(board.actors[0].actor).toEqual(ref(israel));
    expect(board.actors[0].count).toBe(4);
    expect(board.actors[0].independentOrigins).toBe(2);

    const asserts = positionOf(board, israel.id, 'asserts');
    expect(asserts.count).toBe(4);
    expect(asserts.independentOrigins).toBe(2);
    expect(asserts.origins).toEqual([
      {
        key: `actor:${ap.id}`,
        actor: ref(ap),
        reportedBy: null,
        source: null,
        claimIds: [claimB.id, claimC.id],
      },
      {
        key: `actor:${ministry.id}`,
        actor: ref(ministry),
        reportedBy: null,
        source: null,
        claimIds: [claimM1.id, claimM2.id],
      },
    ]);
    expect(asserts.entries.map((e: Json) => [e.claim.id, e.originKey])).toEqual([
      [claimB.id, `actor:${ap.id}`],
      [claimC.id, `actor:${ap.id}`],
      [claimM1.id, `actor:${ministry.id}`],
      [claimM2.id, `actor:${ministry.id}`],
    ]);
    for (const position of ['denies', 'declines_to_comment', 'speculates']) {
      expect(positionOf(board, israel.id, position)).toEqual({
        position,
        count: 0,
        retracted: 0,
        independentOrigins: 0,
        origins: [],
        entries: [],
        moreEntries: 0,
      });
    }

    // A third outlet saying it in its own voice is a third origin.
    const third = await ownVoiceClaim('Gulf Observer', event.id);
    await createAttribution(ctx.api, { eventId: event.id, actorId: israel.id, claimId: third.claim.id });
    const after = positionOf(await getBoard(event.id), israel.id, 'asserts');
    expect(after.count).toBe(5);
    expect(after.independentOrigins).toBe(3);
    expect(after.origins.map((o: Json) => o.key)).toEqual([
      `actor:${ap.id}`,
      `actor:${ministry.id}`,
      `actor:${third.outlet.id}`,
    ]);
    expect(after.origins[2]).toEqual({
      key: `actor:${third.outlet.id}`,
      actor: ref(third.outlet),
      reportedBy: null,
      source: null,
      claimIds: [third.claim.id],
    });
  });

  it('collapses claims linked by repeats, directly or through a claim that carries no attribution', async () => {
    const israel = await createActor(ctx.api, { name: 'Israel', kind: 'state' });
    const event = await createEvent(ctx.api);
    const x = await ownVoiceClaim('Outlet X', event.id); // carries no attribution
    const a = await ownVoiceClaim('Outlet A', event.id);
    const b = await ownVoiceClaim('Outlet B', event.id);
    const c = await ownVoiceClaim('Outlet C', event.id);
    for (const { claim } of [a, b, c]) {
      await createAttribution(ctx.api, { eventId: event.id, actorId: israel.id, claimId: claim.id });
    }
    const asserts = async () => positionOf(await getBoard(event.id), israel.id, 'asserts');
    expect((await asserts()).independentOrigins).toBe(3);

    // b repeats c (a plain link between two claims on the board).
    await createClaimLink(ctx.api, { fromClaimId: b.claim.id, toClaimId: c.claim.id, relation: 'repeats' });
    let now = await asserts();
    expect(now.count).toBe(3);
    expect(now.independentOrigins).toBe(2);
    expect(now.origins.map((o: Json) => o.claimIds)).toEqual([[a.claim.id], [b.claim.id, c.claim.id]]);

    // Other relations do not collapse anything.
    await createClaimLink(ctx.api, {
      fromClaimId: a.claim.id,
      toClaimId: b.claim.id,
      relation: 'corroborates',
    });
    expect((await asserts()).independentOrigins).toBe(2);

    // a repeats x, c repeats x: a joins b and c through x, which is not on the board.
    await createClaimLink(ctx.api, { fromClaimId: a.claim.id, toClaimId: x.claim.id, relation: 'repeats' });
    expect((await asserts()).independentOrigins).toBe(2);
    await createClaimLink(ctx.api, { fromClaimId: c.claim.id, toClaimId: x.claim.id, relation: 'repeats' });
    now = await asserts();
    expect(now.count).toBe(3);
    expect(now.independentOrigins).toBe(1);
    expect(now.origins).toEqual([
      {
        key: `actor:${a.outlet.id}`,
        actor: ref(a.outlet),
        reportedBy: null,
        source: null,
        claimIds: [a.claim.id, b.claim.id, c.claim.id],
      },
    ]);
  });

  it('collapses two claims that each repeat an unattributed claim (a repeats x, b repeats x)', async () => {
    const israel = await createActor(ctx.api, { name: 'Israel', kind: 'state' });
    const event = await createEvent(ctx.api);
    const a = await ownVoiceClaim('Outlet A', event.id);
    const b = await ownVoiceClaim('Outlet B', event.id);
    const x = await ownVoiceClaim('Outlet X', event.id);
    for (const { claim } of [a, b]) {
      await createAttribution(ctx.api, { eventId: event.id, actorId: israel.id, claimId: claim.id });
    }
    expect(positionOf(await getBoard(event.id), israel.id, 'asserts').independentOrigins).toBe(2);
    await createClaimLink(ctx.api, { fromClaimId: a.claim.id, toClaimId: x.claim.id, relation: 'repeats' });
    await createClaimLink(ctx.api, { fromClaimId: b.claim.id, toClaimId: x.claim.id, relation: 'repeats' });
    const asserts = positionOf(await getBoard(event.id), israel.id, 'asserts');
    expect(asserts.independentOrigins).toBe(1);
    expect(asserts.origins).toEqual([
      {
        key: `actor:${a.outlet.id}`,
        actor: ref(a.outlet),
        reportedBy: null,
        source: null,
        claimIds: [a.claim.id, b.claim.id],
      },
    ]);
  });

  it('collapses repeats through a claim that is on the board only under another actor', async () => {
    const israel = await createActor(ctx.api, { name: 'Israel', kind: 'state' });
    const usa = await createActor(ctx.api, { name: 'United States', kind: 'state' });
    const event = await createEvent(ctx.api);
    // x has the lowest id, and carries an attribution to another actor than a and b do.
    const x = await ownVoiceClaim('Outlet X', event.id);
    const a = await ownVoiceClaim('Outlet A', event.id);
    const b = await ownVoiceClaim('Outlet B', event.id);
    await createAttribution(ctx.api, { eventId: event.id, actorId: usa.id, claimId: x.claim.id });
    for (const { claim } of [a, b]) {
      await createAttribution(ctx.api, { eventId: event.id, actorId: israel.id, claimId: claim.id });
    }
    await createClaimLink(ctx.api, { fromClaimId: a.claim.id, toClaimId: x.claim.id, relation: 'repeats' });
    await createClaimLink(ctx.api, { fromClaimId: b.claim.id, toClaimId: x.claim.id, relation: 'repeats' });

    const board = await getBoard(event.id);
    const asserts = positionOf(board, israel.id, 'asserts');
    expect(asserts.count).toBe(2);
    expect(asserts.independentOrigins).toBe(1);
    expect(asserts.origins.map((o: Json) => o.claimIds)).toEqual([[a.claim.id, b.claim.id]]);
    expect(board.actors.find((r: Json) => r.actor.id === israel.id).independentOrigins).toBe(1);
  });

  it('merges a ministry with its state only with foldToTopLevel=true', async () => {
    const { israel, iran, event, ap, ministry, claimB, claimC, claimM1, claimM2 } = await buildCase();
    const byState = await createSource(ctx.api, {
      title: 'Iranian government statement',
      kind: 'official_statement',
      text: 'The Islamic Republic holds Israel responsible for the attack.',
    });
    const claimIran = await createClaim(ctx.api, {
      sourceId: byState.id,
      claimantId: iran.id,
      eventId: event.id,
      quote: { exact: 'holds Israel responsible for the attack' },
    });
    await createAttribution(ctx.api, { eventId: event.id, actorId: israel.id, claimId: claimIran.id });

    const apart = await getBoard(event.id);
    expect(apart.foldToTopLevel).toBe(false);
    expect(await getBoard(event.id, { foldToTopLevel: 'false' })).toEqual(apart);
    const separate = positionOf(apart, israel.id, 'asserts');
    expect(separate.count).toBe(5);
    expect(separate.independentOrigins).toBe(3);
    expect(separate.origins).toEqual([
      {
        key: `actor:${ap.id}`,
        actor: ref(ap),
        reportedBy: null,
        source: null,
        claimIds: [claimB.id, claimC.id],
      },
      {
        key: `actor:${ministry.id}`,
        actor: ref(ministry),
        reportedBy: null,
        source: null,
        claimIds: [claimM1.id, claimM2.id],
      },
      { key: `actor:${iran.id}`, actor: ref(iran), reportedBy: null, source: null, claimIds: [claimIran.id] },
    ]);

    const folded = await getBoard(event.id, { foldToTopLevel: 'true' });
    expect(folded.foldToTopLevel).toBe(true);
    const merged = positionOf(folded, israel.id, 'asserts');
    expect(merged.count).toBe(5);
    expect(merged.independentOrigins).toBe(2);
    expect(merged.origins).toEqual([
      {
        key: `actor:${ap.id}`,
        actor: ref(ap),
        reportedBy: null,
        source: null,
        claimIds: [claimB.id, claimC.id],
      },
      {
        key: `actor:${iran.id}`,
        actor: ref(iran),
        reportedBy: null,
        source: null,
        claimIds: [claimM1.id, claimM2.id, claimIran.id],
      },
    ]);
    expect(entryOf(folded, israel.id, 'asserts', claimM1.id).originKey).toBe(`actor:${iran.id}`);
    expect(entryOf(apart, israel.id, 'asserts', claimM1.id).originKey).toBe(`actor:${ministry.id}`);
  });

  it('makes a publisher-less source its own origin, shared by the copies of it', async () => {
    const israel = await createActor(ctx.api, { name: 'Israel', kind: 'state' });
    const event = await createEvent(ctx.api);
    const sentence = 'Israel carried out the strike.';
    const original = await createSource(ctx.api, { title: 'Anonymous blog', text: `${sentence} Maybe.` });
    const copy = await createSource(ctx.api, {
      title: 'Repost',
      copyOfId: original.id,
      text: `Reposted: ${sentence}`,
    });
    const c1 = await createClaim(ctx.api, {
      sourceId: original.id,
      eventId: event.id,
      quote: { exact: sentence },
    });
    const c2 = await createClaim(ctx.api, {
      sourceId: copy.id,
      eventId: event.id,
      quote: { exact: sentence },
    });
    for (const claim of [c1, c2]) {
      await createAttribution(ctx.api, { eventId: event.id, actorId: israel.id, claimId: claim.id });
    }
    const asserts = positionOf(await getBoard(event.id), israel.id, 'asserts');
    expect(asserts.independentOrigins).toBe(1);
    expect(asserts.origins).toEqual([
      {
        key: `source:${original.id}`,
        actor: null,
        reportedBy: null,
        source: sourceRef(original),
        claimIds: [c1.id, c2.id],
      },
    ]);
  });
});

describe('GET /events/{eventId}/attributions: interested parties', () => {
  async function actors() {
    const iran = await createActor(ctx.api, { name: 'Iran', kind: 'state' });
    const israel = await createActor(ctx.api, { name: 'Israel', kind: 'state' });
    const idf = await createActor(ctx.api, {
      name: 'Israel Defense Forces',
      kind: 'military',
      parentId: israel.id,
    });
    const mod = await createActor(ctx.api, {
      name: 'Iranian Ministry of Defence',
      kind: 'government_body',
      parentId: iran.id,
    });
    const outlet = await createActor(ctx.api, { name: 'Gulf Observer', kind: 'media_outlet' });
    return { iran, israel, idf, mod, outlet };
  }

  const TEXT =
    'The Israeli military declined to comment. The ministry blamed Israel for the attack. The Observer said Israel was behind it.';

  async function claims(eventId: number, a: Awaited<ReturnType<typeof actors>>) {
    const source = await createSource(ctx.api, { title: 'Report', text: TEXT });
    const declines = await createClaim(ctx.api, {
      sourceId: source.id,
      claimantId: a.idf.id,
      eventId,
      text: 'The Israeli military declined to comment.',
      stance: 'declines_to_comment',
      quote: { exact: 'The Israeli military declined to comment' },
    });
    const blames = await createClaim(ctx.api, {
      sourceId: source.id,
      claimantId: a.mod.id,
      eventId,
      text: 'Israel was behind the attack.',
      quote: { exact: 'The ministry blamed Israel for the attack' },
    });
    const observer = await createClaim(ctx.api, {
      sourceId: source.id,
      claimantId: a.outlet.id,
      eventId,
      text: 'Israel was behind it.',
      quote: { exact: 'The Observer said Israel was behind it' },
    });
    await createAttribution(ctx.api, {
      eventId,
      actorId: a.israel.id,
      claimId: declines.id,
      position: 'declines_to_comment',
    });
    await createAttribution(ctx.api, { eventId, actorId: a.israel.id, claimId: blames.id });
    await createAttribution(ctx.api, { eventId, actorId: a.israel.id, claimId: observer.id });
    return { declines, blames, observer };
  }

  it('flags the accused’s military and the target’s ministry, not an unrelated outlet (parties set on POST)', async () => {
    const a = await actors();
    const event = await createEvent(ctx.api, {
      parties: [
        { actorId: a.iran.id, role: 'target' },
        { actorId: a.israel.id, role: 'accused' },
      ],
    });
    const c = await claims(event.id, a);
    const board = await getBoard(event.id);
    expect(board.event).toEqual({
      id: event.id,
      title: event.title,
      parties: expect.arrayContaining([
        { actor: ref(a.iran), role: 'target' },
        { actor: ref(a.israel), role: 'accused' },
      ]),
    });
    expect(board.event.parties).toHaveLength(2);

    const declines = entryOf(board, a.israel.id, 'declines_to_comment', c.declines.id);
    expect(declines).toMatchObject({ interestedParty: true, interestedAs: 'accused' });
    expect(declines.claim.claimant).toEqual(ref(a.idf));
    expect(entryOf(board, a.israel.id, 'asserts', c.blames.id)).toMatchObject({
      interestedParty: true,
      interestedAs: 'target',
    });
    expect(entryOf(board, a.israel.id, 'asserts', c.observer.id)).toMatchObject({
      interestedParty: false,
      interestedAs: null,
    });
  });

  it('uses the parties set by PATCH, and holds the accused interested even when not listed', async () => {
    const a = await actors();
    const event = await createEvent(ctx.api);
    const c = await claims(event.id, a);

    // No parties: only Israel (held responsible here) and the bodies under it are interested.
    let board = await getBoard(event.id);
    expect(board.event.parties).toEqual([]);
    expect(entryOf(board, a.israel.id, 'declines_to_comment', c.declines.id)).toMatchObject({
      interestedParty: true,
      interestedAs: 'accused',
    });
    expect(entryOf(board, a.israel.id, 'asserts', c.blames.id)).toMatchObject({
      interestedParty: false,
      interestedAs: null,
    });

    const patched = await ctx.api
      .patch(`/events/${event.id}`)
      .send({ parties: [{ actorId: a.iran.id, role: 'target' }] });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    board = await getBoard(event.id);
    expect(board.event.parties).toEqual([{ actor: ref(a.iran), role: 'target' }]);
    expect(entryOf(board, a.israel.id, 'asserts', c.blames.id)).toMatchObject({
      interestedParty: true,
      interestedAs: 'target',
    });
    expect(entryOf(board, a.israel.id, 'declines_to_comment', c.declines.id)).toMatchObject({
      interestedParty: true,
      interestedAs: 'accused',
    });
    expect(entryOf(board, a.israel.id, 'asserts', c.observer.id).interestedParty).toBe(false);

    // Israel's own words (not a subordinate's) are interested too; a claim held against another actor is not.
    const hezbollah = await createActor(ctx.api, { name: 'Hezbollah', kind: 'group' });
    const spokesman = await createActor(ctx.api, {
      name: 'Hezbollah spokesman',
      kind: 'person',
      parentId: hezbollah.id,
    });
    const source = await createSource(ctx.api, {
      text: 'Israel denied involvement. A Hezbollah spokesman denied any role.',
    });
    const israelDenies = await createClaim(ctx.api, {
      sourceId: source.id,
      claimantId: a.israel.id,
      eventId: event.id,
      stance: 'denies',
      quote: { exact: 'Israel denied involvement' },
    });
    const spokesmanDenies = await createClaim(ctx.api, {
      sourceId: source.id,
      claimantId: spokesman.id,
      eventId: event.id,
      stance: 'denies',
      quote: { exact: 'A Hezbollah spokesman denied any role' },
    });
    await createAttribution(ctx.api, {
      eventId: event.id,
      actorId: a.israel.id,
      claimId: israelDenies.id,
      position: 'denies',
    });
    await createAttribution(ctx.api, {
      eventId: event.id,
      actorId: hezbollah.id,
      claimId: spokesmanDenies.id,
      position: 'denies',
    });
    await createAttribution(ctx.api, {
      eventId: event.id,
      actorId: hezbollah.id,
      claimId: israelDenies.id,
      position: 'denies',
      role: 'other',
    });
    board = await getBoard(event.id);
    expect(board.actors.map((r: Json) => r.actor.id)).toEqual([a.israel.id, hezbollah.id]);
    expect(entryOf(board, a.israel.id, 'denies', israelDenies.id)).toMatchObject({
      interestedParty: true,
      interestedAs: 'accused',
    });
    expect(entryOf(board, hezbollah.id, 'denies', spokesmanDenies.id)).toMatchObject({
      interestedParty: true,
      interestedAs: 'accused',
    });
    // Under Hezbollah, Israel is neither a party nor the one held responsible.
    expect(entryOf(board, hezbollah.id, 'denies', israelDenies.id)).toMatchObject({
      interestedParty: false,
      interestedAs: null,
    });
  });
});

describe('GET /events/{eventId}/attributions: shape and errors', () => {
  it('gives the four positions in order with whole entries embedding the claim', async () => {
    const israel = await createActor(ctx.api, { name: 'Israel', kind: 'state' });
    const ministry = await createActor(ctx.api, { name: 'Ministry', kind: 'government_body' });
    const agency = await createActor(ctx.api, { name: 'IRNA', kind: 'media_outlet' });
    const event = await createEvent(ctx.api);
    const source = await createSource(ctx.api, {
      title: 'Statement',
      url: 'https://example.com/statement',
      publishedAt: '2023-01-29T09:00:00Z',
      text: 'The ministry said Israel might have been behind it, IRNA reported.',
    });
    const claim = await createClaim(ctx.api, {
      sourceId: source.id,
      claimantId: ministry.id,
      eventId: event.id,
      reportedViaIds: [agency.id],
      stance: 'speculates',
      text: 'Israel might have been behind the attack.',
      quote: { exact: 'Israel might have been behind it' },
    });
    const attribution = await createAttribution(ctx.api, {
      eventId: event.id,
      actorId: israel.id,
      claimId: claim.id,
      position: 'speculates',
      role: 'sponsor',
    });

    const res = await ctx.api.get(`/events/${event.id}/attributions`);
    expect(res.status).toBe(200);
    const stored = (await ctx.api.get(`/claims/${claim.id}`)).body;
    expect(stored.quote.prefix).toBe('The ministry said ');
    const empty = (position: string) => ({
      position,
      count: 0,
      retracted: 0,
      independentOrigins: 0,
      origins: [],
      entries: [],
      moreEntries: 0,
    });
    expect(res.body).toEqual({
      event: { id: event.id, title: event.title, parties: [] },
      independenceRule: INDEPENDENCE_RULE,
      foldToTopLevel: false,
      rollUp: false,
      actors: [
        {
          actor: ref(israel),
          count: 1,
          independentOrigins: 1,
          positions: [
            empty('asserts'),
            empty('denies'),
            empty('declines_to_comment'),
            {
              position: 'speculates',
              count: 1,
              retracted: 0,
              independentOrigins: 1,
              origins: [
                {
                  key: `actor:${ministry.id}`,
                  actor: ref(ministry),
                  reportedBy: null,
                  source: null,
                  claimIds: [claim.id],
                },
              ],
              entries: [
                {
                  attributionId: attribution.id,
                  role: 'sponsor',
                  heldActor: ref(israel),
                  claim: stored,
                  originKey: `actor:${ministry.id}`,
                  interestedParty: false,
                  interestedAs: null,
                  claimantReliability: null,
                  retraction: null,
                },
              ],
              moreEntries: 0,
            },
          ],
        },
      ],
    });
    expect(res.body.actors[0].positions.map((p: Json) => p.position)).toEqual(POSITIONS);
    const entry = res.body.actors[0].positions[3].entries[0];
    expect(entry.claim).toMatchObject({
      text: 'Israel might have been behind the attack.',
      stance: 'speculates',
      claimant: ref(ministry),
      source: sourceRef(source),
      reportedVia: [ref(agency)],
      quote: { exact: 'Israel might have been behind it', verified: true },
    });
    expect(res.body.independenceRule).toContain('repeats');
  });

  it('answers an event without attributions with no actors', async () => {
    const event = await createEvent(ctx.api, { title: 'Quiet day' });
    expect(await getBoard(event.id)).toEqual({
      event: { id: event.id, title: 'Quiet day', parties: [] },
      independenceRule: INDEPENDENCE_RULE,
      foldToTopLevel: false,
      rollUp: false,
      actors: [],
    });
  });

  it('answers 404 EVENT_NOT_FOUND for a missing event and 400 for a bad foldToTopLevel', async () => {
    const missing = await ctx.api.get('/events/424242/attributions');
    expectProblem(missing, 404, 'EVENT_NOT_FOUND', '/events/424242/attributions', {
      title: 'Event not found',
      detail: 'Event 424242 does not exist.',
    });

    const event = await createEvent(ctx.api);
    const bad = await ctx.api.get(`/events/${event.id}/attributions?foldToTopLevel=maybe`);
    expectProblem(bad, 400, 'VALIDATION_FAILED', `/events/${event.id}/attributions`, {
      title: 'The request is not valid',
      detail: expect.any(String),
      errors: [{ in: 'query', pointer: '/foldToTopLevel', message: expect.any(String) }],
    });
  });
});

describe('claim links of an event and of a claim', () => {
  const TEXT =
    'The ministry said damage was minor. Channels said the plant was on fire. Officials repeated that damage was minor. The ministry answered the channels.';

  async function buildLinks() {
    const ministry = await createActor(ctx.api, { name: 'Ministry', kind: 'government_body' });
    const channels = await createActor(ctx.api, { name: 'Telegram channels', kind: 'social_channel' });
    const officials = await createActor(ctx.api, { name: 'Officials', kind: 'group' });
    const event = await createEvent(ctx.api);
    const other = await createEvent(ctx.api, { title: 'Another event' });
    const source = await createSource(ctx.api, { title: 'Roundup', text: TEXT });
    const claim = (
      claimantId: number,
      exact: string,
      eventId: number | null = event.id,
      stance = 'asserts',
    ) =>
      createClaim(ctx.api, {
        sourceId: source.id,
        claimantId,
        eventId,
        stance,
        text: exact,
        quote: { exact },
      });
    const a = await claim(ministry.id, 'The ministry said damage was minor', event.id, 'downplays');
    const b = await claim(channels.id, 'the plant was on fire');
    const c = await claim(officials.id, 'Officials repeated that damage was minor', null);
    const d = await claim(ministry.id, 'The ministry answered the channels', other.id);
    const contradicts = await createClaimLink(ctx.api, {
      fromClaimId: a.id,
      toClaimId: b.id,
      relation: 'contradicts',
      note: 'Minor damage vs. a fire.',
    });
    const repeats = await createClaimLink(ctx.api, {
      fromClaimId: c.id,
      toClaimId: a.id,
      relation: 'repeats',
    });
    const responds = await createClaimLink(ctx.api, {
      fromClaimId: d.id,
      toClaimId: b.id,
      relation: 'responds_to',
    });
    const corroborates = await createClaimLink(ctx.api, { fromClaimId: c.id, toClaimId: d.id });
    return {
      ministry,
      channels,
      event,
      other,
      source,
      a,
      b,
      c,
      d,
      contradicts,
      repeats,
      responds,
      corroborates,
    };
  }

  it('shows a contradiction on both claims and on the event, both sides embedded', async () => {
    const s = await buildLinks();

    const fromA = await ctx.api.get(`/claims/${s.a.id}/links`);
    expect(fromA.status).toBe(200);
    expect(fromA.body.data.map((l: Json) => l.id)).toEqual([s.contradicts.id, s.repeats.id]);
    const fromB = await ctx.api.get(`/claims/${s.b.id}/links`);
    expect(fromB.body.data.map((l: Json) => l.id)).toEqual([s.contradicts.id, s.responds.id]);
    expect(fromB.body.data[0]).toEqual(fromA.body.data[0]);
    expect(fromA.body.data[0]).toEqual({
      id: s.contradicts.id,
      relation: 'contradicts',
      note: 'Minor damage vs. a fire.',
      from: (await ctx.api.get(`/claims/${s.a.id}`)).body,
      to: (await ctx.api.get(`/claims/${s.b.id}`)).body,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(fromA.body.nextCursor).toBeNull();

    // The event view: contradicts and corroborates only, wherever either claim is about the event.
    const ofEvent = await ctx.api.get(`/events/${s.event.id}/links`);
    expect(ofEvent.status).toBe(200);
    expect(ofEvent.body).toEqual({ data: [fromA.body.data[0]], nextCursor: null });
    const embedded = ofEvent.body.data[0];
    expect(embedded.from.claimant).toEqual(ref(s.ministry));
    expect(embedded.to.claimant).toEqual(ref(s.channels));
    expect(embedded.from.quote).toMatchObject({
      exact: 'The ministry said damage was minor',
      verified: true,
    });
    expect(embedded.to.quote).toMatchObject({ exact: 'the plant was on fire', verified: true });
    expect(embedded.from.source).toEqual(sourceRef(s.source));
    expect(embedded.to.source).toEqual(sourceRef(s.source));

    // c corroborates d: neither is about the event.
    const ofOther = await ctx.api.get(`/events/${s.other.id}/links`);
    expect(ofOther.body.data.map((l: Json) => l.id)).toEqual([s.corroborates.id]);
  });

  it('shows repeats and responds_to on the event only when asked, and filters a claim’s links', async () => {
    const s = await buildLinks();
    const ids = async (path: string) => {
      const res = await ctx.api.get(path);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.data.map((l: Json) => l.id);
    };
    expect(await ids(`/events/${s.event.id}/links?relation=repeats`)).toEqual([s.repeats.id]);
    expect(await ids(`/events/${s.event.id}/links?relation=responds_to`)).toEqual([s.responds.id]);
    expect(await ids(`/events/${s.event.id}/links?relation=contradicts`)).toEqual([s.contradicts.id]);
    expect(await ids(`/events/${s.event.id}/links?relation=corroborates`)).toEqual([]);

    expect(await ids(`/claims/${s.a.id}/links?relation=repeats`)).toEqual([s.repeats.id]);
    expect(await ids(`/claims/${s.a.id}/links?relation=contradicts`)).toEqual([s.contradicts.id]);
    expect(await ids(`/claims/${s.a.id}/links?relation=responds_to`)).toEqual([]);
    expect(await ids(`/claims/${s.b.id}/links?relation=responds_to`)).toEqual([s.responds.id]);
    expect(await ids(`/claims/${s.c.id}/links`)).toEqual([s.repeats.id, s.corroborates.id]);

    const bad = await ctx.api.get(`/claims/${s.a.id}/links?relation=agrees`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ in: 'query', pointer: '/relation', message: expect.any(String) }]);
    const badEvent = await ctx.api.get(`/events/${s.event.id}/links?relation=agrees`);
    expect(badEvent.status).toBe(400);
    expect(badEvent.body.code).toBe('VALIDATION_FAILED');
  });

  it('answers 404 problems for a missing claim or event', async () => {
    const claim = await ctx.api.get('/claims/424242/links');
    expectProblem(claim, 404, 'CLAIM_NOT_FOUND', '/claims/424242/links', {
      title: 'Claim not found',
      detail: 'Claim 424242 does not exist.',
    });
    const event = await ctx.api.get('/events/424242/links');
    expectProblem(event, 404, 'EVENT_NOT_FOUND', '/events/424242/links', {
      title: 'Event not found',
      detail: 'Event 424242 does not exist.',
    });
  });

  it('pages both views with a cursor and a Link header that keeps the filter', async () => {
    const source = await createSource(ctx.api, { text: 'One. Two. Three. Four. Five.' });
    const event = await createEvent(ctx.api);
    const words = ['One', 'Two', 'Three', 'Four', 'Five'];
    const claims: Json[] = [];
    for (const word of words) {
      claims.push(
        await createClaim(ctx.api, { sourceId: source.id, eventId: event.id, quote: { exact: word } }),
      );
    }
    const hub = claims[0];
    const linkIds: number[] = [];
    for (const other of claims.slice(1)) {
      linkIds.push(
        (
          await createClaimLink(ctx.api, {
            fromClaimId: hub.id,
            toClaimId: other.id,
            relation: 'contradicts',
          })
        ).id,
      );
    }

    const first = await ctx.api.get(`/events/${event.id}/links?relation=contradicts&limit=3`);
    expect(first.status).toBe(200);
    expect(first.body.data.map((l: Json) => l.id)).toEqual(linkIds.slice(0, 3));
    expect(first.headers.link).toBe(
      `</events/${event.id}/links?relation=contradicts&limit=3&cursor=${first.body.nextCursor}>; rel="next"`,
    );
    const eventPages = await followLinks(`/events/${event.id}/links?relation=contradicts&limit=3`);
    expect(eventPages.items.map((l: Json) => l.id)).toEqual(linkIds);
    expect(eventPages.pages).toBe(2);

    const firstOfClaim = await ctx.api.get(`/claims/${hub.id}/links?limit=2`);
    expect(firstOfClaim.headers.link).toBe(
      `</claims/${hub.id}/links?limit=2&cursor=${firstOfClaim.body.nextCursor}>; rel="next"`,
    );
    const claimPages = await followLinks(`/claims/${hub.id}/links?limit=2`);
    expect(claimPages.items.map((l: Json) => l.id)).toEqual(linkIds);
    expect(claimPages.pages).toBe(2);

    const damaged = await ctx.api.get(`/claims/${hub.id}/links?cursor=not-a-cursor`);
    expect(damaged.status).toBe(400);
    expect(damaged.body.code).toBe('INVALID_CURSOR');
  });
});

describe('GET /events/{eventId}/timeline', () => {
  const TEXT = 'Alpha said one thing. Beta said two things. Gamma said three things. Delta said four things.';

  async function buildTimeline() {
    const iran = await createActor(ctx.api, { name: 'Iran', kind: 'state' });
    const ministry = await createActor(ctx.api, {
      name: 'Ministry',
      kind: 'government_body',
      parentId: iran.id,
    });
    const spokesman = await createActor(ctx.api, {
      name: 'Spokesman',
      kind: 'person',
      parentId: ministry.id,
    });
    const outlet = await createActor(ctx.api, { name: 'Outlet', kind: 'media_outlet' });
    const event = await createEvent(ctx.api, { title: 'Main' });
    const sub = await createEvent(ctx.api, { title: 'Sub', parentId: event.id });
    const unrelated = await createEvent(ctx.api, { title: 'Unrelated' });
    const dated = await createSource(ctx.api, {
      title: 'Dated',
      text: TEXT,
      publishedAt: '2023-01-29T09:00:00+03:30',
      publishedAtPrecision: 'hour',
    });
    const undated = await createSource(ctx.api, { title: 'Undated', text: TEXT });
    const claim = (body: { sourceId: number } & Record<string, unknown>) =>
      createClaim(ctx.api, { eventId: event.id, quote: { exact: 'Beta said two things' }, ...body });

    // Created out of time order on purpose.
    const undated1 = await claim({ sourceId: undated.id, claimantId: outlet.id });
    const fromPublished1 = await claim({ sourceId: dated.id, claimantId: ministry.id, stance: 'denies' });
    const early = await claim({
      sourceId: undated.id,
      claimantId: spokesman.id,
      statedAt: '2023-01-29T04:00:00Z',
      statedAtPrecision: 'minute',
    });
    const sameTimeStated = await claim({
      sourceId: undated.id,
      claimantId: iran.id,
      statedAt: '2023-01-29T05:30:00Z',
      statedAtPrecision: 'day',
    });
    const late = await claim({
      sourceId: dated.id,
      claimantId: ministry.id,
      statedAt: '2023-01-30T00:00:00Z',
      statedAtPrecision: null,
    });
    const fromPublished2 = await claim({ sourceId: dated.id, claimantId: outlet.id, stance: 'denies' });
    const undated2 = await claim({ sourceId: undated.id, claimantId: spokesman.id, stance: 'denies' });
    const undated3 = await claim({ sourceId: undated.id });
    const inSub = await claim({
      sourceId: undated.id,
      eventId: sub.id,
      claimantId: ministry.id,
      statedAt: '2023-01-29T05:00:00Z',
    });
    await claim({ sourceId: dated.id, eventId: unrelated.id, claimantId: ministry.id });
    await claim({ sourceId: dated.id, eventId: null, claimantId: ministry.id });

    const order = [early, fromPublished1, sameTimeStated, fromPublished2, late, undated1, undated2, undated3];
    return {
      iran,
      ministry,
      spokesman,
      outlet,
      event,
      sub,
      dated,
      order,
      early,
      fromPublished1,
      sameTimeStated,
      late,
      fromPublished2,
      undated1,
      undated2,
      undated3,
      inSub,
    };
  }

  const idsOf = (body: Json) => body.data.map((e: Json) => e.claim.id);

  it('orders by statedAt, else the source’s publishedAt, saying which and how precisely; undated last', async () => {
    const t = await buildTimeline();
    const res = await ctx.api.get(`/events/${t.event.id}/timeline`);
    expect(res.status).toBe(200);
    expect(res.body.nextCursor).toBeNull();
    expect(res.headers.link).toBeUndefined();
    expect(idsOf(res.body)).toEqual(t.order.map((c) => c.id));
    expect(res.body.data.map((e: Json) => [e.at, e.basis, e.precision])).toEqual([
      ['2023-01-29T04:00:00.000Z', 'statedAt', 'minute'],
      ['2023-01-29T05:30:00.000Z', 'publishedAt', 'hour'],
      ['2023-01-29T05:30:00.000Z', 'statedAt', 'day'],
      ['2023-01-29T05:30:00.000Z', 'publishedAt', 'hour'],
      ['2023-01-30T00:00:00.000Z', 'statedAt', null],
      [null, null, null],
      [null, null, null],
      [null, null, null],
    ]);
    const first = res.body.data[0];
    expect(first).toEqual({
      at: '2023-01-29T04:00:00.000Z',
      precision: 'minute',
      basis: 'statedAt',
      claim: (await ctx.api.get(`/claims/${t.early.id}`)).body,
      claimantReliability: null,
      alsoAppearedIn: [],
    });
  });

  it('filters by actor, with subordinates, by stance, and takes in sub-events on request', async () => {
    const t = await buildTimeline();
    const ids = async (query: string) => {
      const res = await ctx.api.get(`/events/${t.event.id}/timeline?${query}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return idsOf(res.body);
    };
    expect(await ids(`actor=${t.ministry.id}`)).toEqual([t.fromPublished1.id, t.late.id]);
    expect(await ids(`actor=${t.ministry.id}&includeSubordinates=true`)).toEqual([
      t.early.id,
      t.fromPublished1.id,
      t.late.id,
      t.undated2.id,
    ]);
    expect(await ids(`actor=${t.iran.id}&includeSubordinates=true`)).toEqual([
      t.early.id,
      t.fromPublished1.id,
      t.sameTimeStated.id,
      t.late.id,
      t.undated2.id,
    ]);
    expect(await ids('stance=denies')).toEqual([t.fromPublished1.id, t.fromPublished2.id, t.undated2.id]);
    expect(await ids(`stance=denies&actor=${t.ministry.id}&includeSubordinates=true`)).toEqual([
      t.fromPublished1.id,
      t.undated2.id,
    ]);
    const withSub = await ids('includeSubevents=true');
    expect(withSub).toEqual([
      t.early.id,
      t.inSub.id,
      t.fromPublished1.id,
      t.sameTimeStated.id,
      t.fromPublished2.id,
      t.late.id,
      t.undated1.id,
      t.undated2.id,
      t.undated3.id,
    ]);
    expect(await ids(`includeSubevents=true&actor=${t.ministry.id}`)).toEqual([
      t.inSub.id,
      t.fromPublished1.id,
      t.late.id,
    ]);
    // The sub-event's own timeline holds only its claim.
    expect(idsOf((await ctx.api.get(`/events/${t.sub.id}/timeline`)).body)).toEqual([t.inSub.id]);

    const bad = await ctx.api.get(`/events/${t.event.id}/timeline?stance=shouts`);
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ in: 'query', pointer: '/stance', message: expect.any(String) }]);
  });

  it('pages across equal times and into the undated tail, every claim exactly once, in order', async () => {
    const t = await buildTimeline();
    const expected = t.order.map((c) => c.id);
    for (const limit of [1, 2, 3, 4, 5, 7]) {
      const { items, pages } = await followLinks(`/events/${t.event.id}/timeline?limit=${limit}`);
      expect(
        items.map((e: Json) => e.claim.id),
        `limit ${limit}`,
      ).toEqual(expected);
      expect(pages).toBe(Math.ceil(expected.length / limit));
    }

    const first = await ctx.api.get(`/events/${t.event.id}/timeline?stance=denies&limit=1`);
    expect(first.headers.link).toBe(
      `</events/${t.event.id}/timeline?stance=denies&limit=1&cursor=${first.body.nextCursor}>; rel="next"`,
    );
    const denies = await followLinks(`/events/${t.event.id}/timeline?stance=denies&limit=1`);
    expect(denies.items.map((e: Json) => e.claim.id)).toEqual([
      t.fromPublished1.id,
      t.fromPublished2.id,
      t.undated2.id,
    ]);
  });

  it('answers 400 INVALID_CURSOR for a garbage cursor and 404 for a missing event', async () => {
    const event = await createEvent(ctx.api);
    for (const cursor of ['garbage', Buffer.from('{"v":1,"at":5,"id":1}').toString('base64url')]) {
      const res = await ctx.api.get(`/events/${event.id}/timeline`).query({ cursor });
      expectProblem(res, 400, 'INVALID_CURSOR', `/events/${event.id}/timeline`, {
        title: 'The cursor is not valid',
        detail: expect.any(String),
        errors: [{ in: 'query', pointer: '/cursor', message: expect.any(String) }],
      });
    }
    const missing = await ctx.api.get('/events/424242/timeline');
    expectProblem(missing, 404, 'EVENT_NOT_FOUND', '/events/424242/timeline', {
      title: 'Event not found',
      detail: 'Event 424242 does not exist.',
    });
    expect(await ctx.api.get(`/events/${event.id}/timeline`).then((r) => r.body)).toEqual({
      data: [],
      nextCursor: null,
    });
  });
});

describe('GET /claims/{claimId}/provenance', () => {
  it('walks claimant -> relay -> publisher -> source, with the quote, links and attributions', async () => {
    const ministry = await createActor(ctx.api, {
      name: 'Iranian Ministry of Defence',
      kind: 'government_body',
    });
    const agency = await createActor(ctx.api, { name: 'IRNA', kind: 'media_outlet' });
    const paper = await createActor(ctx.api, { name: 'Tehran Times', kind: 'media_outlet' });
    const israel = await createActor(ctx.api, { name: 'Israel', kind: 'state' });
    const event = await createEvent(ctx.api);
    const text =
      'TEHRAN - The defence ministry said on Sunday that Israel was behind the attack on the workshop, according to IRNA.';
    const source = await createSource(ctx.api, {
      title: 'Ministry blames Israel',
      url: 'https://example.com/ministry',
      publisherId: paper.id,
      publishedAt: '2023-01-29T09:00:00Z',
      retrievedAt: '2023-01-30T10:00:00Z',
      text,
    });
    const claim = await createClaim(ctx.api, {
      sourceId: source.id,
      claimantId: ministry.id,
      eventId: event.id,
      reportedViaIds: [agency.id],
      text: 'Israel was behind the attack.',
      quote: { exact: 'Israel was behind the attack' },
    });
    const otherSource = await createSource(ctx.api, {
      text: 'Channels said the damage was heavy. It was minor.',
    });
    const heavy = await createClaim(ctx.api, {
      sourceId: otherSource.id,
      eventId: event.id,
      quote: { exact: 'the damage was heavy' },
    });
    const minor = await createClaim(ctx.api, {
      sourceId: otherSource.id,
      eventId: event.id,
      quote: { exact: 'It was minor' },
    });
    const out = await createClaimLink(ctx.api, {
      fromClaimId: claim.id,
      toClaimId: heavy.id,
      relation: 'contradicts',
      note: 'Different accounts.',
    });
    const inc = await createClaimLink(ctx.api, {
      fromClaimId: minor.id,
      toClaimId: claim.id,
      relation: 'responds_to',
    });
    const attribution = await createAttribution(ctx.api, {
      eventId: event.id,
      actorId: israel.id,
      claimId: claim.id,
    });

    const res = await ctx.api.get(`/claims/${claim.id}/provenance`);
    expect(res.status).toBe(200);
    const storedSource = (await ctx.api.get(`/sources/${source.id}`)).body;
    expect(storedSource.sha256).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
    const storedClaim = (await ctx.api.get(`/claims/${claim.id}`)).body;
    expect(res.body).toEqual({
      claim: storedClaim,
      origin: {
        key: `actor:${ministry.id}`,
        basis: 'claimant',
        actor: ref(ministry),
        reportedBy: null,
        source: null,
        collapsedWith: [],
      },
      chain: [
        { step: 'claimant', actor: { ...ref(ministry), reliability: null }, source: null },
        { step: 'relay', actor: { ...ref(agency), reliability: null }, source: null },
        { step: 'publisher', actor: { ...ref(paper), reliability: null }, source: null },
        {
          step: 'source',
          actor: null,
          source: {
            id: source.id,
            title: 'Ministry blames Israel',
            url: 'https://example.com/ministry',
            publishedAt: '2023-01-29T09:00:00.000Z',
            retrievedAt: '2023-01-30T10:00:00.000Z',
            sha256: storedSource.sha256,
            textIntact: true,
            copyOf: null,
          },
        },
      ],
      links: {
        outgoing: [
          {
            id: out.id,
            relation: 'contradicts',
            note: 'Different accounts.',
            claim: (await ctx.api.get(`/claims/${heavy.id}`)).body,
          },
        ],
        incoming: [
          {
            id: inc.id,
            relation: 'responds_to',
            note: null,
            claim: (await ctx.api.get(`/claims/${minor.id}`)).body,
          },
        ],
      },
      attributions: [
        {
          id: attribution.id,
          role: 'perpetrator',
          position: 'asserts',
          event: { id: event.id, title: event.title },
          actor: ref(israel),
        },
      ],
    });
    expect(res.body.chain.map((s: Json) => s.step)).toEqual(['claimant', 'relay', 'publisher', 'source']);
    expect(res.body.chain[3].source.retrievedAt).toBe(storedSource.retrievedAt);
    const at = text.indexOf('Israel was behind the attack');
    expect(res.body.claim.quote).toEqual({
      exact: 'Israel was behind the attack',
      prefix: text.slice(at - 32, at),
      suffix: ' on the workshop, according to I',
      start: at,
      end: at + 'Israel was behind the attack'.length,
      verified: true,
    });
    expect(res.body.claim.quote.prefix).toBe('ce ministry said on Sunday that ');
  });

  it('gives an own-voice claim in a publisher-less source a chain of the source alone', async () => {
    const source = await createSource(ctx.api, {
      title: 'Anonymous post',
      text: 'Drones hit the plant at night.',
    });
    const claim = await createClaim(ctx.api, {
      sourceId: source.id,
      quote: { exact: 'Drones hit the plant' },
    });
    const res = await ctx.api.get(`/claims/${claim.id}/provenance`);
    expect(res.status).toBe(200);
    expect(res.body.chain).toEqual([
      {
        step: 'source',
        actor: null,
        source: {
          id: source.id,
          title: 'Anonymous post',
          url: null,
          publishedAt: null,
          retrievedAt: source.retrievedAt,
          sha256: source.sha256,
          textIntact: true,
          copyOf: null,
        },
      },
    ]);
    expect(res.body.links).toEqual({ outgoing: [], incoming: [] });
    expect(res.body.attributions).toEqual([]);
  });

  it('names the original of a copied source and its publisher', async () => {
    const ap = await createActor(ctx.api, { name: 'AP', kind: 'media_outlet' });
    const outlet = await createActor(ctx.api, { name: 'Daily B', kind: 'media_outlet' });
    const wire = await createSource(ctx.api, {
      title: 'Wire',
      publisherId: ap.id,
      url: 'https://example.com/wire',
      text: 'Drones hit the plant at night.',
    });
    const copy = await createSource(ctx.api, {
      title: 'Reprint',
      publisherId: outlet.id,
      copyOfId: wire.id,
      text: 'Drones hit the plant at night. (AP)',
    });
    const claim = await createClaim(ctx.api, { sourceId: copy.id, quote: { exact: 'Drones hit the plant' } });
    const res = await ctx.api.get(`/claims/${claim.id}/provenance`);
    expect(res.body.chain).toEqual([
      { step: 'publisher', actor: { ...ref(outlet), reliability: null }, source: null },
      {
        step: 'source',
        actor: null,
        source: {
          id: copy.id,
          title: 'Reprint',
          url: null,
          publishedAt: null,
          retrievedAt: copy.retrievedAt,
          sha256: copy.sha256,
          textIntact: true,
          copyOf: sourceRef(wire),
        },
      },
    ]);
  });

  it('answers 404 CLAIM_NOT_FOUND for a missing claim', async () => {
    const res = await ctx.api.get('/claims/424242/provenance');
    expectProblem(res, 404, 'CLAIM_NOT_FOUND', '/claims/424242/provenance', {
      title: 'Claim not found',
      detail: 'Claim 424242 does not exist.',
    });
  });
});

describe('the Isfahan seed case', () => {
  it('shows Israel held responsible by two independent origins, and the IDF’s interested no-comment', async () => {
    const seeded = await buildTestApp({ seed: true });
    try {
      const api = seeded.api;
      const one = async (path: string, q: string) => {
        const res = await api.get(path).query({ q });
        expect(res.body.data, `${path}?q=${q}`).toHaveLength(1);
        return res.body.data[0];
      };
      const isfahan = await one('/events', 'Ministry of Defence facility in Isfahan');
      const israel = await one('/actors', 'State of Israel');
      const idf = await one('/actors', 'Israel Defense Forces');
      const telegram = await one('/actors', 'Local Telegram channels');
      const mod = await one('/actors', 'Iranian Ministry of Defence');
      const docA = await one('/sources', 'Drones Hit Multiple Military Targets');
      const docB = await one('/sources', 'Israel carries out drone strike');

      const res = await api.get(`/events/${isfahan.id}/attributions`);
      expect(res.status).toBe(200);
      const board = res.body;
      expect(board.event.parties).toEqual(
        expect.arrayContaining([
          { actor: expect.objectContaining({ id: israel.id }), role: 'accused' },
          { actor: expect.objectContaining({ name: 'Iran' }), role: 'target' },
        ]),
      );
      expect(board.actors.map((a: Json) => a.actor.id)).toEqual([israel.id]);

      const asserts = positionOf(board, israel.id, 'asserts');
      expect(asserts.count).toBe(3);
      expect(asserts.independentOrigins).toBe(2);
      expect(asserts.origins.map((o: Json) => o.key).sort()).toEqual(
        [`actor:${telegram.id}@source:${docA.id}`, `source:${docB.id}`].sort(),
      );
      const byTelegram = asserts.entries.filter((e: Json) => e.claim.claimant?.id === telegram.id);
      const ownVoice = asserts.entries.filter((e: Json) => e.claim.claimant === null);
      expect(byTelegram).toHaveLength(1);
      expect(ownVoice).toHaveLength(2);
      for (const e of ownVoice) {
        expect(e.claim.source.id).toBe(docB.id);
        expect(e.originKey).toBe(`source:${docB.id}`);
        expect(e.interestedParty).toBe(false);
      }
      // "Local Telegram channels" is an unnamed collective: it counts as reported in document A.
      expect(byTelegram[0].originKey).toBe(`actor:${telegram.id}@source:${docA.id}`);
      expect(byTelegram[0].interestedParty).toBe(false);

      const declines = positionOf(board, israel.id, 'declines_to_comment');
      expect(declines.count).toBe(1);
      expect(declines.entries[0]).toMatchObject({
        claim: { claimant: ref(idf), stance: 'declines_to_comment' },
        interestedParty: true,
        interestedAs: 'accused',
      });
      expect(board.actors[0].positions.map((p: Json) => p.position)).toEqual(POSITIONS);

      // The ministry's claim contradicts the Telegram channels' claim.
      const links: Json[] = [];
      let next: string | null = `/events/${isfahan.id}/links?limit=100`;
      while (next) {
        const page: Json = await api.get(next);
        expect(page.status).toBe(200);
        links.push(...page.body.data);
        next = page.body.nextCursor
          ? `/events/${isfahan.id}/links?limit=100&cursor=${page.body.nextCursor}`
          : null;
      }
      const contradiction = links.find(
        (l) =>
          l.relation === 'contradicts' && l.from.claimant?.id === mod.id && l.to.claimant?.id === telegram.id,
      );
      expect(contradiction).toBeDefined();
      expect(contradiction.to.id).toBe(byTelegram[0].claim.id);
      expect(links.every((l) => ['contradicts', 'corroborates'].includes(l.relation))).toBe(true);
    } finally {
      await seeded.close();
    }
  });
});
