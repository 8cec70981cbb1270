import { createSelectSchema } from 'drizzle-zod';
import { z } from 'zod';
import {
  ACTOR_KINDS,
  ATTRIBUTION_POSITIONS,
  ATTRIBUTION_ROLES,
  CANDIDATE_STATUSES,
  candidates,
} from '../../db/schema.js';
import { MIN_CONFIDENCE } from '../../domain/extraction/index.js';
import { pageOf, pageQuerySchema } from '../../lib/pagination.js';
import { idParam, idSchema, name, text } from '../../lib/schemas.js';
import { ActorRefSchema } from '../actors/actors.schemas.js';
import { QuoteInputSchema, QuoteSelectorSchema } from '../claims/claims.schemas.js';

export const CANDIDATE_RULES = [
  'quote_then_speaker',
  'speaker_then_quote',
  'reporting_clause',
  'trailing_reporting_clause',
  'according_to',
  'participle',
  'quoted_as_saying',
  'citing',
  'declines_to_comment',
  'responsibility_verb',
  'what_speaker_said',
  'hearsay_noun',
  'continued_quote',
  'headline_says',
] as const;

const span = {
  text: z.string().describe('The words as they stand in the source.'),
  start: z.number().int().describe('Code-point offset in the source text.'),
  end: z.number().int().describe('Code-point offset just after the words (exclusive).'),
};
const kind = z.enum(ACTOR_KINDS);
const proposedActor = z
  .object({ name: z.string(), kind })
  .nullable()
  .describe(
    'A new actor to create (accept with `createClaimant`) when no known actor fits; its kind is a guess.',
  );

export const CandidateSpeakerSchema = z
  .object({
    ...span,
    actor: ActorRefSchema.nullable().describe('The known actor the words name, or null.'),
    score: z.number().describe('How sure the match is, 0 to 1 (1: the name or an alias exactly).'),
    alternatives: z
      .array(ActorRefSchema.extend({ score: z.number() }))
      .describe('Up to three other known actors the words could name, best first.'),
    proposed: proposedActor,
  })
  .meta({ id: 'CandidateSpeaker', description: 'Who the source says made the statement.' });

export const CandidateRelaySchema = z
  .object({
    ...span,
    actor: ActorRefSchema.nullable().describe('The known outlet or channel, or null.'),
    proposed: proposedActor,
  })
  .meta({ id: 'CandidateRelay', description: 'An actor the statement travelled through ("told IRNA").' });

export const CandidateAttributionSchema = z
  .object({
    actor: z
      .object({ id: z.number().int(), name: z.string() })
      .nullable()
      .describe('The actor held responsible; null when unknown (see `actorText`) or when nobody is named.'),
    actorText: z.string().nullable().describe('The words that name the actor held responsible.'),
    position: z
      .enum(ATTRIBUTION_POSITIONS)
      .describe('`no_attribution`: the statement pointedly names no one ("did not say who it suspected").'),
    role: z.enum(ATTRIBUTION_ROLES),
  })
  .meta({ id: 'CandidateAttribution', description: 'Whom the statement holds responsible, and how.' });

export const CandidateSignalsSchema = z
  .object({
    speaker: z
      .number()
      .describe(
        'How sure the speaker is, 0-1: 1 a known actor by name or alias; 0.8 one reached through "he" or "the ministry", or a country as the speaker ("Iran said"); 0.85 a name not on record yet; 0.4 a speaker no name pins down ("reports", "sources").',
      ),
    story: z
      .number()
      .describe(
        'How much the statement is about the source’s own story, 0-1, from the signals below: any one strong sign is enough.',
      ),
    subject: z
      .number()
      .describe(
        'Share of the source’s subject it speaks of, 0-1: the content words of the title and lede, each weighted by how rare it is in the text.',
      ),
    incident: z.boolean().describe('It speaks of an attack, its means or its damage.'),
    responsibility: z
      .boolean()
      .describe('It holds someone responsible, or denies, downplays or declines to comment.'),
    suspect: z
      .boolean()
      .describe(
        'It names an actor the source holds responsible elsewhere, or is that actor declining or denying.',
      ),
    continues: z
      .boolean()
      .describe(
        'It goes on from the same speaker’s statement about the story just before it, in the same paragraph ("... said the missile was Russian. “We have the radar tracks,” he said.").',
      ),
    otherTime: z
      .boolean()
      .describe(
        'It is framed in another time ("Last year, ..."), or stands in a paragraph about another story ("Separately, ...", "On domestic politics, ..."); its confidence is cut.',
      ),
  })
  .meta({ id: 'CandidateSignals', description: 'The evidence a candidate’s confidence is made of.' });

