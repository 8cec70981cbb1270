import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { generateSecret, isValidSecret } from '../../domain/webhooks.js';
import { fieldProblem, problem } from '../../errors.js';
import { listResponses, sendList } from '../../lib/list-formats.js';
import { noContent, problemResponses } from '../../lib/openapi.js';
import { decodeCursor } from '../../lib/pagination.js';
import { idParam, idParams } from '../../lib/schemas.js';
import { etagOf } from '../../lib/writes.js';
import { createAuditService } from '../audit/audit.service.js';
import { SYSTEM_PRINCIPAL } from '../keys/keys.service.js';
import { checkedAddress, RefusedDestination } from './webhooks.delivery.js';
import { createWebhooksRepository } from './webhooks.repository.js';
import {
  CreateWebhookBody,
  DeliveriesQuery,
  DeliveryDetailSchema,
  DeliveryPage,
  NewWebhookSchema,
  UpdateWebhookBody,
  WebhookPage,
  WebhookSchema,
  WebhooksQuery,
} from './webhooks.schemas.js';

export const WEBHOOKS_DOC =
  'Deliveries follow Standard Webhooks 1.0: a POST with a JSON body `{ type, timestamp, data }` (data is the change as `GET /changes` shows it) ' +
  'and the headers `webhook-id` (the same on every attempt of a delivery), `webhook-timestamp` (Unix seconds) and ' +
  '`webhook-signature` (`v1,` and the base64 HMAC-SHA256 of `<id>.<timestamp>.<body>` keyed with the secret’s bytes). ' +
  'A delivery is queued in the same transaction as the change, so none is lost to a crash, and is sent at least once: ' +
  'a 2xx answer within the timeout delivers it; anything else is retried with doubling delays for a day. ' +
  'A 410 Gone is not retried, and repeated 410s (or repeated deliveries that fail for a whole day) disable the subscription.';

const webhookParams = idParams('webhookId');
const deliveryParams = z.object({ webhookId: idParam, deliveryId: idParam });

