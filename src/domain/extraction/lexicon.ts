import { COUNTRY_TABLE } from './countries.js';

/**
 * Word lists the extraction rules read. Lemmas are lower-case; phrases are matched on lower-cased token values.
 * Kept apart from the rules so that a newsroom's additions are made in one place.
 */

/** Verbs that report what someone said or wrote (lemmas). */
export const REPORTING_VERBS = new Set([
  'say',
  'tell',
  'add',
  'state',
  'claim',
  'deny',
  'downplay',
  'announce',
  'report',
  'confirm',
  'insist',
  'warn',
  'stress',
  'emphasize',
  'emphasise',
  'underscore',
  'note',
  'explain',
  'argue',
  'assert',
  'acknowledge',
  'admit',
  'allege',
  'declare',
  'suggest',
  'write',
  'tweet',
  'reiterate',
  'maintain',
  'reveal',
  'indicate',
  'vow',
  'threaten',
  'contend',
  'speculate',
]);

/** Reporting verbs that may take a bare clause ("Iran said its air defences ..."); the others need "that", ":" or a quote. */
export const CLAUSE_VERBS = new Set([
  'say',
  'tell',
  'add',
  'state',
  'claim',
  'announce',
  'report',
  'confirm',
  'insist',
  'warn',
  'allege',
  'declare',
  'write',
  'tweet',
  'deny',
  'reiterate',
  'admit',
  'stress',
  'emphasize',
  'emphasise',
  'underscore',
]);

/** Reporting verbs whose object is the statement itself rather than a clause ("blamed Israel"). */
export const RESPONSIBILITY_VERBS = new Set(['blame', 'accuse', 'attribute', 'hold']);

/** Participles that continue the main clause's speaker: "..., saying ...". */
export const PARTICIPLE_CUES = new Set([
  'saying',
  'claiming',
  'adding',
  'stating',
  'insisting',
  'noting',
  'warning',
  'arguing',
  'stressing',
  'asserting',
  'alleging',
]);

/** Words that can stand between a subject and its verb: "the ministry has so far downplayed". */
export const VERB_PRELUDE = new Set([
  'has',
  'have',
  'had',
  'also',
  'later',
  'earlier',
  'so',
  'far',
  'again',
  'repeatedly',
  'reportedly',
  'officially',
  'publicly',
  'previously',
  'then',
  'now',
  'already',
  'once',
  'separately',
  'further',
  'subsequently',
  'initially',
  'first',
  'originally',
  'quickly',
  'flatly',
  'strongly',
  'firmly',
  'immediately',
  'however',
  'would',
  'will',
  'did',
  'does',
  'do',
  'is',
  'was',
  'were',
  'are',
  'had',
]);

/** Qualifiers that do not change who a group is: "unidentified U.S. officials" are "U.S. officials". */
export const VAGUE_QUALIFIERS = new Set([
  'the',
  'a',
  'an',
  'some',
  'several',
  'many',
  'few',
  'two',
  'three',
  'four',
  'other',
  'others',
  'certain',
  'unidentified',
  'unnamed',
  'anonymous',
  'senior',
  'top',
  'high',
  'ranking',
  'high-ranking',
  'one',
  'various',
  'multiple',
]);

/** Person titles: a noun phrase with one of these (or "the envoy") names a person. */
export const PERSON_TITLES = new Set([
  'minister',
  'president',
  'spokesman',
  'spokeswoman',
  'spokesperson',
  'ambassador',
  'envoy',
  'diplomat',
  'lawmaker',
  'legislator',
  'mp',
  'senator',
  'general',
  'gen',
  'gen.',
  'commander',
  'chief',
  'director',
  'governor',
  'secretary',
  'premier',
  'king',
  'prince',
  'leader',
  'insider',
  'analyst',
  'expert',
  'professor',
  'official',
  'adviser',
  'advisor',
  'mayor',
  'deputy',
  'head',
  'ayatollah',
  'cleric',
  'journalist',
  'correspondent',
  'reporter',
  'editor',
  'colonel',
  'admiral',
  'captain',
  'mr',
  'mr.',
  'mrs',
  'mrs.',
  'ms',
  'ms.',
  'dr',
  'dr.',
]);