export const CandidateSchema = createSelectSchema(candidates)
  .pick({
    id: true,
    sourceId: true,
    fingerprint: true,
    status: true,
    stance: true,
    modality: true,
    text: true,
    claimId: true,
    decidedBy: true,
    decidedAt: true,
    reason: true,
    createdAt: true,
    updatedAt: true,
  })
  .extend({
    fingerprint: z
      .string()
      .describe('Where the statement stands in the text: the same on every run over the same text.'),
    status: z
      .enum(CANDIDATE_STATUSES)
      .describe('`pending` until someone accepts (files a claim) or rejects it.'),
    text: z
      .string()
      .describe('A plain restatement; accepting files it as the claim’s text unless corrected.'),
    quote: QuoteSelectorSchema,
    cue: z
      .object(span)
      .describe('The reporting verb or phrase: "said", "according to", "declined to comment".'),
    speaker: CandidateSpeakerSchema,
    reportedVia: z.array(CandidateRelaySchema).describe('The chain the text names, claimant side first.'),
    attributions: z.array(CandidateAttributionSchema),
    rule: z.enum(CANDIDATE_RULES).describe('Which pattern found the statement.'),
    confidence: z
      .number()
      .min(0)
      .max(1)
      .describe(
        `How likely it is a statement a curator files for this source’s story, 0-1: \`signals.speaker\` × \`signals.story\`, × 0.4 when \`signals.otherTime\`. Under ${MIN_CONFIDENCE} a candidate is stored but not proposed by default.`,
      ),
    signals: CandidateSignalsSchema,
    claimId: z.number().int().nullable().describe('The claim filed when the candidate was accepted.'),
    decidedBy: z.string().nullable().describe('The label of the API key that accepted or rejected it.'),
    decidedAt: z.string().nullable(),
    reason: z.string().nullable().describe('Why it was rejected.'),
  })
  .meta({
    id: 'Candidate',
    description:
      'A statement the extractor found in a source, proposed for review: nothing enters the record until someone accepts it.',
    examples: [
      {
        id: 5,
        sourceId: 2,
        fingerprint: '489630410b98a180dffb8ac8',
        status: 'pending',
        quote: {
          exact: 'The Israeli military declined to comment',
          prefix: 'ernment news service PadDolat.\n\n',
          suffix: '.\n\nIsrael’s latest strike comes ',
          start: 1647,
          end: 1687,
          verified: true,
        },
        cue: { text: 'declined to comment', start: 1668, end: 1687 },
        speaker: {
          text: 'The Israeli military',
          start: 1647,
          end: 1667,
          actor: { id: 15, name: 'Israel Defense Forces', kind: 'military' },
          score: 1,
          alternatives: [],
          proposed: null,
        },
        stance: 'declines_to_comment',
        modality: 'paraphrase',
        text: 'The Israeli military declined to comment',
        reportedVia: [],
        attributions: [
          {
            actor: { id: 2, name: 'Israel' },
            actorText: 'The Israeli military',
            position: 'declines_to_comment',
            role: 'perpetrator',
          },
        ],
        rule: 'declines_to_comment',
        confidence: 0.84,
        signals: {
          speaker: 1,
          story: 0.84,
          subject: 0.25,
          incident: false,
          responsibility: true,
          suspect: true,
          continues: false,
          otherTime: false,
        },
        claimId: null,
        decidedBy: null,
        decidedAt: null,
        reason: null,
        createdAt: '2026-11-21T09:30:00.000Z',
        updatedAt: '2026-11-21T09:30:00.000Z',
      },
    ],
  });

export type Candidate = z.infer<typeof CandidateSchema>;

