import { z } from 'zod';
import { WEBHOOK_DELIVERY_STATUSES } from '../../db/schema.js';
import { WEBHOOK_EVENT_TYPES } from '../../domain/webhooks.js';
import { pageOf, pageQuerySchema } from '../../lib/pagination.js';
import { text } from '../../lib/schemas.js';

const eventTypes = z
  .array(z.enum(WEBHOOK_EVENT_TYPES))
  .min(1)
  .max(50)
  .describe(
    'The changes to send: `<resource>.<created|updated|retracted|deleted>` for actor, source, event, claim, attribution and claimLink, `<resource>.*` for all of one resource, or `*` for everything.',
  );

const url = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .refine((u) => !/^[a-z]+:\/\/[^/]*@/i.test(u), { message: 'Must not carry a user name or password' })
  .describe(
    'Where to POST deliveries (http or https). It must resolve to public addresses only (no loopback, private, link-local, unique-local, multicast or unspecified ones) unless WEBHOOK_ALLOWED_NETWORKS allows them; redirects are not followed.',
  );

export const WebhookSchema = z
  .object({
    id: z.number().int(),
    url: z.string(),
    description: z.string().nullable(),
    eventTypes: z.array(z.string()),
    enabled: z.boolean(),
    disabledAt: z.string().nullable().describe('When the service (or an admin) stopped deliveries.'),
    disabledReason: z.string().nullable().describe('Why deliveries stopped, e.g. repeated 410 Gone.'),
    consecutiveFailures: z
      .number()
      .int()
      .describe('Deliveries in a row that failed for good (a day of retries).'),
    consecutiveGone: z.number().int().describe('410 Gone answers in a row.'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Webhook', description: 'A webhook subscription, without its secret.' });

export const NewWebhookSchema = WebhookSchema.extend({
  secret: z.string().describe('The signing secret (`whsec_…`). Shown once: store it now.'),
}).meta({ id: 'NewWebhook' });

export const CreateWebhookBody = z
  .object({
    url,
    eventTypes,
    description: text(1000).nullable().optional(),
    secret: z
      .string()
      .max(200)
      .optional()
      .describe(
        'A Standard Webhooks secret, `whsec_` and 24 to 64 random bytes in base64; one is generated if left out.',
      ),
  })
  .strict()
  .meta({ id: 'CreateWebhook' });

export const UpdateWebhookBody = z
  .object({
    url: url.optional(),
    eventTypes: eventTypes.optional(),
    description: text(1000).nullable().optional(),
    enabled: z
      .boolean()
      .optional()
      .describe('`false` stops deliveries; `true` starts them again and clears the failure counts.'),
  })
  .strict()
  .meta({ id: 'UpdateWebhook' });

export const WebhookPage = pageOf(WebhookSchema, 'WebhookPage');
export const WebhooksQuery = pageQuerySchema;

const attempt = z
  .object({
    attemptedAt: z.string(),
    statusCode: z
      .number()
      .int()
      .nullable()
      .describe('What the receiver answered; null when it could not be reached.'),
    error: z.string().nullable().describe('Why the attempt failed, if it did.'),
    durationMs: z.number().int(),
    responseExcerpt: z.string().nullable().describe('The first bytes of the answer (at most 1 KB).'),
  })
  .meta({ id: 'WebhookAttempt' });

export const DeliverySchema = z
  .object({
    id: z.number().int(),
    webhookId: z.number().int(),
    changeId: z.number().int().describe('The change sent (its id in `GET /changes`).'),
    eventType: z.string(),
    messageId: z.string().describe('The `webhook-id` header: the same on every attempt.'),
    status: z.enum(WEBHOOK_DELIVERY_STATUSES),
    attempts: z.number().int(),
    nextAttemptAt: z.string().nullable(),
    lastAttemptAt: z.string().nullable(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    deliveredAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'WebhookDelivery', description: 'One change queued for one subscription.' });

export const DeliveryDetailSchema = DeliverySchema.extend({
  attemptLog: z.array(attempt).describe('Every attempt, oldest first.'),
}).meta({ id: 'WebhookDeliveryDetail' });

export const DeliveryPage = pageOf(DeliverySchema, 'WebhookDeliveryPage');
export const DeliveriesQuery = pageQuerySchema.extend({
  status: z.enum(WEBHOOK_DELIVERY_STATUSES).optional().describe('Only deliveries in this state.'),
});

export type Webhook = z.infer<typeof WebhookSchema>;
export type Delivery = z.infer<typeof DeliverySchema>;
export type DeliveryDetail = z.infer<typeof DeliveryDetailSchema>;
export type CreateWebhookInput = z.infer<typeof CreateWebhookBody>;
export type UpdateWebhookInput = z.infer<typeof UpdateWebhookBody>;
