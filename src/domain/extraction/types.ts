import type { QuoteSelector } from '../quote-anchor.js';

export type ActorKind =
  | 'state'
  | 'government_body'
  | 'military'
  | 'person'
  | 'media_outlet'
  | 'social_channel'
  | 'group';
export type Stance = 'asserts' | 'denies' | 'downplays' | 'speculates' | 'declines_to_comment';
export type Modality = 'direct_quote' | 'paraphrase';
/** `no_attribution`: the statement pointedly names no one ("did not say who it suspected"). */
export type AttributionPosition =
  | 'asserts'
  | 'denies'
  | 'declines_to_comment'
  | 'speculates'
  | 'no_attribution';
export type AttributionRole = 'perpetrator' | 'sponsor' | 'facilitator' | 'other';

/** An actor already on record, as the extractor needs it. */
export interface KnownActor {
  id: number;
  name: string;
  kind: ActorKind;
  aliases: readonly string[];
  parentId: number | null;
}

export interface ActorRef {
  id: number;
  name: string;
  kind: ActorKind;
}

/** A stretch of the source text; offsets in Unicode code points, `end` exclusive. */
export interface TextSpan {
  text: string;
  start: number;
  end: number;
}

export interface SpeakerProposal extends TextSpan {
  actor: ActorRef | null;
  /** How sure the match is, 0-1 (1: the exact name or an alias). */
  score: number;
  /** Up to three other actors the words could name, best first. */
  alternatives: (ActorRef & { score: number })[];
  /** A new actor to create when no known one fits. */
  proposed: { name: string; kind: ActorKind } | null;
}

export interface RelayProposal extends TextSpan {
  actor: ActorRef | null;
  proposed: { name: string; kind: ActorKind } | null;
}

export interface AttributionProposal {
  /** The actor held responsible, or null: unknown (see actorText) or nobody named (`no_attribution`). */
  actor: { id: number; name: string } | null;
  actorText: string | null;
  position: AttributionPosition;
  role: AttributionRole;
}

/** The rule that found a statement, for the reviewer and the audit trail. */
export type RuleName =
  | 'quote_then_speaker'
  | 'speaker_then_quote'
  | 'reporting_clause'
  | 'trailing_reporting_clause'
  | 'according_to'
  | 'participle'
  | 'quoted_as_saying'
  | 'citing'
  | 'declines_to_comment'
  | 'responsibility_verb'
  | 'what_speaker_said'
  | 'hearsay_noun'
  | 'continued_quote'
  | 'headline_says';

export interface ExtractedCandidate {
  /** Stable across re-runs on the same text: derived from where the statement and its cue stand. */
  fingerprint: string;
  quote: QuoteSelector;
  cue: TextSpan;
  speaker: SpeakerProposal;
  stance: Stance;
  modality: Modality;
  text: string;
  reportedVia: RelayProposal[];
  attributions: AttributionProposal[];
  rule: RuleName;
}