/** Heads of noun phrases that name an organisation of government. */
export const GOVERNMENT_WORDS = new Set([
  'ministry',
  'department',
  'government',
  'office',
  'mission',
  'embassy',
  'council',
  'parliament',
  'assembly',
  'presidency',
  'cabinet',
  'administration',
  'authority',
  'commission',
  'agency',
  'pentagon',
  'kremlin',
  'state department',
  'foreign ministry',
  'organization',
  'organisation',
]);

export const MEDIA_WORDS = new Set([
  'news',
  'agency',
  'tv',
  'television',
  'radio',
  'newspaper',
  'times',
  'journal',
  'post',
  'media',
  'outlet',
  'broadcaster',
  'daily',
  'site',
  'website',
  'network',
  'wire',
  'press',
  'channel',
  'magazine',
  'gazette',
  'herald',
  'tribune',
  'service',
]);

export const MILITARY_WORDS = new Set([
  'military',
  'army',
  'forces',
  'force',
  'navy',
  'guard',
  'guards',
  'corps',
  'idf',
  'irgc',
  'troops',
]);

/** Plural heads that name an unnamed collective: "US officials", "local Telegram channels", "sources". */
export const GROUP_HEADS = new Set([
  'official',
  'officials',
  'source',
  'sources',
  'channel',
  'channels',
  'report',
  'reports',
  'analyst',
  'analysts',
  'witness',
  'witnesses',
  'resident',
  'residents',
  'expert',
  'experts',
  'authorities',
  'diplomats',
  'people',
  'those',
  'speculation',
  'speculations',
  'observers',
  'activists',
  'users',
  'accounts',
  'agencies',
  'outlets',
  'media',
]);

/** Nouns of hearsay that speak for themselves: "Some speculations include ...", "Reports suggest ...". */
export const HEARSAY_NOUNS = new Set([
  'speculation',
  'speculations',
  'report',
  'reports',
  'rumour',
  'rumours',
  'rumor',
  'rumors',
]);
export const HEARSAY_VERBS = new Set(['include', 'suggest', 'say', 'indicate', 'claim', 'infer']);

/** Nouns that stand for "the statement of whoever spoke last": "the statement said". */
export const DOCUMENT_NOUNS = new Set([
  'statement',
  'report',
  'letter',
  'communique',
  'announcement',
  'release',
  'message',
  'post',
  'tweet',
]);

/** Country names, demonyms and metonyms (countries.ts), folded into the country's key when names are compared. */
export const COUNTRY_FORMS: Readonly<Record<string, string>> = Object.fromEntries(COUNTRY_TABLE);

/** Fixed synonyms folded before comparing names. */
export const NAME_SYNONYMS: Record<string, string> = {
  defence: 'defense',
  programme: 'program',
  organisation: 'organization',
  'foreign affairs': 'foreign',
  'state-run': 'state',
  'state run': 'state',
  'state-owned': 'state',
  television: 'tv',
  'internal affairs': 'interior',
  'home affairs': 'interior',
  'home office': 'interior ministry',
  'armed forces': 'forces',
};

/** What one declines to do when one will not comment: base form and past participle. */
const WITHHELD_SPEECH: [string, string][] = [
  ['comment', 'commented'],
  ['say', 'said'],
  ['confirm', 'confirmed'],
  ['discuss', 'discussed'],
  ['respond', 'responded'],
  ['answer', 'answered'],
  ['specify', 'specified'],
  ['name', 'named'],
  ['identify', 'identified'],
  ['disclose', 'disclosed'],
  ['reveal', 'revealed'],
  ['speculate', 'speculated'],
];

/**
 * Cues of declining to comment: phrases on lower-cased tokens, the first token being the cue's head. "declined /
 * refused to <say>", "did / does / would / will not <say>", "has / have / had not <said>", for each way of
 * withholding speech above ("declined to respond", "would not identify", "has not commented").
 */
