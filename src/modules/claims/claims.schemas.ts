import { createSelectSchema } from 'drizzle-zod';
import { z } from 'zod';
import { claims, MODALITIES, STANCES } from '../../db/schema.js';
import { Credibility } from '../../lib/grades.js';
import { pageOf, pageQuerySchema } from '../../lib/pagination.js';
import { RetractionSchema } from '../../lib/retraction.js';
import { booleanQuery, idParam, idSchema, instant, text, timePrecision } from '../../lib/schemas.js';
import { ActorRefSchema } from '../actors/actors.schemas.js';
import { EventRefSchema } from '../events/events.schemas.js';
import { SourceRefSchema } from '../sources/sources.schemas.js';

const stance = z
  .enum(STANCES)
  .describe(
    'What the claimant does with the proposition: asserts, denies, downplays, speculates, declines to comment.',
  );
const modality = z
  .enum(MODALITIES)
  .describe('`direct_quote` when the source gives the claimant’s own words in quotation marks.');

export const QuoteSelectorSchema = z
  .object({
    exact: z.string().describe('The quoted span exactly as it stands in the source text.'),
    prefix: z.string().describe('Up to 32 code points of source text just before the span.'),
    suffix: z.string().describe('Up to 32 code points of source text just after the span.'),
    start: z.number().int().describe('Code-point offset of the span’s first character in the source text.'),
    end: z.number().int().describe('Code-point offset just after the span (exclusive).'),
    verified: z
      .boolean()
      .describe('Whether the span, prefix and suffix still lie at these offsets in the stored text.'),
  })
  .meta({
    id: 'QuoteSelector',
    description:
      'Where the claim stands in its source: a W3C Web Annotation TextQuoteSelector and TextPositionSelector.',
  });

export const ClaimSchema = createSelectSchema(claims)
  .pick({
    id: true,
    text: true,
    stance: true,
    modality: true,
    statedAt: true,
    statedAtPrecision: true,
    createdAt: true,
    updatedAt: true,
  })
  .extend({
    claimant: ActorRefSchema.nullable().describe(
      'Who made the claim; null when the source speaks in its own voice.',
    ),
    source: SourceRefSchema,
    event: EventRefSchema.nullable(),
    reportedVia: z
      .array(ActorRefSchema)
      .describe('The actors the statement passed through between the claimant and the source, in order.'),
    quote: QuoteSelectorSchema,
    credibility: Credibility.output
      .nullable()
      .describe('Information credibility grade, if someone has given one.'),
    retraction: RetractionSchema.nullable().describe('Set when the claim was retracted; it stays readable.'),
  })
  .meta({ id: 'Claim', description: 'What an actor said, anchored to the exact words in a source.' });

export const QuoteInputSchema = z
  .object({
    exact: text(10_000)
      .min(1)
      .describe(
        'The words as pasted. Straight or curly quotes, plain or non-breaking spaces, line breaks and hyphens for dashes all match.',
      ),
    prefix: text(1000).optional().describe('Text just before the quote, to choose among repeated passages.'),
    suffix: text(1000).optional().describe('Text just after the quote, to choose among repeated passages.'),
    start: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('Approximate code-point offset of the quote, to choose among repeated passages.'),
  })
  .strict()
  .meta({ id: 'QuoteInput', description: 'A quote to anchor in the source text.' });

const writable = z.object({
  sourceId: idSchema.describe('The source the claim appears in.'),
  claimantId: idSchema
    .nullable()
    .describe('Who made the claim; null when the source speaks in its own voice.'),
  eventId: idSchema.nullable().describe('The event the claim is about.'),
  text: text(5000)
    .min(1)
    .refine((s) => s.trim().length > 0, { message: 'Must not be blank' })
    .describe('The proposition in plain words.'),
  stance,
  modality,
  quote: QuoteInputSchema,
  reportedViaIds: z
    .array(idSchema)
    .max(20)
    .describe(
      'Actors the statement passed through, claimant side first (ministry -> news agency -> this source).',
    ),
  statedAt: instant.nullable().describe('When the claimant made the statement, if known.'),
  statedAtPrecision: timePrecision.nullable(),
  credibility: Credibility.input
    .nullable()
    .describe('Grade the claim’s credibility (Admiralty 1-6), or null to remove the grade.'),
});

export const CreateClaimBody = writable
  .partial({
    claimantId: true,
    eventId: true,
    reportedViaIds: true,
    statedAt: true,
    statedAtPrecision: true,
    credibility: true,
  })
  .strict()
  .meta({ id: 'CreateClaim' });
export const UpdateClaimBody = writable.partial().strict().meta({
  id: 'UpdateClaim',
  description:
    'Changes the fields sent. A new `quote`, or a new `sourceId`, is anchored again; without a new quote the stored one is looked up in the new source.',
});

export type ClaimInput = z.infer<typeof CreateClaimBody>;
export type ClaimPatch = z.infer<typeof UpdateClaimBody>;
export type Claim = z.infer<typeof ClaimSchema>;

const claimFilters = {
  includeSubordinates: booleanQuery
    .default(false)
    .describe(
      'With `actor`: also what every actor below it said (all of a state, its ministries and officials included).',
    ),
  event: idParam.optional().describe('Only claims about this event.'),
  source: idParam.optional().describe('Only claims in this source.'),
  stance: stance.optional(),
  statedAfter: instant
    .optional()
    .describe('Only claims stated at or after this time (claims with no `statedAt` are left out).'),
  includeRetracted: booleanQuery.default(false).describe('Also list retracted claims.'),
  statedBefore: instant
    .optional()
    .describe('Only claims stated before this time (claims with no `statedAt` are left out).'),
};

export const ListClaimsQuery = pageQuerySchema.extend({
  actor: idParam.optional().describe('Only claims made by this actor.'),
  ...claimFilters,
});
export const ListActorClaimsQuery = pageQuerySchema.extend(claimFilters);

export const ClaimPage = pageOf(ClaimSchema, 'ClaimPage');
