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
  /**
   * How likely it is a statement a curator files for this story, 0-1: how sure the speaker is, times how much
   * the statement is about the document's own story, less for another time. Under MIN_CONFIDENCE a candidate
   * is kept but not proposed by default.
   */
  confidence: number;
  /** What the confidence is made of. */
  signals: ConfidenceSignals;
}

/** The evidence behind a candidate's confidence, for the reviewer. */
export interface ConfidenceSignals {
  /**
   * How sure the speaker is, 0-1: 1 a known actor by name, 0.8 one by "he"/"the ministry" or a country as the
   * speaker ("Iran said"), 0.85 a name not on record yet, 0.4 a speaker no name pins down ("reports", "sources").
   */
  speaker: number;
  /** How much the statement is about the document's story, 0-1 (from the signals below). */
  story: number;
  /** Share of the document's subject (the weighted content words of its title and lede) it speaks of, 0-1. */
  subject: number;
  /** It speaks of an attack, its means or its damage. */
  incident: boolean;
  /** It holds someone responsible, denies, downplays or declines to comment. */
  responsibility: boolean;
  /** It names an actor the document holds responsible elsewhere, or is that actor declining or denying. */
  suspect: boolean;
  /** It goes on from the same speaker's statement about the story just before it, in the same paragraph. */
  continues: boolean;
  /** It is framed in another time ("Last year, ..."), or stands in a paragraph about another story. */
  otherTime: boolean;
}

export interface ExtractOptions {
  /** The document's title: with the lede, it says what the document is about. */
  title?: string | null;
}