export const CandidateListSchema = z
  .object({
    data: z.array(CandidateSchema),
    lowConfidence: z
      .number()
      .int()
      .describe(
        'Pending candidates stored under `minConfidence` and left out of `data`: list them with `GET /candidates?source={sourceId}&minConfidence=0`.',
      ),
  })
  .meta({
    id: 'CandidateList',
    description:
      'The candidates of the source in the order they stand in the text: the pending ones at least `minConfidence` confident, and every decided one.',
  });

const minConfidence = z.coerce
  .number()
  .min(0)
  .max(1)
  .describe(
    `Only candidates at least this confident (0-1); decided candidates are always included. POST /sources/{sourceId}/candidates uses ${MIN_CONFIDENCE} unless told otherwise.`,
  );

export const CandidatePage = pageOf(CandidateSchema, 'CandidatePage');

export const ListCandidatesQuery = pageQuerySchema.extend({
  source: idParam.optional().describe('Only the candidates found in this source.'),
  status: z.enum(CANDIDATE_STATUSES).optional().describe('Only pending, accepted or rejected candidates.'),
  minConfidence: minConfidence.optional(),
});

export const ExtractCandidatesBody = z
  .object({
    minConfidence: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe(
        `Which pending candidates to answer with (default ${MIN_CONFIDENCE}); \`0\` answers every one. Every candidate found is stored whatever this says.`,
      ),
  })
  .strict()
  .nullish()
  .meta({
    id: 'ExtractCandidates',
    description: 'Optional: send `{}` or nothing for the candidates worth a reviewer’s time.',
    examples: [{}, { minConfidence: 0 }],
  });

const correctionAttribution = z
  .object({
    actorId: idSchema.nullable().describe('The actor held responsible; null only with `no_attribution`.'),
    position: z.enum(ATTRIBUTION_POSITIONS),
    role: z.enum(ATTRIBUTION_ROLES).optional().describe('`perpetrator` unless said otherwise.'),
  })
  .strict();

export const AcceptCandidateBody = z
  .object({
    claimantId: idSchema
      .nullable()
      .optional()
      .describe('Who made the claim, instead of the proposed speaker; null: the source’s own voice.'),
    createClaimant: z
      .object({
        name: name(300),
        kind,
        parentId: idSchema.nullable().optional().describe('The actor the new one belongs to.'),
      })
      .strict()
      .optional()
      .describe('Create the claimant as a new actor (in the same transaction) and file the claim under it.'),
    stance: z.enum(candidates.stance.enumValues).optional(),
    modality: z.enum(candidates.modality.enumValues).optional(),
    text: text(5000)
      .min(1)
      .refine((s) => s.trim().length > 0, { message: 'Must not be blank' })
      .optional(),
    eventId: idSchema
      .nullable()
      .optional()
      .describe('The event the claim is about; needed to file attributions.'),
    reportedViaIds: z.array(idSchema).max(20).optional().describe('The chain, instead of the proposed one.'),
    quote: QuoteInputSchema.optional().describe('Another span of the source, instead of the proposed one.'),
    attributions: z
      .array(correctionAttribution)
      .max(20)
      .optional()
      .describe('Instead of the proposed attributions; `[]` files the claim without any.'),
  })
  .strict()
  .refine((b) => !(b.claimantId !== undefined && b.createClaimant !== undefined), {
    message: 'Send claimantId or createClaimant, not both',
    path: ['createClaimant'],
  })
  .nullish()
  .meta({
    id: 'AcceptCandidate',
    description:
      'Corrections to the proposal; every field is optional and an empty body files it as proposed.',
    examples: [{ eventId: 8, stance: 'declines_to_comment' }],
  });

export type AcceptCandidateInput = NonNullable<z.infer<typeof AcceptCandidateBody>>;

export const RejectCandidateBody = z
  .object({
    reason: text(2000)
      .min(1)
      .refine((s) => s.trim().length > 0, { message: 'Must not be blank' })
      .describe('Why the proposal is not a claim (kept with the candidate).'),
  })
  .strict()
  .meta({
    id: 'RejectCandidate',
    examples: [{ reason: 'Background about an earlier incident, not a statement on this event.' }],
  });