/** Webhook subscriptions, their delivery log and manual redelivery: admin only. */
export const webhooksRoutes: FastifyPluginAsyncZod = async (app) => {
  const repo = createWebhooksRepository(app.db);
  const audit = createAuditService(app.db);
  const config = { role: 'admin' as const };
  const tags = ['webhooks'];
  const notFound = (id: number) => problem('WEBHOOK_NOT_FOUND', `Webhook ${id} does not exist.`);
  const principal = (p: typeof SYSTEM_PRINCIPAL | null) => p ?? SYSTEM_PRINCIPAL;

  /** Refuses a destination that resolves to an address deliveries may not go to (checked again on every attempt). */
  async function checkDestination(url: string) {
    try {
      await checkedAddress(new URL(url), app.webhooks.settings.policy, app.webhooks.settings.resolve);
    } catch (err) {
      if (!(err instanceof RefusedDestination)) throw err;
      throw fieldProblem('WEBHOOK_URL_REFUSED', '/url', `Deliveries may not go to ${url}: ${err.message}.`);
    }
  }

  app.post('/webhooks', {
    config: { ...config, idempotencySecretFields: ['secret'] },
    schema: {
      operationId: 'createWebhook',
      tags,
      summary: 'Subscribe a URL to changes (the secret is shown once)',
      description: WEBHOOKS_DOC,
      body: CreateWebhookBody,
      response: { 201: NewWebhookSchema, ...problemResponses(400, 401, 403, 413, 415, 422, 429) },
    },
    handler: async (request, reply) => {
      const body = request.body;
      if (body.secret !== undefined && !isValidSecret(body.secret)) {
        throw fieldProblem(
          'VALIDATION_FAILED',
          '/secret',
          'The secret must be whsec_ followed by 24 to 64 bytes in base64.',
        );
      }
      await checkDestination(body.url);
      const created = await app.write(() => {
        const made = repo.create({ ...body, secret: body.secret ?? generateSecret() });
        audit.record({
          principal: principal(request.principal),
          resource: 'webhook',
          resourceId: made.webhook.id,
          operation: 'create',
          before: null,
          after: made.webhook,
          requestId: request.id,
        });
        return made;
      });
      return reply
        .code(201)
        .header('location', `/webhooks/${created.webhook.id}`)
        .header('cache-control', 'no-store')
        .send({ ...created.webhook, secret: created.secret });
    },
  });

  app.get('/webhooks', {
    config,
    schema: {
      operationId: 'listWebhooks',
      tags,
      summary: 'List webhook subscriptions, without their secrets',
      querystring: WebhooksQuery,
      response: listResponses(WebhookPage, 400, 401, 403),
    },
    handler: async (request, reply) => {
      const { cursor, limit, format } = request.query;
      return sendList(request, reply, {
        fetch: (after, size) => repo.list({ after: decodeCursor(after), limit: size }),
        cursor,
        limit,
        format,
        page: WebhookPage,
        name: 'webhooks',
      });
    },
  });

  app.get('/webhooks/:webhookId', {
    config,
    schema: {
      operationId: 'getWebhook',
      tags,
      summary: 'Get a webhook subscription',
      params: webhookParams,
      response: { 200: WebhookSchema, ...problemResponses(400, 401, 403, 404) },
    },
    handler: async (request) => {
      const hook = repo.get(request.params.webhookId);
      if (!hook) throw notFound(request.params.webhookId);
      return hook;
    },
  });

  app.patch('/webhooks/:webhookId', {
    config,
    schema: {
      operationId: 'updateWebhook',
      tags,
      summary: 'Change a subscription, or disable or enable it',
      params: webhookParams,
      body: UpdateWebhookBody,
      response: { 200: WebhookSchema, ...problemResponses(400, 401, 403, 404, 413, 415, 422, 429) },
    },
    handler: async (request, reply) => {
      const { webhookId } = request.params;
      if (request.body.url !== undefined) await checkDestination(request.body.url);
      const updated = await app.write(() => {
        const before = repo.get(webhookId);
        if (!before) throw notFound(webhookId);
        const after = repo.update(webhookId, request.body) as NonNullable<ReturnType<typeof repo.update>>;
        audit.record({
          principal: principal(request.principal),
          resource: 'webhook',
          resourceId: webhookId,
          operation: 'update',
          before,
          after,
          requestId: request.id,
        });
        return after;
      });
      reply.header('etag', etagOf(updated));
      return updated;
    },
  });

  app.delete('/webhooks/:webhookId', {
    config,
    schema: {
      operationId: 'deleteWebhook',
      tags,
      summary: 'Delete a subscription with its queue and delivery log',
      params: webhookParams,
      response: { ...noContent, ...problemResponses(400, 401, 403, 404, 429) },
    },
    handler: async (request, reply) => {
      const { webhookId } = request.params;
      await app.write(() => {
        const before = repo.get(webhookId);
        if (!before) throw notFound(webhookId);
        repo.delete(webhookId);
        audit.record({
          principal: principal(request.principal),
          resource: 'webhook',
          resourceId: webhookId,
          operation: 'delete',
          before,
          after: null,
          requestId: request.id,
        });
      });
      return reply.code(204).send();
    },
  });

  app.get('/webhooks/:webhookId/deliveries', {
    config,
    schema: {
      operationId: 'listWebhookDeliveries',
      tags,
      summary: 'The delivery log of a subscription',
      description:
        'Every change queued for the subscription, oldest first: its status (`pending`, `succeeded`, `failed` for good), attempts and the last answer.',
      params: webhookParams,
      querystring: DeliveriesQuery,
      response: listResponses(DeliveryPage, 400, 401, 403, 404),
    },
    handler: async (request, reply) => {
      const { webhookId } = request.params;
      if (!repo.get(webhookId)) throw notFound(webhookId);
      const { cursor, limit, format, status } = request.query;
      return sendList(request, reply, {
        fetch: (after, size) =>
          repo.deliveries(webhookId, { status, after: decodeCursor(after), limit: size }),
        cursor,
        limit,
        format,
        page: DeliveryPage,
        name: `webhook-${webhookId}-deliveries`,
      });
    },
  });

  app.get('/webhooks/:webhookId/deliveries/:deliveryId', {
    config,
    schema: {
      operationId: 'getWebhookDelivery',
      tags,
      summary: 'One delivery with every attempt',
      params: deliveryParams,
      response: { 200: DeliveryDetailSchema, ...problemResponses(400, 401, 403, 404) },
    },
    handler: async (request) => {
      const { webhookId, deliveryId } = request.params;
      const delivery = repo.delivery(webhookId, deliveryId);
      if (!delivery) {
        throw problem('DELIVERY_NOT_FOUND', `Webhook ${webhookId} has no delivery ${deliveryId}.`);
      }
      return delivery;
    },
  });

  app.post('/webhooks/:webhookId/deliveries/:deliveryId/redelivery', {
    config,
    schema: {
      operationId: 'redeliverWebhookDelivery',
      tags,
      summary: 'Send a delivery again',
      description:
        'Queues the delivery again with the same `webhook-id` (receivers can tell it is the same message) and a new day of retries. The subscription must be enabled.',
      params: deliveryParams,
      response: { 202: DeliveryDetailSchema, ...problemResponses(400, 401, 403, 404, 409, 429) },
    },
    handler: async (request, reply) => {
      const { webhookId, deliveryId } = request.params;
      const delivery = await app.write(() => {
        const hook = repo.get(webhookId);
        if (!hook) throw notFound(webhookId);
        if (!repo.delivery(webhookId, deliveryId)) {
          throw problem('DELIVERY_NOT_FOUND', `Webhook ${webhookId} has no delivery ${deliveryId}.`);
        }
        if (!hook.enabled) {
          throw problem(
            'WEBHOOK_DISABLED',
            `Webhook ${webhookId} is disabled (${hook.disabledReason ?? 'no reason given'}); enable it with PATCH first.`,
          );
        }
        repo.redeliver(deliveryId);
        return repo.delivery(webhookId, deliveryId) as NonNullable<ReturnType<typeof repo.delivery>>;
      });
      app.webhooks.dispatcher.wake();
      return reply.code(202).send(delivery);
    },
  });
};