export const DECLINE_PHRASES: string[][] = [
  ...['declined', 'declines', 'refused', 'refuses'].flatMap((v) =>
    WITHHELD_SPEECH.map(([base]) => [v, 'to', base]),
  ),
  ...['did', 'does', 'do', 'would', 'will'].flatMap((aux) =>
    WITHHELD_SPEECH.flatMap(([base]) => [
      [aux, 'not', base],
      [aux, "n't", base],
    ]),
  ),
  ...['has', 'have', 'had'].flatMap((aux) =>
    WITHHELD_SPEECH.flatMap(([, participle]) => [
      [aux, 'not', participle],
      [aux, "n't", participle],
    ]),
  ),
];

/** Content phrases that decline to comment: "I never talk about specific operations". */
export const DECLINE_CONTENT = [
  /\bnever (talk|comment|speak)s? (about|on)\b/i,
  /\b(do|does|did|will|would)(n[’']t| not) (comment|talk|speak) (about|on)\b/i,
  /\bno comment\b/i,
  /\brefuse[sd]? to (confirm|comment|discuss)\b/i,
];

/** Phrases that minimise what happened. */
export const DOWNPLAY_CONTENT = [
  /\b(only |very )?(minor|minimal|slight|limited|little|superficial|negligible) damage\b/i,
  /\bno (serious|significant|major) damage\b/i,
  /\bunsuccessful (micro[- ]?drone |drone )?(attack|attacks|strike|strikes|attempt|operation)\b/i,
  /\bfailed (attack|attacks|strike|attempt)\b/i,
  /\bfended off\b/i,
  /\bcannot (impact|affect|stop|disrupt)\b/i,
  /\b(not|no) (caused? any |cause any )?disruption\b/i,
  /\bplayed down\b/i,
];

/** Hedges that make a statement speculation. */
export const SPECULATION_CONTENT = [
  /\bsuspect(s|ed)?\b/i,
  /\b(may|might) have\b/i,
  /\bspeculat(ion|ions|e|es|ed|ing)\b/i,
  /\bpossibly\b/i,
  /\bperhaps\b/i,
];

export const DENIAL_CONTENT = [
  /\bdenied (any )?(involvement|responsibility|role)\b/i,
  /\b(had|has|have) nothing to do with\b/i,
  /\b(was|were|is|are) not (behind|involved|responsible)\b/i,
  // Rejecting the charge: "rejects any attempts to blame Russia", "dismissed the accusations".
  /\b(reject|dismiss|rebuff|refute)(s|ed|ing)? (any |all |the |these |those |such )?(attempts?|suggestions?|claims?|accusations?|allegations?|charges?|reports?)\b/i,
  // The deed itself, negated: "did not open fire on civilian areas", "has not launched any drones".
  /\b(did|does|do|has|have|had|was|were) (not|never) (open(ed)? fire|fired?|attack(ed)?|target(ed)?|strike|struck|shoot|shot|shell(ed)?|launch(ed)?|carr(y|ied) out)\b/i,
];

/**
 * The vocabulary of the kind of event the desk tracks, an attack: what was done, with what, and what it did
 * (lemmas and word forms). Generic to attacks, not to one story; the document's own subject words are learnt
 * from its title and lede (relevance.ts).
 */
export const INCIDENT_WORDS = new Set([
  'attack',
  'strike',
  'airstrike',
  'explosion',
  'blast',
  'bombing',
  'bomb',
  'bombardment',
  'drone',
  'uav',
  'quadcopter',
  'missile',
  'rocket',
  'shelling',
  'raid',
  'assault',
  'sabotage',
  'aggression',
  'act',
  'incident',
  'explode',
  'detonate',
  'detonation',
  'damage',
  'casualty',
  'casualties',
  'kill',
  'wound',
  'injure',
  'injury',
  'destroy',
  'destruction',
  'intercept',
  'shoot',
]);
