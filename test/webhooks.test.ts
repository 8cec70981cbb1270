import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import type { BuildAppOptions } from '../src/app.js';
import { createAddressPolicy, isValidSecret, nextAttemptAt, signatureOf } from '../src/domain/webhooks.js';
import { buildTestApp, expectProblem, type TestContext } from './helpers/app.js';
import { createActor } from './helpers/factories.js';
import { type Receiver, type Reply, startReceiver } from './helpers/receiver.js';

let ctx: TestContext | undefined;
const receivers: Receiver[] = [];
afterEach(async () => {
  await ctx?.close();
  ctx = undefined;
  for (const r of receivers.splice(0)) await r.close();
});

/** An app whose deliveries may reach 127.0.0.1 only (not the rest of the loopback range). */
async function app(options: Partial<BuildAppOptions> = {}) {
  ctx = await buildTestApp({
    webhookAllowedNetworks: ['127.0.0.1/32'],
    webhookRetryBaseMs: 10,
    webhookTimeoutMs: 1_000,
    ...options,
  });
  return ctx;
}

async function receiver(respond?: (n: number) => Reply, host?: string) {
  const r = await startReceiver(host, respond);
  receivers.push(r);
  return r;
}

async function subscribe(c: TestContext, url: string, body: Record<string, unknown> = {}) {
  const res = await c.api.post('/webhooks').send({ url, eventTypes: ['*'], ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: number; secret: string };
}

const deliveriesOf = async (c: TestContext, webhookId: number) =>
  (await c.api.get(`/webhooks/${webhookId}/deliveries?limit=100`)).body.data as {
    id: number;
    status: string;
    messageId: string;
    attempts: number;
    eventType: string;
    changeId: number;
  }[];

/** Runs dispatcher passes until `done` holds (retries are a few ms apart in these tests). */
async function dispatchUntil(c: TestContext, done: () => Promise<boolean> | boolean, passes = 200) {
  for (let i = 0; i < passes; i++) {
    await c.app.webhooks.dispatcher.tick();
    if (await done()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the dispatcher did not get there');
}

describe('webhook subscriptions', () => {
  it('creates a subscription with a generated whsec_ secret shown once, audited without the secret', async () => {
    const c = await app();
    const r = await receiver();
    const res = await c.api.post('/webhooks').send({ url: r.url, eventTypes: ['claim.*', 'actor.created'] });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/webhooks/${res.body.id}`);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(isValidSecret(res.body.secret)).toBe(true);
    expect(res.body).toMatchObject({ url: r.url, eventTypes: ['claim.*', 'actor.created'], enabled: true });
    const stored = (await c.api.get(`/webhooks/${res.body.id}`)).body;
    expect(stored.secret).toBeUndefined();
    const { secret: _s, ...withoutSecret } = res.body;
    expect(stored).toEqual(withoutSecret);
    const audit = (await c.api.get('/audit?resource=webhook')).body.data;
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(res.body.secret);
    expect((await c.api.get('/changes')).body.data).toEqual([]);
  });

  it('takes a given secret, refuses a malformed one and unknown event types, and is admin only', async () => {
    const c = await app();
    const r = await receiver();
    const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    expect((await subscribe(c, r.url, { secret })).secret).toBe(secret);
    const bad = await c.api.post('/webhooks').send({ url: r.url, eventTypes: ['*'], secret: 'hunter2' });
    expectProblem(bad, 400, 'VALIDATION_FAILED', '/webhooks', {
      title: 'The request is not valid',
      detail: 'The secret must be whsec_ followed by 24 to 64 bytes in base64.',
      errors: [
        {
          in: 'body',
          pointer: '/secret',
          message: 'The secret must be whsec_ followed by 24 to 64 bytes in base64.',
        },
      ],
    });
    const unknown = await c.api.post('/webhooks').send({ url: r.url, eventTypes: ['claim.exploded'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].pointer).toBe('/eventTypes/0');
    const editor = await c.anonymous
      .post('/webhooks')
      .set('authorization', `Bearer ${c.keys.editor}`)
      .send({ url: r.url, eventTypes: ['*'] });
    expect(editor.status).toBe(403);
  });

  it('queues deliveries in the change’s own transaction, only for the event types asked for', async () => {
    const c = await app();
    const r = await receiver();
    const claims = await subscribe(c, r.url, { eventTypes: ['claim.*'] });
    const actors = await subscribe(c, r.url, { eventTypes: ['actor.updated'] });
    const everything = await subscribe(c, r.url);
    const actor = await createActor(c.api);
    await c.api.patch(`/actors/${actor.id}`).send({ description: 'x' }).expect(200);
    // A write that fails leaves neither a change nor a delivery behind.
    const failed = await c.api.post('/claims').send({
      sourceId: 999,
      text: 'x',
      stance: 'asserts',
      modality: 'paraphrase',
      quote: { exact: 'x' },
    });
    expect(failed.status).toBe(422);
    expect(await deliveriesOf(c, claims.id)).toEqual([]);
    expect((await deliveriesOf(c, actors.id)).map((d) => d.eventType)).toEqual(['actor.updated']);
    const all = await deliveriesOf(c, everything.id);
    expect(all.map((d) => [d.eventType, d.status, d.attempts])).toEqual([
      ['actor.created', 'pending', 0],
      ['actor.updated', 'pending', 0],
    ]);
    const changes = (await c.api.get('/changes')).body.data.map((ch: { id: number }) => ch.id);
    expect(all.map((d) => d.changeId)).toEqual(changes);
    expect(new Set(all.map((d) => d.messageId)).size).toBe(2);
    expect(r.received).toHaveLength(0);
  });
});

describe('managing subscriptions', () => {
  it('PATCH changes the URL and event types (checked again), DELETE drops the queue and log with it', async () => {
    const c = await app();
    const r = await receiver();
    const hook = await subscribe(c, r.url, { eventTypes: ['actor.*'] });
    const patched = await c.api
      .patch(`/webhooks/${hook.id}`)
      .send({ eventTypes: ['claim.created'], description: 'Desk' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ eventTypes: ['claim.created'], description: 'Desk', enabled: true });
    const refused = await c.api.patch(`/webhooks/${hook.id}`).send({ url: 'http://10.0.0.8/hook' });
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('WEBHOOK_URL_REFUSED');
    expect((await c.api.get(`/webhooks/${hook.id}`)).body.url).toBe(r.url);
    await c.api
      .patch(`/webhooks/${hook.id}`)
      .send({ eventTypes: ['*'] })
      .expect(200);
    await createActor(c.api);
    expect(await deliveriesOf(c, hook.id)).toHaveLength(1);
    const off = await c.api.patch(`/webhooks/${hook.id}`).send({ enabled: false });
    expect(off.body).toMatchObject({ enabled: false, disabledReason: 'Disabled by an admin.' });
    await createActor(c.api, { name: 'Not queued' });
    expect(await deliveriesOf(c, hook.id)).toHaveLength(1);

    expect((await c.api.delete(`/webhooks/${hook.id}`)).status).toBe(204);
    expectProblem(
      await c.api.get(`/webhooks/${hook.id}/deliveries`),
      404,
      'WEBHOOK_NOT_FOUND',
      `/webhooks/${hook.id}/deliveries`,
      {
        title: 'Webhook not found',
        detail: `Webhook ${hook.id} does not exist.`,
      },
    );
    const count = c.app.db.$client.prepare('SELECT count(*) AS n FROM webhook_deliveries').get() as {
      n: number;
    };
    expect(count.n).toBe(0);
    const audit = (await c.api.get('/audit?resource=webhook')).body.data.map(
      (a: { operation: string }) => a.operation,
    );
    expect(audit).toEqual(['create', 'update', 'update', 'update', 'delete']);
  });
});

describe('delivery', () => {
  it('signs per Standard Webhooks: the standardwebhooks package verifies every delivery', async () => {
    const c = await app();
    const r = await receiver();
    const hook = await subscribe(c, r.url);
    const actor = await createActor(c.api);
    await c.app.webhooks.dispatcher.tick();
    expect(r.received).toHaveLength(1);
    const [request] = r.received;
    const headers = request?.headers as Record<string, string>;
    expect(headers['content-type']).toBe('application/json');
    expect(headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
    const payload = new Webhook(hook.secret).verify(request?.body ?? '', headers) as Record<string, unknown>;
    const change = (await c.api.get('/changes')).body.data[0];
    expect(payload).toEqual({ type: 'actor.created', timestamp: change.time, data: change });
    expect((payload.data as { record: unknown }).record).toEqual(actor);
    // A forged body does not verify.
    expect(() => new Webhook(hook.secret).verify(`${request?.body} `, headers)).toThrow();
    const [delivery] = await deliveriesOf(c, hook.id);
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 1, messageId: headers['webhook-id'] });
    const detail = (await c.api.get(`/webhooks/${hook.id}/deliveries/${delivery?.id}`)).body;
    expect(detail.attemptLog).toEqual([
      {
        attemptedAt: expect.any(String),
        statusCode: 200,
        error: null,
        durationMs: expect.any(Number),
        responseExcerpt: 'ok',
      },
    ]);
  });

  it('a receiver that fails twice then succeeds gets the event three times with the same webhook-id', async () => {
    const c = await app();
    const r = await receiver((n) => (n <= 2 ? { status: n === 1 ? 500 : 503 } : { status: 204 }));
    const hook = await subscribe(c, r.url);
    await createActor(c.api);
    await dispatchUntil(c, async () => (await deliveriesOf(c, hook.id))[0]?.status === 'succeeded');
    expect(r.received).toHaveLength(3);
    const ids = r.received.map((q) => q.headers['webhook-id']);
    expect(new Set(ids).size).toBe(1);
    for (const q of r.received) {
      expect(() =>
        new Webhook(hook.secret).verify(q.body, q.headers as Record<string, string>),
      ).not.toThrow();
    }
    expect(new Set(r.received.map((q) => q.body)).size).toBe(1);
    const [delivery] = await deliveriesOf(c, hook.id);
    const detail = (await c.api.get(`/webhooks/${hook.id}/deliveries/${delivery?.id}`)).body;
    expect(detail.attemptLog.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 503, 204]);
    expect(detail).toMatchObject({ status: 'succeeded', attempts: 3, lastError: null, nextAttemptAt: null });
  });

  it('gives up after the retry window, disables a subscription after repeated failures, and redelivers by hand', async () => {
    const c = await app({
      webhookRetryWindowMs: 1_000,
      webhookRetryBaseMs: 200,
      webhookDisableAfterFailures: 2,
    });
    let healthy = false;
    const r = await receiver(() => (healthy ? { status: 200 } : { status: 500, body: 'x'.repeat(5_000) }));
    const hook = await subscribe(c, r.url);
    await createActor(c.api, { name: 'One' });
    await dispatchUntil(c, async () => (await deliveriesOf(c, hook.id))[0]?.status === 'failed', 500);
    const [failed] = await deliveriesOf(c, hook.id);
    // 200, 400 and 800 ms after the attempts: the fourth would fall outside the one-second window.
    expect(failed?.attempts).toBe(3);
    const detail = (await c.api.get(`/webhooks/${hook.id}/deliveries/${failed?.id}`)).body;
    expect(detail.lastError).toBe('answered 500');
    expect(detail.attemptLog[0].responseExcerpt).toHaveLength(1024);
    expect((await c.api.get(`/webhooks/${hook.id}`)).body).toMatchObject({
      enabled: true,
      consecutiveFailures: 1,
    });

    await createActor(c.api, { name: 'Two' });
    await dispatchUntil(c, async () => (await c.api.get(`/webhooks/${hook.id}`)).body.enabled === false, 500);
    expect((await c.api.get(`/webhooks/${hook.id}`)).body).toMatchObject({
      enabled: false,
      consecutiveFailures: 2,
      disabledReason: '2 deliveries in a row failed after a day of retries.',
    });
    // Disabled: changes queue nothing and redelivery is refused until it is enabled again.
    await createActor(c.api, { name: 'Three' });
    expect(await deliveriesOf(c, hook.id)).toHaveLength(2);
    const refused = await c.api.post(`/webhooks/${hook.id}/deliveries/${failed?.id}/redelivery`);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('WEBHOOK_DISABLED');

    await c.api.patch(`/webhooks/${hook.id}`).send({ enabled: true }).expect(200);
    healthy = true;
    const before = r.received.length;
    const again = await c.api.post(`/webhooks/${hook.id}/deliveries/${failed?.id}/redelivery`);
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ status: 'pending', messageId: failed?.messageId });
    await dispatchUntil(c, async () => (await deliveriesOf(c, hook.id))[0]?.status === 'succeeded');
    expect(r.received.slice(before).map((q) => q.headers['webhook-id'])).toContain(failed?.messageId);
  });

  it('does not retry a 410 Gone, and disables the subscription after three in a row', async () => {
    const c = await app();
    const r = await receiver(() => ({ status: 410 }));
    const hook = await subscribe(c, r.url);
    for (const name of ['A', 'B', 'C']) await createActor(c.api, { name });
    await dispatchUntil(c, async () => (await deliveriesOf(c, hook.id)).every((d) => d.status === 'failed'));
    expect(r.received).toHaveLength(3);
    expect((await deliveriesOf(c, hook.id)).map((d) => d.attempts)).toEqual([1, 1, 1]);
    expect((await c.api.get(`/webhooks/${hook.id}`)).body).toMatchObject({
      enabled: false,
      consecutiveGone: 3,
      disabledReason: 'The receiver answered 410 Gone 3 times in a row.',
    });
  });

  it('follows no redirect, cuts off a receiver that does not answer, and reads at most 1 KB of an answer', async () => {
    const c = await app({ webhookTimeoutMs: 300 });
    const elsewhere = await receiver();
    const redirecting = await receiver(() => ({ status: 307, headers: { location: elsewhere.url } }));
    const silent = await receiver(() => 'hang');
    const hooks = [await subscribe(c, redirecting.url), await subscribe(c, silent.url)];
    await createActor(c.api);
    await c.app.webhooks.dispatcher.tick();
    const [redirected] = await deliveriesOf(c, hooks[0]?.id ?? 0);
    const [timedOut] = await deliveriesOf(c, hooks[1]?.id ?? 0);
    const detail = async (hook: number, id?: number) =>
      (await c.api.get(`/webhooks/${hook}/deliveries/${id}`)).body;
    expect((await detail(hooks[0]?.id ?? 0, redirected?.id)).lastError).toBe(
      'answered 307: redirects are not followed',
    );
    expect(elsewhere.received).toHaveLength(0);
    expect((await detail(hooks[1]?.id ?? 0, timedOut?.id)).lastError).toBe('timed out after 300 ms');
    expect(redirected?.status).toBe('pending');
  });
});

describe('destinations are checked against SSRF', () => {
  it('refuses loopback, private, link-local, unique-local, multicast and unspecified addresses and never connects', async () => {
    const c = await app();
    // A real receiver on another loopback address: it must never see a connection.
    const target = await receiver(undefined, '127.0.0.2');
    const refused = [
      target.url,
      'http://10.0.0.1/hook',
      'http://172.16.5.4/hook',
      'http://192.168.1.1/hook',
      'http://169.254.169.254/latest/meta-data',
      'http://0.0.0.0:8080/',
      'http://224.0.0.1/',
      'http://[::1]/',
      'http://[fd00::1]/',
      'http://[fe80::1]/',
      `http://[::ffff:127.0.0.2]:${target.port}/`,
    ];
    for (const url of refused) {
      const res = await c.api.post('/webhooks').send({ url, eventTypes: ['*'] });
      expect(res.status, url).toBe(422);
      expect(res.body.code).toBe('WEBHOOK_URL_REFUSED');
      expect(res.body.errors[0].pointer).toBe('/url');
    }
    expect(target.connections()).toBe(0);
    expect((await c.api.get('/webhooks')).body.data).toEqual([]);
    const credentials = await c.api
      .post('/webhooks')
      .send({ url: 'https://user:pw@example.org/', eventTypes: ['*'] });
    expect(credentials.status).toBe(400);
  });

  it('checks every attempt against the address it connects to: a name that rebinds to a refused address is never reached', async () => {
    const target = await receiver(undefined, '127.0.0.2');
    const allowed = await receiver();
    let lookups = 0;
    const c = await app({
      // The first answer (when the subscription is made) is allowed; later ones point elsewhere.
      webhookResolver: async () => [{ address: lookups++ === 0 ? '127.0.0.1' : '127.0.0.2', family: 4 }],
    });
    const hook = await subscribe(c, `http://rebind.test:${target.port}/hook`);
    await createActor(c.api);
    await c.app.webhooks.dispatcher.tick();
    const [delivery] = await deliveriesOf(c, hook.id);
    const detail = (await c.api.get(`/webhooks/${hook.id}/deliveries/${delivery?.id}`)).body;
    expect(detail.lastError).toMatch(/^refused: rebind\.test: 127\.0\.0\.2 is a loopback/);
    expect(detail.attemptLog[0].statusCode).toBeNull();
    expect(target.connections()).toBe(0);
    expect(allowed.connections()).toBe(0);
  });

  it('the address policy', () => {
    const policy = createAddressPolicy(['127.0.0.1/32', '2001:db8:1::/48']);
    const ok = ['127.0.0.1', '93.184.216.34', '2606:4700::1111', '2001:db8:1::5', '::ffff:127.0.0.1'];
    const no = [
      '127.0.0.2',
      '10.1.2.3',
      '100.64.0.1',
      '169.254.169.254',
      '192.168.0.1',
      '0.0.0.0',
      '255.255.255.255',
      '::',
      '::1',
      'fc00::1',
      'fe80::1',
      'ff02::1',
      '2001:db8::1',
      '::ffff:10.0.0.1',
      '::ffff:7f00:2',
    ];
    for (const a of ok) expect(policy.refusal(a), a).toBeNull();
    for (const a of no) expect(policy.refusal(a), a).not.toBeNull();
  });
});

describe('the dispatcher runs with the app', () => {
  it('delivers on its own once started, and stops when the app closes, in-flight attempts included', async () => {
    const c = await app({ webhookDispatch: true, webhookPollMs: 20, webhookTimeoutMs: 30_000 });
    let hang = false;
    const r = await receiver(() => (hang ? 'hang' : { status: 200 }));
    const hook = await subscribe(c, r.url);
    await createActor(c.api, { name: 'Delivered' });
    await r.waitFor(1);
    hang = true;
    await createActor(c.api, { name: 'In flight' });
    await r.waitFor(2);
    const started = Date.now();
    await c.close();
    ctx = undefined;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(r.received).toHaveLength(2);
    expect(hook.id).toBeGreaterThan(0);
  });
});

describe('signature and retry rules', () => {
  it('match the Standard Webhooks reference signature and double the delay within the window', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const wh = new Webhook(secret);
    const at = new Date(1_700_000_000_000);
    expect(signatureOf(secret, 'msg_1', 1_700_000_000, '{"a":1}')).toBe(wh.sign('msg_1', at, '{"a":1}'));
    const policy = { baseDelayMs: 5_000, windowMs: 24 * 60 * 60 * 1000 };
    const start = new Date(0);
    let now = start;
    const delays: number[] = [];
    for (let attempts = 1; ; attempts++) {
      const next = nextAttemptAt(policy, start, attempts, now);
      if (!next) break;
      delays.push(next.getTime() - now.getTime());
      now = next;
    }
    expect(delays.slice(0, 4)).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(delays).toHaveLength(14);
    expect(now.getTime()).toBeLessThanOrEqual(policy.windowMs);
  });
});
