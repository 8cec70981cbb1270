import type { FastifyInstance, onResponseHookHandler } from 'fastify';
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
    // A committed write may have queued deliveries: look now rather than at the next poll. A hook of the write
    // routes only, so that reads do not run it.
    const wake: onResponseHookHandler = (_request, _reply, done) => {
      dispatcher.wake();
      done();
    };
    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      if (!methods.some((m) => WRITES.has(m))) return;
      route.onResponse = [...(route.onResponse === undefined ? [] : [route.onResponse].flat()), wake];
    });
  },
  { name: 'webhooks', dependencies: ['db', 'writer'] },
);
