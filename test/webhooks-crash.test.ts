import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import { afterAll, describe, expect, it } from 'vitest';
import { type Receiver, startReceiver } from './helpers/receiver.js';
import { generateKey, killHard, type ServerProcess, startServer } from './helpers/server-process.js';

/*
 * At-least-once across crashes, with the real server (src/server.ts) in a child process on a database file:
 * a server SIGKILLed while a delivery is in flight sends it again after the restart (same webhook-id), and a
 * change committed while no dispatcher runs is delivered by the next server that does.
 */

const dir = mkdtempSync(join(tmpdir(), 'claimledger-webhooks-crash-'));
const adminKey = generateKey();
let server: ServerProcess | undefined;
let receiver: Receiver | undefined;

afterAll(async () => {
  await killHard(server);
  await receiver?.close();
  rmSync(dir, { recursive: true, force: true });
});

const env = (dispatch: boolean) => ({
  DATABASE_PATH: join(dir, 'ledger.db'),
  SEED: 'false',
  CREATE_DATABASE: 'true',
  BOOTSTRAP_ADMIN_KEY: adminKey,
  WEBHOOK_DISPATCH: String(dispatch),
  WEBHOOK_ALLOWED_NETWORKS: '127.0.0.1/32',
  WEBHOOK_TIMEOUT_MS: '1000',
  WEBHOOK_POLL_MS: '50',
  WEBHOOK_RETRY_BASE_MS: '100',
});

async function call(method: string, path: string, body?: unknown) {
  if (!server) throw new Error('no server');
  const res = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('webhook deliveries survive a crash', () => {
  it('a server killed mid-delivery delivers after restart; a change queued with no dispatcher is sent later', async () => {
    // The first request is never answered: the server is killed while it waits.
    receiver = await startReceiver('127.0.0.1', (n) => (n === 1 ? 'hang' : { status: 200 }));
    server = await startServer(env(true));
    const hook = await call('POST', '/webhooks', { url: receiver.url, eventTypes: ['actor.*'] });
    expect(hook.status).toBe(201);
    const secret = hook.body.secret as string;
    expect((await call('POST', '/actors', { name: 'Before the crash', kind: 'person' })).status).toBe(201);
    await receiver.waitFor(1);
    await killHard(server);

    // A server with no dispatcher: the change is queued in its transaction, and nothing is sent.
    server = await startServer(env(false));
    expect((await call('POST', '/actors', { name: 'While nobody dispatches', kind: 'person' })).status).toBe(
      201,
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(receiver.received).toHaveLength(1);
    await killHard(server);

    server = await startServer(env(true));
    // The in-flight one waits for its lease (2 x timeout + 1 s) to run out; the queued one goes at once.
    await receiver.waitFor(3, 20_000);
    const verify = new Webhook(secret);
    const names = receiver.received.map((r) => {
      const payload = verify.verify(r.body, r.headers as Record<string, string>) as {
        data: { record: { name: string } };
      };
      return [payload.data.record.name, r.headers['webhook-id']];
    });
    const first = names[0];
    expect(first?.[0]).toBe('Before the crash');
    expect(names.slice(1)).toEqual(
      expect.arrayContaining([first, ['While nobody dispatches', expect.stringMatching(/^msg_/)]]),
    );

    const deliveries = (await call('GET', `/webhooks/${hook.body.id}/deliveries`)).body.data as {
      status: string;
      messageId: string;
    }[];
    expect(deliveries.map((d) => d.status)).toEqual(['succeeded', 'succeeded']);
    expect(deliveries[0]?.messageId).toBe(first?.[1]);
  }, 60_000);
});
