import type { FastifyInstance } from 'fastify';
import { type AddressPolicy, nextAttemptAt, type RetryPolicy, signedHeaders } from '../../domain/webhooks.js';
import { type Resolver, sendDelivery } from './webhooks.delivery.js';
import { createWebhooksRepository, type DueDelivery } from './webhooks.repository.js';

export interface DispatcherSettings {
  policy: AddressPolicy;
  resolve: Resolver;
  retry: RetryPolicy;
  timeoutMs: number;
  pollMs: number;
  concurrency: number;
  disableAfterGone: number;
  disableAfterFailures: number;
}

export interface Dispatcher {
  start(): void;
  /** Looks for due deliveries now rather than at the next poll (after a write, say). */
  wake(): void;
  /** One pass: takes what is due (up to the concurrency) and resolves when those attempts are recorded. */
  tick(): Promise<void>;
  /** Stops polling and aborts attempts in flight; they stay queued and are retried once their lease ends. */
  stop(): Promise<void>;
}

/** The body of a delivery: the change as the change feed has it, in the Standard Webhooks envelope. */
export const payloadOf = (d: DueDelivery) =>
  JSON.stringify({ type: d.eventType, timestamp: d.change.time, data: d.change });

/**
 * Sends queued deliveries in the background, at least once each: a delivery is leased (its next attempt
 * moved past the attempt's timeout) before it is sent and recorded after, both through the one write path,
 * so a process that dies mid-attempt leaves it queued and the next process sends it again (the receiver
 * sees the same webhook-id twice). Failures are retried with doubling delays for the retry window.
 */
export function createDispatcher(app: FastifyInstance, settings: DispatcherSettings): Dispatcher {
  const repo = createWebhooksRepository(app.db);
  const inFlight = new Map<number, Promise<void>>();
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let stopped = false;

  async function attempt(d: DueDelivery): Promise<void> {
    const leaseUntil = new Date(Date.now() + settings.timeoutMs * 2 + 1_000).toISOString();
    const leased = await app.write(() => repo.lease(d.id, d.nextAttemptAt, leaseUntil));
    if (!leased || stopped) return;
    const body = payloadOf(d);
    const started = new Date();
    const response = await sendDelivery({
      url: d.url,
      headers: signedHeaders(d.secret, d.messageId, started, body),
      body,
      timeoutMs: settings.timeoutMs,
      policy: settings.policy,
      resolve: settings.resolve,
      signal: controller.signal,
    });
    // Shutting down: nothing is recorded; the lease runs out and the delivery is sent again later.
    if (stopped) return;
    const now = new Date();
    const status = response.statusCode;
    const succeeded = status !== null && status >= 200 && status < 300;
    const gone = status === 410;
    const next =
      succeeded || gone
        ? null
        : nextAttemptAt(settings.retry, new Date(d.windowStartedAt), d.attempts + 1, now);
    await app.write(() =>
      repo.record(
        d,
        {
          at: started.toISOString(),
          statusCode: status,
          error: response.error,
          durationMs: now.getTime() - started.getTime(),
          responseExcerpt: response.responseExcerpt,
        },
        { nextAttemptAt: next?.toISOString() ?? null, succeeded, gone },
        { disableAfterGone: settings.disableAfterGone, disableAfterFailures: settings.disableAfterFailures },
      ),
    );
  }

  /** Starts an attempt for each due delivery there is room for; returns the attempts started. */
  function pass(): Promise<void>[] {
    const room = settings.concurrency - inFlight.size;
    if (room <= 0 || stopped) return [];
    const due = repo.due(new Date().toISOString(), room, [...inFlight.keys()]);
    return due.map((d) => {
      const p = attempt(d)
        .catch((err) => app.log.error({ err, deliveryId: d.id }, 'webhook delivery failed'))
        .finally(() => {
          inFlight.delete(d.id);
          // A slot is free: look again at once rather than at the next poll.
          if (running && !stopped) schedule(0);
        });
      inFlight.set(d.id, p);
      return p;
    });
  }

  function schedule(delay: number) {
    if (stopped || !running) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      try {
        pass();
      } catch (err) {
        app.log.error({ err }, 'webhook dispatcher pass failed');
      }
      schedule(settings.pollMs);
    }, delay);
    timer.unref();
  }

  const dispatcher: Dispatcher = {
    start() {
      if (running || stopped) return;
      running = true;
      schedule(0);
    },
    wake() {
      if (running) schedule(0);
    },
    async tick() {
      await Promise.all(pass());
    },
    async stop() {
      stopped = true;
      running = false;
      clearTimeout(timer);
      controller.abort();
      await Promise.allSettled([...inFlight.values()]);
    },
  };
  return dispatcher;
}
