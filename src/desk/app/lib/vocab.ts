import type { ActorKind, AttributionPosition, SourceKind, Stance } from '../api/types.js';

// The API's vocabularies, as the desk labels them. Each list is checked against the server's type in both
// directions, so a value added to the API fails the desk's type check until it has a label here.
type Exhaustive<Union extends string, List extends readonly string[]> = [
  Exclude<Union, List[number]>,
] extends [never]
  ? List
  : never;

const stances = ['asserts', 'denies', 'downplays', 'speculates', 'declines_to_comment'] as const;
export const STANCES: Exhaustive<Stance, typeof stances> = stances;

export const STANCE_LABELS: Record<Stance, string> = {
  asserts: 'asserts',
  denies: 'denies',
  downplays: 'downplays',
  speculates: 'speculates',
  declines_to_comment: 'declines to comment',
};

/** Okabe-Ito colours, distinguishable with the common colour-vision deficiencies. */
export const STANCE_COLOURS: Record<Stance, string> = {
  asserts: '#0072B2',
  denies: '#D55E00',
  downplays: '#E69F00',
  speculates: '#CC79A7',
  declines_to_comment: '#6B6B6B',
};

const positions = ['asserts', 'denies', 'declines_to_comment', 'speculates', 'no_attribution'] as const;
export const ATTRIBUTION_POSITIONS: Exhaustive<AttributionPosition, typeof positions> = positions;

export const POSITION_LABELS: Record<AttributionPosition, string> = {
  asserts: 'Holds responsible',
  denies: 'Denies',
  declines_to_comment: 'Declines to comment',
  speculates: 'Speculates',
  no_attribution: 'Names no one',
};

const actorKinds = [
  'state',
  'government_body',
  'military',
  'person',
  'media_outlet',
  'social_channel',
  'group',
] as const;
export const ACTOR_KINDS: Exhaustive<ActorKind, typeof actorKinds> = actorKinds;

const sourceKinds = ['news_article', 'official_statement', 'social_post', 'other'] as const;
export const SOURCE_KINDS: Exhaustive<SourceKind, typeof sourceKinds> = sourceKinds;

export const humanize = (value: string) => value.replaceAll('_', ' ');
