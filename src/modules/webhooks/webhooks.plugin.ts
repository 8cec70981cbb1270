import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createAddressPolicy } from '../../domain/webhooks.js';
import { type Resolver, systemResolver } from './webhooks.delivery.js';
import { createDispatcher, type Dispatcher, type DispatcherSettings } from './webhooks.dispatcher.js';

declare module 'fastify' {
  interface FastifyInstance {
    webhooks: { dispatcher: Dispatcher; settings: DispatcherSettings };
  }
}

export interface WebhooksOptions {
  /** Run the background dispatcher (the server does; tests turn it on where they need it). */
  dispatch: boolean;
  allowedNetworks: string[];
  timeoutMs: number;
  pollMs: number;
  retryBaseMs: number;
  retryWindowMs: number;
  concurrency: number;
  disableAfterGone: number;
  disableAfterFailures: number;
  resolve?: Resolver | undefined;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The delivery dispatcher: started with the app, stopped when it closes, woken after every write. */
export const webhooksPlugin = fp(
  async (app: FastifyInstance, opts: WebhooksOptions) => {
    const settings: DispatcherSettings = {
      policy: createAddressPolicy(opts.allowedNetworks),
      resolve: opts.resolve ?? systemResolver,
      retry: { baseDelayMs: opts.retryBaseMs, windowMs: opts.retryWindowMs },
      timeoutMs: opts.timeoutMs,
      pollMs: opts.pollMs,
      concurrency: opts.concurrency,
      disableAfterGone: opts.disableAfterGone,
      disableAfterFailures: opts.disableAfterFailures,
    };
    const dispatcher = createDispatcher(app, settings);
    app.decorate('webhooks', { dispatcher, settings });
    if (opts.dispatch) app.addHook('onReady', async () => dispatcher.start());
    app.addHook('onClose', async () => dispatcher.stop());
    // A committed write may have queued deliveries: look now rather than at the next poll.
    app.addHook('onResponse', async (request) => {
      if (WRITES.has(request.method)) dispatcher.wake();
    });
  },
  { name: 'webhooks', dependencies: ['db', 'writer'] },
);
