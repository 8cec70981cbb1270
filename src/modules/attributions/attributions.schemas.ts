import { createInsertSchema, createSelectSchema } from 'drizzle-zod';
import { z } from 'zod';
import { attributions } from '../../db/schema.js';
import { pageOf, pageQuerySchema } from '../../lib/pagination.js';
import { RetractionSchema } from '../../lib/retraction.js';
import { booleanQuery, idParam, idSchema } from '../../lib/schemas.js';
import { ActorRefSchema } from '../actors/actors.schemas.js';
import { ClaimSchema } from '../claims/claims.schemas.js';
import { EventRefSchema } from '../events/events.schemas.js';

const position = z
  .enum(attributions.position.enumValues)
  .describe(
    'Whether the claim holds the actor responsible (`asserts`), denies it, speculates, or declines to say; ' +
      '`no_attribution` when it says nobody is (yet) held responsible ("the ministry did not say who it suspected"), ' +
      'and then no actor is named.',
  );

export const AttributionSchema = createSelectSchema(attributions)
  .pick({ id: true, role: true, position: true, createdAt: true, updatedAt: true })
  .extend({
    position,
    event: EventRefSchema,
    actor: ActorRefSchema.nullable().describe(
      'The actor held responsible (or pointedly not); null exactly when the position is `no_attribution`.',
    ),
    claim: ClaimSchema.describe(
      'The claim that carries the attribution: its claimant, source and quote are the attribution’s.',
    ),
    retraction: RetractionSchema.nullable().describe(
      'Set when the attribution was retracted; it stays readable.',
    ),
  })
  .meta({
    id: 'Attribution',
    description: 'Who holds whom responsible for an event, and through which claim.',
  });

const writable = createInsertSchema(attributions, {
  eventId: () => idSchema,
  actorId: () =>
    idSchema
      .nullable()
      .describe(
        'The actor held responsible. Left out or null only with position `no_attribution`, which names nobody.',
      ),
  claimId: () => idSchema.describe('The claim that carries the attribution.'),
  role: (s) => s.describe('The responsibility attributed; `perpetrator` unless said otherwise.'),
  position: () => position,
}).pick({ eventId: true, actorId: true, role: true, position: true, claimId: true });

export const CreateAttributionBody = writable
  .partial({ role: true, actorId: true })
  .strict()
  .meta({ id: 'CreateAttribution' });
export const UpdateAttributionBody = writable.partial().strict().meta({ id: 'UpdateAttribution' });

export type AttributionInput = z.infer<typeof CreateAttributionBody>;
export type AttributionPatch = z.infer<typeof UpdateAttributionBody>;
export type Attribution = z.infer<typeof AttributionSchema>;

export const ListAttributionsQuery = pageQuerySchema.extend({
  event: idParam.optional().describe('Only attributions for this event.'),
  actor: idParam
    .optional()
    .describe('Only attributions to this actor (`position=no_attribution` lists those naming nobody).'),
  position: position.optional(),
  claim: idParam.optional().describe('Only attributions carried by this claim.'),
  includeRetracted: booleanQuery.default(false).describe('Also list retracted attributions.'),
});

export const AttributionPage = pageOf(AttributionSchema, 'AttributionPage');
