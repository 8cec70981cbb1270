import { z } from 'zod';
import { ATTRIBUTION_POSITIONS, ATTRIBUTION_ROLES, LINK_RELATIONS, STANCES } from '../../db/schema.js';
import { Reliability } from '../../lib/grades.js';
import { pageOf, pageQuerySchema } from '../../lib/pagination.js';
import { RetractionSchema } from '../../lib/retraction.js';
import { booleanQuery, idParam } from '../../lib/schemas.js';
import { ActorRefSchema } from '../actors/actors.schemas.js';
import { ClaimSchema } from '../claims/claims.schemas.js';
import { EventPartySchema, EventRefSchema } from '../events/events.schemas.js';
import { SourceRefSchema } from '../sources/sources.schemas.js';

export const INDEPENDENCE_RULE = [
  'A claim made by an actor originates with that actor; the agencies and outlets that relayed or printed it are not separate origins.',
  'A claim a source makes in its own voice originates with its publisher, or for a copy (copyOf) with the publisher of the original; a source with no known publisher is its own origin.',
  'Claims linked by `repeats` (transitively) and own-voice claims in copies of one source collapse into one origin.',
  'With foldToTopLevel=true an origin actor is replaced by its top-most ancestor (a ministry counts with its state); otherwise the parent chain is not followed.',
].join(' ');

const foldToTopLevel = booleanQuery
  .default(false)
  .describe('Count an actor and the bodies under it as one origin (a ministry with its state).');

export const OriginSchema = z
  .object({
    key: z.string().describe('`actor:<id>` or `source:<id>`.'),
    actor: ActorRefSchema.nullable().describe('The actor the claims originate with.'),
    source: SourceRefSchema.nullable().describe('A publisher-less source that is its own origin.'),
    claimIds: z.array(z.number().int()),
  })
  .meta({ id: 'Origin', description: 'One independent origin and the claims that go back to it.' });

export const BoardEntrySchema = z
  .object({
    attributionId: z.number().int(),
    role: z.enum(ATTRIBUTION_ROLES),
    claim: ClaimSchema.describe('The carrying claim: its claimant, source, chain and quote.'),
    originKey: z.string().describe('The independent origin this entry counts under.'),
    interestedParty: z
      .boolean()
      .describe(
        'Whether the claimant is a party to the event (or a body under one): the accused or, e.g., the target.',
      ),
    interestedAs: z.string().nullable().describe('The party role that makes the claimant interested.'),
    claimantReliability: Reliability.output.nullable(),
    retraction: RetractionSchema.nullable().describe(
      'Set when the attribution was retracted. Retracted entries (or entries whose claim was retracted) are shown but not counted.',
    ),
  })
  .meta({ id: 'BoardEntry' });

export const BoardPositionSchema = z
  .object({
    position: z.enum(ATTRIBUTION_POSITIONS),
    count: z.number().int().describe('Attributions in this position, retracted ones left out.'),
    retracted: z
      .number()
      .int()
      .describe(
        'Retracted attributions (or attributions on retracted claims) in this position; not counted.',
      ),
    independentOrigins: z.number().int().describe('How many independent origins stand behind them.'),
    origins: z
      .array(OriginSchema)
      .describe(
        'The origins, by lowest claim id; beyond 50, the 50 with the most claims (`independentOrigins` counts them all).',
      ),
    entries: z
      .array(BoardEntrySchema)
      .describe(
        'The first attributions in this position, oldest first, retracted ones flagged (see `entries`).',
      ),
    moreEntries: z
      .number()
      .int()
      .describe(
        'How many attributions are not shown; list them with `GET /attributions?event=&actor=&position=&includeRetracted=true`.',
      ),
  })
  .meta({ id: 'BoardPosition' });

