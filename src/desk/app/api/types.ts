// The desk shares only types with the server: the API's response shapes are inferred from the same zod
// schemas that describe the API (so a change to the API breaks the desk's type check, not its users).
// Every import here is `import type`: nothing of the server ends up in the bundle.
import type { z } from 'zod';
import type { ProblemSchema } from '../../../errors.js';
import type { ActorRefSchema, ActorSchema } from '../../../modules/actors/actors.schemas.js';
import type { AttributionSchema } from '../../../modules/attributions/attributions.schemas.js';
import type { AuditEntrySchema } from '../../../modules/audit/audit.schemas.js';
import type {
  AcceptCandidateBody,
  CandidateListSchema,
  CandidateSchema,
} from '../../../modules/candidates/candidates.schemas.js';
import type { ClaimLinkSchema } from '../../../modules/claim-links/claim-links.schemas.js';
import type { ClaimSchema } from '../../../modules/claims/claims.schemas.js';
import type {
  AppearanceSchema,
  AttributionBoardSchema,
  BoardEntrySchema,
  OriginSchema,
  ProvenanceSchema,
  TimelineEntrySchema,
} from '../../../modules/cross-check/cross-check.schemas.js';
import type { EventSchema } from '../../../modules/events/events.schemas.js';
import type { SearchHitSchema } from '../../../modules/search/search.schemas.js';
import type {
  CreateSourceBody,
  SourceSchema,
  SourceSummarySchema,
} from '../../../modules/sources/sources.schemas.js';

export type Problem = z.output<typeof ProblemSchema>;
export type ActorRef = z.output<typeof ActorRefSchema>;
export type Actor = z.output<typeof ActorSchema>;
export type EventRecord = z.output<typeof EventSchema>;
export type Source = z.output<typeof SourceSchema>;
export type SourceSummary = z.output<typeof SourceSummarySchema>;
type CreateSourceInput = z.input<typeof CreateSourceBody>;
/** The create body: the API leaves every field but these three optional. */
export type CreateSource = Pick<CreateSourceInput, 'title' | 'kind' | 'text'> &
  Partial<Omit<CreateSourceInput, 'title' | 'kind' | 'text'>>;
export type Claim = z.output<typeof ClaimSchema>;
export type Attribution = z.output<typeof AttributionSchema>;
export type ClaimLink = z.output<typeof ClaimLinkSchema>;
export type AuditEntry = z.output<typeof AuditEntrySchema>;
export type TimelineEntry = z.output<typeof TimelineEntrySchema>;
/** Another place a timeline entry's statement appeared (a copy of its source, or a `repeats` link). */
export type Appearance = z.output<typeof AppearanceSchema>;
export type Provenance = z.output<typeof ProvenanceSchema>;
export type SearchHit = z.output<typeof SearchHitSchema>;
export type Origin = z.output<typeof OriginSchema>;

export type Stance = Claim['stance'];
export type ActorKind = Actor['kind'];
export type SourceKind = Source['kind'];

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

// The board: `?rollUp=true` folds actors held responsible into their top-level ancestor, each entry keeping
// which subordinate it named (`heldActor`); an attribution may hold no one responsible (position
// `no_attribution`), shown in a row of its own whose actor is null.
export type AttributionBoard = z.output<typeof AttributionBoardSchema>;
export type BoardActor = AttributionBoard['actors'][number];
export type BoardPosition = BoardActor['positions'][number];
export type BoardEntry = z.output<typeof BoardEntrySchema>;
export type AttributionPosition = BoardPosition['position'];

export type Candidate = z.output<typeof CandidateSchema>;
export type CandidateAttribution = Candidate['attributions'][number];
/** POST /sources/{id}/candidates: the candidates proposed, and how many were left out at low confidence. */
export type CandidateList = z.output<typeof CandidateListSchema>;
/** The corrections an accept may carry (every field optional; `attributions` replaces the proposed ones). */
export type AcceptCorrections = NonNullable<z.input<typeof AcceptCandidateBody>>;
