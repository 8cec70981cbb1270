import { z } from 'zod';
import {
  ATTRIBUTION_POSITIONS,
  ATTRIBUTION_ROLES,
  LINK_RELATIONS,
  STANCES,
  TIME_PRECISIONS,
} from '../../db/schema.js';
import { Reliability } from '../../lib/grades.js';
import { pageOf, pageQuerySchema } from '../../lib/pagination.js';
import { RetractionSchema } from '../../lib/retraction.js';
import { booleanQuery, idParam } from '../../lib/schemas.js';
import { ActorRefSchema } from '../actors/actors.schemas.js';
import { ClaimSchema } from '../claims/claims.schemas.js';
import { EventPartySchema, EventRefSchema } from '../events/events.schemas.js';
import { SourceRefSchema } from '../sources/sources.schemas.js';

export const INDEPENDENCE_RULE = [
  'A claim made by a named actor originates with that actor; the agencies and outlets that relayed or printed it are not separate origins.',
  'A claim by an unnamed collective (an actor of kind `group` not marked `identifiable`: "US officials", "sources familiar with the matter") originates with that group as reported by the outlet that first reported it: the first actor of its `reportedVia` chain, else the source’s publisher (for a copy, the original’s), else that source; so one outlet’s anonymous officials printed by three papers are one origin, and two outlets with their own anonymous sources are two.',
  'A claim a source makes in its own voice originates with its publisher, or for a copy (copyOf) with the publisher of the original; a source with no known publisher is its own origin.',
  'Claims linked by `repeats` (transitively) and own-voice claims in copies of one source collapse into one origin.',
  'With foldToTopLevel=true every origin actor (claimant, publisher, unnamed group and the outlet that reported it) is replaced by its top-most ancestor (a ministry counts with its state); otherwise the parent chain is not followed.',
].join(' ');

const foldToTopLevel = booleanQuery
  .default(false)
  .describe('Count an actor and the bodies under it as one origin (a ministry with its state).');

export const OriginSchema = z
  .object({
    key: z
      .string()
      .describe(
        '`actor:<id>` (a named claimant or a publisher), `source:<id>` (a publisher-less source), or for an unnamed ' +
          'group `actor:<group>@actor:<outlet>` / `actor:<group>@source:<source>` (the group as reported there).',
      ),
    actor: ActorRefSchema.nullable().describe(
      'The actor the claims originate with (for an unnamed group, the group).',
    ),
    reportedBy: ActorRefSchema.nullable().describe(
      'For an unnamed group: the outlet or relay that reported it, which makes it an origin of its own.',
    ),
    source: SourceRefSchema.nullable().describe(
      'A publisher-less source that is its own origin, or in which an unnamed group was reported.',
    ),
    claimIds: z.array(z.number().int()),
  })
  .meta({ id: 'Origin', description: 'One independent origin and the claims that go back to it.' });

export const BoardEntrySchema = z
  .object({
    attributionId: z.number().int(),
    role: z.enum(ATTRIBUTION_ROLES),
    heldActor: ActorRefSchema.nullable().describe(
      'The actor this attribution names: the row’s actor, or with `rollUp=true` possibly a body under it (the Mossad on Israel’s row). Null for `no_attribution`.',
    ),
    claim: ClaimSchema.describe('The carrying claim: its claimant, source, chain and quote.'),
    originKey: z.string().describe('The independent origin this entry counts under.'),
    interestedParty: z
      .boolean()
      .describe(
        'Whether whoever speaks is a party to the event (or a body under one): the accused or, e.g., the target; or the ' +
          'actor held responsible. For a claim in a source’s own voice, whoever speaks is its publisher (the original’s, for a copy).',
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
    rollUp: z.boolean(),
    actors: z
      .array(
        z
          .object({
            actor: ActorRefSchema.nullable().describe(
              'The actor held responsible (or pointedly not); null on the row of attributions that name nobody (`no_attribution`).',
            ),
            count: z.number().int(),
            independentOrigins: z.number().int().describe('Independent origins across all positions.'),
            positions: z
              .array(BoardPositionSchema)
              .describe(
                'For an actor, always the four positions asserts, denies, declines_to_comment, speculates, in that order; for the row naming nobody, `no_attribution` alone.',
              ),
          })
          .meta({ id: 'BoardActor' }),
      )
      .describe(
        'One row per actor held responsible, in the order of their first attribution; the row naming nobody last.',
      ),
  })
  .meta({
    id: 'AttributionBoard',
    description: `Who holds whom responsible for an event, position by position, with independent origins. ${INDEPENDENCE_RULE}`,
  });

export const BoardQuery = z.object({
  foldToTopLevel,
  rollUp: booleanQuery
    .default(false)
    .describe(
      'Fold the actors held responsible into their top-level ancestor (attributions to the Mossad stand on Israel’s row); ' +
        'each entry keeps the actor it named in `heldActor`. Counting origins is unchanged (see `foldToTopLevel`).',
    ),
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
  groupRepeats: booleanQuery
    .default(true)
    .describe(
      'Show a statement repeated by one origin (in copies of a source, or linked by `repeats`) once, at its earliest time, ' +
        'with `alsoAppearedIn` listing the rest; `false` lists every claim.',
    ),
});

export const AppearanceSchema = z
  .object({
    claimId: z.number().int(),
    at: z.string().nullable(),
    precision: z.enum(TIME_PRECISIONS).nullable(),
    source: SourceRefSchema,
    via: z
      .enum(['copy', 'repeats'])
      .describe(
        '`copy`: the same words of the same origin in a copy of the source; `repeats`: linked by a `repeats` link.',
      ),
  })
  .meta({ id: 'Appearance', description: 'Another place a timeline entry’s statement appeared.' });

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
    alsoAppearedIn: z
      .array(AppearanceSchema)
      .describe(
        'Where else the same statement of the same origin appeared (later or at the same time), earliest first; empty when ungrouped.',
      ),
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

export const ProvenanceOriginSchema = z
  .object({
    key: OriginSchema.shape.key,
    basis: z
      .enum(['claimant', 'unnamed_group', 'publisher', 'source'])
      .describe(
        'How the rule reached it: a named `claimant`; an `unnamed_group` as reported by an outlet; the `publisher` of an ' +
          'own-voice claim (the original’s, for a copy); or a publisher-less `source`.',
      ),
    actor: OriginSchema.shape.actor,
    reportedBy: OriginSchema.shape.reportedBy,
    source: OriginSchema.shape.source,
    collapsedWith: z
      .array(z.number().int())
      .describe(
        'Other claims linked with this one by `repeats` (transitively), which count as the same origin; the key is that of the lowest claim id among them.',
      ),
  })
  .meta({
    id: 'ProvenanceOrigin',
    description: 'The independent origin the attribution board counts the claim under.',
  });

export const ProvenanceSchema = z
  .object({
    claim: ClaimSchema,
    origin: ProvenanceOriginSchema,
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
        actor: ActorRefSchema.nullable().describe('Null for `no_attribution`.'),
        role: z.enum(ATTRIBUTION_ROLES),
        position: z.enum(ATTRIBUTION_POSITIONS),
      }),
    ),
  })
  .meta({
    id: 'Provenance',
    description: 'Where a claim comes from, step by step, down to the exact words.',
  });