export const AttributionBoardSchema = z
  .object({
    event: EventRefSchema.extend({ parties: z.array(EventPartySchema) }),
    independenceRule: z.string(),
    foldToTopLevel: z.boolean(),
    actors: z.array(
      z
        .object({
          actor: ActorRefSchema.describe('The actor held responsible (or pointedly not).'),
          count: z.number().int(),
          independentOrigins: z.number().int().describe('Independent origins across all positions.'),
          positions: z.array(BoardPositionSchema).describe('Always the four positions, in a fixed order.'),
        })
        .meta({ id: 'BoardActor' }),
    ),
  })
  .meta({
    id: 'AttributionBoard',
    description: `Who holds whom responsible for an event, position by position, with independent origins. ${INDEPENDENCE_RULE}`,
  });

export const BoardQuery = z.object({
  foldToTopLevel,
  entries: z.coerce
    .number()
    .int()
    .min(0)
    .max(100)
    .default(5)
    .describe(
      'How many entries to show per actor and position (oldest first); counts always cover them all.',
    ),
});

export const TimelineQuery = pageQuerySchema.extend({
  actor: idParam.optional().describe('Only claims by this actor.'),
  includeSubordinates: booleanQuery.default(false).describe('With `actor`: also the actors below it.'),
  stance: z.enum(STANCES).optional(),
  includeSubevents: booleanQuery.default(false).describe('Also claims about the events under this one.'),
  includeRetracted: booleanQuery.default(false).describe('Also retracted claims.'),
});

export const TimelineEntrySchema = z
  .object({
    at: z
      .string()
      .nullable()
      .describe('When the claim was made: its `statedAt`, else its source’s `publishedAt`.'),
    precision: z.string().nullable().describe('How precisely `at` is known.'),
    basis: z.enum(['statedAt', 'publishedAt']).nullable().describe('Which time `at` comes from.'),
    claim: ClaimSchema,
    claimantReliability: Reliability.output.nullable(),
  })
  .meta({ id: 'TimelineEntry' });

export const TimelinePage = pageOf(TimelineEntrySchema, 'TimelinePage');

const relation = z.enum(LINK_RELATIONS);
export const EventLinksQuery = pageQuerySchema.extend({
  relation: relation
    .optional()
    .describe(
      'Only this relation; by default `contradicts` and `corroborates`, the ones that bear on the facts.',
    ),
});
export const ClaimLinksQuery = pageQuerySchema.extend({ relation: relation.optional() });

const ChainNodeSchema = z
  .object({
    step: z.enum(['claimant', 'relay', 'publisher', 'source']),
    actor: ActorRefSchema.extend({ reliability: Reliability.output.nullable() }).nullable(),
    source: z
      .object({
        id: z.number().int(),
        title: z.string(),
        url: z.string().nullable(),
        publishedAt: z.string().nullable(),
        retrievedAt: z.string(),
        sha256: z.string(),
        textIntact: z.boolean().describe('Whether the stored text still hashes to `sha256`.'),
        copyOf: SourceRefSchema.nullable(),
      })
      .nullable(),
  })
  .meta({ id: 'ProvenanceStep', description: 'One step from the claimant to the document.' });

export const ProvenanceSchema = z
  .object({
    claim: ClaimSchema,
    chain: z
      .array(ChainNodeSchema)
      .describe('Claimant -> each actor it was reported via -> the source’s publisher -> the source.'),
    links: z.object({
      outgoing: z.array(
        z.object({ id: z.number().int(), relation, note: z.string().nullable(), claim: ClaimSchema }),
      ),
      incoming: z.array(
        z.object({ id: z.number().int(), relation, note: z.string().nullable(), claim: ClaimSchema }),
      ),
    }),
    attributions: z.array(
      z.object({
        id: z.number().int(),
        event: EventRefSchema,
        actor: ActorRefSchema,
        role: z.enum(ATTRIBUTION_ROLES),
        position: z.enum(ATTRIBUTION_POSITIONS),
      }),
    ),
  })
  .meta({
    id: 'Provenance',
    description: 'Where a claim comes from, step by step, down to the exact words.',
  });
