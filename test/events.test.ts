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

const titles = (res: { body: { data: { title: string }[] } }) => res.body.data.map((e) => e.title);

describe('events', () => {
  it('creates an event with times in UTC, precision, place, coordinates and a parent', async () => {
    const campaign = await createEvent(ctx.api, { title: 'Shadow war', kind: 'campaign' });
    const res = await ctx.api.post('/events').send({
      title: 'Drone attack in Isfahan',
      summary: 'Micro drones hit a defence workshop.',
      kind: 'drone_attack',
      startsAt: '2023-01-28T23:30:00+03:30',
      endsAt: '2023-01-29T00:10:00+03:30',
      timePrecision: 'minute',
      placeName: 'Isfahan',
      latitude: 32.6546,
      longitude: 51.668,
      parentId: campaign.id,
    });

    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/events/${res.body.id}`);
    const stored = await ctx.api.get(res.headers.location as string);
    expect(stored.status).toBe(200);
    expect(stored.body).toEqual({
      id: res.body.id,
      title: 'Drone attack in Isfahan',
      summary: 'Micro drones hit a defence workshop.',
      kind: 'drone_attack',
      startsAt: '2023-01-28T20:00:00.000Z',
      endsAt: '2023-01-28T20:40:00.000Z',
      timePrecision: 'minute',
      placeName: 'Isfahan',
      latitude: 32.6546,
      longitude: 51.668,
      parentId: campaign.id,
      parent: { id: campaign.id, title: 'Shadow war' },
      parties: [],
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(stored.body).not.toHaveProperty('searchText');
    expect(res.body).toEqual(stored.body);
  });

  it('leaves optional fields null when only title and kind are sent', async () => {
    const event = await createEvent(ctx.api);
    expect((await ctx.api.get(`/events/${event.id}`)).body).toMatchObject({
      title: 'Drone attack in Isfahan',
      kind: 'drone_attack',
      summary: null,
      startsAt: null,
      endsAt: null,
      timePrecision: null,
      placeName: null,
      latitude: null,
      longitude: null,
      parentId: null,
      parent: null,
    });
  });

  it('rejects out-of-range coordinates, non snake_case kinds, bad times and unknown fields', async () => {
    const res = await ctx.api.post('/events').send({
      title: 'X',
      kind: 'Drone Attack',
      latitude: 91,
      longitude: -180.5,
      startsAt: '2023-01-28 23:30',
      timePrecision: 'second',
      id: 3,
    });
    expectProblem(res, 400, 'VALIDATION_FAILED', '/events', {
      title: 'The request is not valid',
      detail: expect.any(String),
      errors: expect.arrayContaining([
        { in: 'body', pointer: '/kind', message: expect.any(String) },
        { in: 'body', pointer: '/latitude', message: expect.any(String) },
        { in: 'body', pointer: '/longitude', message: expect.any(String) },
        { in: 'body', pointer: '/startsAt', message: expect.any(String) },
        { in: 'body', pointer: '/timePrecision', message: expect.any(String) },
        { in: 'body', pointer: '/id', message: 'Unknown field' },
      ]),
    });

    const lat = await ctx.api.post('/events').send({ title: 'X', kind: 'x', latitude: 91 });
    expect(lat.status).toBe(400);
    expect(lat.body.errors).toEqual([{ in: 'body', pointer: '/latitude', message: expect.any(String) }]);
    // A time without an offset is ambiguous.
    const local = await ctx.api
      .post('/events')
      .send({ title: 'X', kind: 'x', startsAt: '2023-01-28T23:30:00' });
    expect(local.status).toBe(400);
    expect(local.body.errors).toEqual([{ in: 'body', pointer: '/startsAt', message: expect.any(String) }]);
    for (const kind of ['DroneAttack', 'drone-attack', '1st_strike', '']) {
      const bad = await ctx.api.post('/events').send({ title: 'X', kind });
      expect(bad.status, kind).toBe(400);
      expect(bad.body.errors, kind).toEqual([{ in: 'body', pointer: '/kind', message: expect.any(String) }]);
    }
    const blank = await ctx.api.post('/events').send({ title: '   ', kind: 'x' });
    expect(blank.status).toBe(400);
    expect(blank.body.errors).toEqual([{ in: 'body', pointer: '/title', message: expect.any(String) }]);

    expect((await ctx.api.get('/events')).body.data).toEqual([]);
  });

  it('refuses an event that ends before it starts, and stores nothing', async () => {
    const res = await ctx.api.post('/events').send({
      title: 'Backwards',
      kind: 'drone_attack',
      startsAt: '2023-01-29T00:00:00+03:30',
      endsAt: '2023-01-28T20:00:00Z',
    });
    expectProblem(res, 422, 'INVALID_TIME_RANGE', '/events', {
      title: 'The event ends before it starts',
      detail: 'endsAt (2023-01-28T20:00:00.000Z) is before startsAt (2023-01-28T20:30:00.000Z).',
      errors: [{ in: 'body', pointer: '/endsAt', message: expect.any(String) }],
    });
    expect((await ctx.api.get('/events')).body.data).toEqual([]);

    // Instants are compared, not the texts sent: 00:00+03:30 on the 29th is 20:30Z on the 28th...
    const textLater = await ctx.api.post('/events').send({
      title: 'Ends earlier than it looks',
      kind: 'drone_attack',
      startsAt: '2023-01-28T21:00:00Z',
      endsAt: '2023-01-29T00:00:00+03:30',
    });
    expect(textLater.status).toBe(422);
    expect(textLater.body.code).toBe('INVALID_TIME_RANGE');
    // ...and 01:00+03:30 on the 29th is 21:30Z on the 28th, the same instant as the end.
    const same = await ctx.api.post('/events').send({
      title: 'Instant',
      kind: 'drone_attack',
      startsAt: '2023-01-29T01:00:00+03:30',
      endsAt: '2023-01-28T21:30:00Z',
    });
    expect(same.status).toBe(201);
    expect(same.body).toMatchObject({
      startsAt: '2023-01-28T21:30:00.000Z',
      endsAt: '2023-01-28T21:30:00.000Z',
    });
  });

  it('checks the time range against the stored side when a PATCH changes one side', async () => {
    const event = await createEvent(ctx.api, {
      startsAt: '2023-01-28T20:00:00Z',
      endsAt: '2023-01-28T21:00:00Z',
    });

    const earlyEnd = await ctx.api.patch(`/events/${event.id}`).send({ endsAt: '2023-01-28T19:00:00Z' });
    expectProblem(earlyEnd, 422, 'INVALID_TIME_RANGE', `/events/${event.id}`, {
      title: 'The event ends before it starts',
      detail: expect.any(String),
      errors: [{ in: 'body', pointer: '/endsAt', message: expect.any(String) }],
    });

    const lateStart = await ctx.api.patch(`/events/${event.id}`).send({ startsAt: '2023-01-28T22:00:00Z' });
    expect(lateStart.status).toBe(422);
    expect(lateStart.body).toMatchObject({
      code: 'INVALID_TIME_RANGE',
      errors: [{ in: 'body', pointer: '/endsAt' }],
    });

    expect((await ctx.api.get(`/events/${event.id}`)).body).toMatchObject({
      startsAt: '2023-01-28T20:00:00.000Z',
      endsAt: '2023-01-28T21:00:00.000Z',
    });

    // Clearing the end lifts the constraint; a later start is then fine.
    const cleared = await ctx.api
      .patch(`/events/${event.id}`)
      .send({ endsAt: null, startsAt: '2023-01-28T22:00:00+03:30', timePrecision: 'hour' });
    expect(cleared.status).toBe(200);
    expect((await ctx.api.get(`/events/${event.id}`)).body).toMatchObject({
      startsAt: '2023-01-28T18:30:00.000Z',
      endsAt: null,
      timePrecision: 'hour',
    });
  });

  it('updates fields, moves the event under a parent, and clears it with null', async () => {
    const parent = await createEvent(ctx.api, { title: 'Campaign', kind: 'campaign' });
    const event = await createEvent(ctx.api, { placeName: 'Isfahan' });
    const res = await ctx.api
      .patch(`/events/${event.id}`)
      .send({ parentId: parent.id, placeName: 'Shahin Shahr', summary: 'Revised' });
    expect(res.status).toBe(200);
    expect((await ctx.api.get(`/events/${event.id}`)).body).toMatchObject({
      parentId: parent.id,
      parent: { id: parent.id, title: 'Campaign' },
      placeName: 'Shahin Shahr',
      summary: 'Revised',
      title: 'Drone attack in Isfahan',
    });
    // The search follows the new place name.
    expect(titles(await ctx.api.get('/events').query({ q: 'shahin' }))).toEqual(['Drone attack in Isfahan']);

    const renamed = await ctx.api.patch(`/events/${parent.id}`).send({ title: 'Long campaign' });
    expect(renamed.status).toBe(200);
    expect((await ctx.api.get(`/events/${event.id}`)).body.parent).toEqual({
      id: parent.id,
      title: 'Long campaign',
    });

    const detached = await ctx.api.patch(`/events/${event.id}`).send({ parentId: null });
    expect(detached.status).toBe(200);
    expect((await ctx.api.get(`/events/${event.id}`)).body).toMatchObject({ parentId: null, parent: null });
  });

  it('refuses a parent that would make a cycle, and changes nothing', async () => {
    const war = await createEvent(ctx.api, { title: 'War', kind: 'campaign' });
    const wave = await createEvent(ctx.api, { title: 'Wave', kind: 'campaign', parentId: war.id });
    const strike = await createEvent(ctx.api, { title: 'Strike', parentId: wave.id });

    const res = await ctx.api.patch(`/events/${war.id}`).send({ parentId: strike.id });
    expectProblem(res, 422, 'HIERARCHY_CYCLE', `/events/${war.id}`, {
      title: 'The parent would make a cycle',
      detail: `Event ${strike.id} is event ${war.id} or lies below it, so it cannot be its parent.`,
      errors: [{ in: 'body', pointer: '/parentId', message: expect.any(String) }],
    });
    const self = await ctx.api.patch(`/events/${wave.id}`).send({ parentId: wave.id });
    expect(self.status).toBe(422);
    expect(self.body).toMatchObject({ code: 'HIERARCHY_CYCLE', errors: [{ pointer: '/parentId' }] });

    expect((await ctx.api.get(`/events/${war.id}`)).body).toMatchObject({ parentId: null, parent: null });
    expect((await ctx.api.get(`/events/${wave.id}`)).body.parentId).toBe(war.id);
  });

  it('answers 422 for a parent that does not exist, on create and on update', async () => {
    const res = await ctx.api.post('/events').send({ title: 'X', kind: 'x', parentId: 424242 });
    expectProblem(res, 422, 'REFERENCE_NOT_FOUND', '/events', {
      title: 'A referenced record does not exist',
      detail: 'Event 424242 does not exist.',
      errors: [{ in: 'body', pointer: '/parentId', message: 'Event 424242 does not exist.' }],
    });
    expect((await ctx.api.get('/events')).body.data).toEqual([]);

    const event = await createEvent(ctx.api);
    const patch = await ctx.api.patch(`/events/${event.id}`).send({ parentId: 424242 });
    expect(patch.status).toBe(422);
    expect(patch.body).toMatchObject({
      code: 'REFERENCE_NOT_FOUND',
      errors: [{ in: 'body', pointer: '/parentId', message: 'Event 424242 does not exist.' }],
    });
    expect((await ctx.api.get(`/events/${event.id}`)).body.parentId).toBeNull();
  });

  it('finds events by title or place name, case-insensitively and literally', async () => {
    await createEvent(ctx.api, { title: 'Drone attack', placeName: 'Isfahan' });
    await createEvent(ctx.api, { title: 'Explosion at ISFAHAN refinery', kind: 'explosion' });
    await createEvent(ctx.api, { title: 'Statement', kind: 'statement', placeName: 'Tehran' });
    await createEvent(ctx.api, { title: '100% sure', kind: 'statement' });

    expect(titles(await ctx.api.get('/events').query({ q: 'isfahan' }))).toEqual([
      'Drone attack',
      'Explosion at ISFAHAN refinery',
    ]);
    expect(titles(await ctx.api.get('/events').query({ q: 'TEHRAN' }))).toEqual(['Statement']);
    expect(titles(await ctx.api.get('/events').query({ q: 'drone ATTACK' }))).toEqual(['Drone attack']);
    expect(titles(await ctx.api.get('/events').query({ q: '0%' }))).toEqual(['100% sure']);
    expect((await ctx.api.get('/events').query({ q: '_' })).body.data).toEqual([]);
  });

  it('filters by kind and by parent', async () => {
    const war = await createEvent(ctx.api, { title: 'War', kind: 'campaign' });
    const other = await createEvent(ctx.api, { title: 'Other', kind: 'campaign' });
    await createEvent(ctx.api, { title: 'Strike 1', kind: 'drone_attack', parentId: war.id });
    await createEvent(ctx.api, { title: 'Statement', kind: 'statement', parentId: war.id });
    await createEvent(ctx.api, { title: 'Strike 2', kind: 'drone_attack', parentId: other.id });

    expect(titles(await ctx.api.get('/events').query({ kind: 'drone_attack' }))).toEqual([
      'Strike 1',
      'Strike 2',
    ]);
    expect(titles(await ctx.api.get('/events').query({ parent: war.id }))).toEqual(['Strike 1', 'Statement']);
    expect(titles(await ctx.api.get('/events').query({ parent: war.id, kind: 'drone_attack' }))).toEqual([
      'Strike 1',
    ]);
    expect((await ctx.api.get('/events').query({ kind: 'sanctions' })).body.data).toEqual([]);
    expect((await ctx.api.get('/events').query({ parent: 424242 })).body.data).toEqual([]);

    const badParent = await ctx.api.get('/events').query({ parent: 'war' });
    expect(badParent.status).toBe(400);
    expect(badParent.body.errors).toEqual([{ in: 'query', pointer: '/parent', message: expect.any(String) }]);
  });

  it('pages through events with a cursor and a Link header, keeping the filters', async () => {
    for (const title of ['A', 'B', 'C', 'D', 'E']) await createEvent(ctx.api, { title });
    await createEvent(ctx.api, { title: 'Other', kind: 'statement' });

    const first = await ctx.api.get('/events?kind=drone_attack&limit=2');
    expect(titles(first)).toEqual(['A', 'B']);
    expect(first.headers.link).toBe(
      `</events?kind=drone_attack&limit=2&cursor=${first.body.nextCursor}>; rel="next"`,
    );
    const second = await ctx.api.get(`/events?kind=drone_attack&limit=2&cursor=${first.body.nextCursor}`);
    expect(titles(second)).toEqual(['C', 'D']);
    const link = second.headers.link as string;
    const next = link.slice(1, link.indexOf('>'));
    const third = await ctx.api.get(next);
    expect(third.body).toEqual({ data: [expect.objectContaining({ title: 'E' })], nextCursor: null });
    expect(third.headers.link).toBeUndefined();

    const all = await ctx.api.get('/events');
    expect(titles(all)).toEqual(['A', 'B', 'C', 'D', 'E', 'Other']);
    expect(all.body.nextCursor).toBeNull();
  });

  it('refuses to delete an event while a claim, an attribution or a sub-event refers to it', async () => {
    const event = await createEvent(ctx.api);
    const source = await createSource(ctx.api);
    const claim = await createClaim(ctx.api, { sourceId: source.id, eventId: event.id });
    expect(claim.event).toEqual({ id: event.id, title: event.title });

    const res = await ctx.api.delete(`/events/${event.id}`);
    expectProblem(res, 409, 'RESOURCE_IN_USE', `/events/${event.id}`, {
      title: 'The resource is still referenced',
      detail: `Event ${event.id} is still referenced by 1 claims about it.`,
    });
    expect((await ctx.api.get(`/events/${event.id}`)).status).toBe(200);

    const blamed = await createActor(ctx.api, { name: 'Israel', kind: 'state' });
    await createAttribution(ctx.api, { eventId: event.id, actorId: blamed.id, claimId: claim.id });
    await createEvent(ctx.api, { title: 'Aftermath', parentId: event.id });
    const again = await ctx.api.delete(`/events/${event.id}`);
    expect(again.status).toBe(409);
    expect(again.body.detail).toBe(
      `Event ${event.id} is still referenced by 1 events under it, 1 claims about it, 1 attributions for it.`,
    );
    expect((await ctx.api.get(`/events/${event.id}`)).status).toBe(200);
  });

  it('deletes an unreferenced event, then answers 404', async () => {
    const parent = await createEvent(ctx.api, { title: 'Parent', kind: 'campaign' });
    const child = await createEvent(ctx.api, { title: 'Child', parentId: parent.id });

    expect((await ctx.api.delete(`/events/${parent.id}`)).status).toBe(409);
    const res = await ctx.api.delete(`/events/${child.id}`);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect((await ctx.api.get(`/events/${child.id}`)).status).toBe(404);
    // With the child gone the parent is free.
    expect((await ctx.api.delete(`/events/${parent.id}`)).status).toBe(204);
    expect((await ctx.api.get('/events')).body.data).toEqual([]);
  });

  it('answers 404 problems for a missing event and 400 for a bad id', async () => {
    const missing = await ctx.api.get('/events/424242');
    expectProblem(missing, 404, 'EVENT_NOT_FOUND', '/events/424242', {
      title: 'Event not found',
      detail: 'Event 424242 does not exist.',
    });
    const patch = await ctx.api.patch('/events/424242').send({ title: 'x' });
    expect(patch.status).toBe(404);
    expect(patch.body.code).toBe('EVENT_NOT_FOUND');
    const del = await ctx.api.delete('/events/424242');
    expect(del.status).toBe(404);
    expect(del.body.code).toBe('EVENT_NOT_FOUND');

    const bad = await ctx.api.get('/events/0');
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ in: 'params', pointer: '/eventId', message: expect.any(String) }]);
  });
});
