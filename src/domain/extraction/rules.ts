import {
  CLAUSE_VERBS,
  DECLINE_PHRASES,
  DOCUMENT_NOUNS,
  HEARSAY_NOUNS,
  HEARSAY_VERBS,
  PARTICIPLE_CUES,
  PERSON_TITLES,
  REPORTING_VERBS,
  RESPONSIBILITY_VERBS,
  VERB_PRELUDE,
} from './lexicon.js';
import type { Token } from './nlp.js';
import type { RuleName } from './types.js';

/** Sentences of one paragraph joined where a quotation runs across their boundary. */
export interface Unit {
  paragraph: number;
  /** Index among all units of the document, in text order. */
  index: number;
  tokens: Token[];
  start: number;
  end: number;
  /** Whether the unit is the first of its paragraph. */
  first: boolean;
}

/** A contiguous run of tokens [from, to) in a unit. */
export interface TokenRange {
  from: number;
  to: number;
}

export type SpeakerRef =
  | { kind: 'phrase'; range: TokenRange; description: TokenRange | null }
  /** The speaker of the statement before it in the unit, else the unit's main subject (`fallback`). */
  | { kind: 'same_as_previous'; fallback: TokenRange | null };

/** What a rule found, before speakers are resolved: ranges are token indices into `unit.tokens`. */
export interface RawStatement {
  rule: RuleName;
  unit: Unit;
  content: TokenRange;
  cue: TokenRange;
  speaker: SpeakerRef;
  /** Noun phrases that carried the statement ("told state news agency IRNA"). */
  relays: TokenRange[];
  /** A stance the cue itself settles ("declined to comment", "downplayed", "speculations"). */
  stance?: 'declines_to_comment' | 'denies' | 'downplays' | 'speculates';
  /** "did not say who": the statement pointedly names no one. */
  namesNoOne?: boolean;
  /** Noun phrases the cue verb holds responsible ("blamed Israel", "attributed ... to Israel"). */
  heldResponsible: TokenRange[];
}

const OBJECT_VERBS = new Set(['downplay', 'deny', 'condemn']);
const SPEECH_NOUNS = new Set(['comment', 'remark', 'word', 'interview', 'speech', 'address', 'testimony']);
const isMark = (t: Token | undefined) => t !== undefined && /^["“”„«»‘’']$/.test(t.value);
const isOpenMark = (t: Token | undefined) => t !== undefined && /^["“„«‘']$/.test(t.value);
const inQuote = (t: Token | undefined) => t !== undefined && t.quote >= 0 && !isMark(t);
const lower = (t: Token | undefined) => t?.lower ?? '';
const NP_POS = new Set(['PROPN', 'NOUN', 'ADJ', 'NUM', 'DET', 'PART', 'PRON', 'X']);
const NOUNISH = new Set(['PROPN', 'NOUN', 'PRON', 'X']);
const PERSONAL = new Set(['he', 'she', 'it', 'they', 'we', 'i', 'him', 'her', 'them']);
const POSSESSIVE = new Set(['its', 'their', 'his', 'her', 'our']);
const NP_INNER_ADP = new Set(['of', 'to']);
/**
 * Prepositions a subject may carry after its head, walking left from the verb: "a spokesman for the Russian
 * embassy in Warsaw said", "local officials in Sotk tell ...". Who speaks is settled when the speaker is resolved.
 */
const SUBJECT_ADP = new Set(['of', 'to', 'in', 'at', 'for', 'from']);
const CLAUSE_STARTERS = new Set([
  'DET',
  'PROPN',
  'NOUN',
  'PRON',
  'NUM',
  'ADJ',
  'ADV',
  'AUX',
  'VERB',
  'X',
  'SCONJ',
]);
const TIME_WORDS =
  /^(on|in|at|during|late|early|last|this|earlier|later|overnight|today|yesterday|monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|august|september|october|november|december|morning|evening|night|afternoon|week|month|year|\d+)$/;

function isCueVerb(tokens: Token[], i: number): boolean {
  const t = tokens[i];
  if (!t || inQuote(t) || t.quote >= 0) return false;
  if (t.pos !== 'VERB' && !(t.pos === 'NOUN' && /^(says|said)$/.test(t.lower))) return false;
  if (!REPORTING_VERBS.has(t.lemma)) return false;
  const prev = tokens[i - 1];
  const next = tokens[i + 1];
  // "the so-called", "the aforesaid": not speech.
  if (prev && (prev.value === '-' || /-$/.test(prev.value) || /^so-/.test(t.lower))) return false;
  // "is said to be", "were reported near ...": passive, nobody speaks.
  if (prev && /^(is|was|were|are|be|been|being)$/.test(prev.lower)) return false;
  if (next && next.lower === 'to' && /^(be|have)$/.test(lower(tokens[i + 2]))) return false;
  // "the reported attack".
  if (prev && prev.pos === 'DET' && next && NOUNISH.has(next.pos)) return false;
  return true;
}

/** The noun phrase ending at token `end` (inclusive), walking left; null when there is none. */
export function phraseEndingAt(
  tokens: Token[],
  end: number,
  adps: ReadonlySet<string> = NP_INNER_ADP,
): TokenRange | null {
  let i = end;
  const last = tokens[i];
  if (!last || last.quote >= 0) return null;
  if (last.pos === 'PRON') return PERSONAL.has(last.lower) ? { from: i, to: i + 1 } : null;
  // "The Israeli military": an adjective standing as a noun after a determiner.
  const nominal =
    last.pos === 'ADJ' &&
    ([1, 2, 3].some((k) => tokens[end - k]?.pos === 'DET') || /^[’']s$/.test(tokens[end - 1]?.value ?? ''));
  if (!NOUNISH.has(last.pos) && !(last.pos === 'ADJ' && /^[A-Z]/.test(last.value)) && !nominal) return null;
  let from = i;
  while (i > 0) {
    const t = tokens[i - 1] as Token;
    if (t.quote >= 0) break;
    if (t.pos === 'DET' || POSSESSIVE.has(t.lower)) {
      from = i - 1;
      // "Iran's ambassador to the UN": the determiner opens the object of an inner "to"/"of", not the phrase.
      const adp = tokens[i - 2];
      const before = tokens[i - 3];
      if (
        adp &&
        before &&
        adp.quote < 0 &&
        adps.has(adp.lower) &&
        NOUNISH.has(before.pos) &&
        before.quote < 0
      ) {
        i -= 2;
        from = i;
        continue;
      }
      // "Mohammad Marandi an influential regime insider": a name set before its description without commas.
      if (/^(a|an)$/.test(t.lower)) {
        let k = i - 2;
        while (k >= 0 && (tokens[k] as Token).pos === 'PROPN' && (tokens[k] as Token).quote < 0) k--;
        if (k < i - 3) from = k + 1;
      }
      break;
    }
    if (t.pos === 'PRON') break;
    const left = tokens[i - 2];
    const right = tokens[i];
    const hyphenated =
      (left?.value === '-' && left.end === t.start) || (right?.value === '-' && t.end === right.start);
    if (NP_POS.has(t.pos) || t.value === '-' || /^[’']s$/.test(t.value) || hyphenated) {
      i--;
      from = i;
      continue;
    }
    if (t.pos === 'ADP' && adps.has(t.lower) && i - 2 >= 0 && NOUNISH.has((tokens[i - 2] as Token).pos)) {
      i--;
      from = i;
      continue;
    }
    break;
  }
  return { from, to: end + 1 };
}

/** The noun phrase starting at token `start`, walking right; null when there is none. */
export function phraseStartingAt(
  tokens: Token[],
  start: number,
  limit = tokens.length,
  inner = true,
): TokenRange | null {
  let i = start;
  const first = tokens[i];
  if (!first || first.quote >= 0) return null;
  if (first.pos === 'PRON' && PERSONAL.has(first.lower)) return { from: i, to: i + 1 };
  let seenNoun = false;
  while (i < limit) {
    const t = tokens[i] as Token;
    if (t.quote >= 0) break;
    if (NOUNISH.has(t.pos) && !(t.pos === 'PRON' && !POSSESSIVE.has(t.lower))) {
      seenNoun = true;
      i++;
      continue;
    }
    if (
      t.pos === 'DET' ||
      t.pos === 'ADJ' ||
      t.pos === 'NUM' ||
      POSSESSIVE.has(t.lower) ||
      /^[’']s$/.test(t.value) ||
      t.value === '-' ||
      // A capitalised word inside a name that the tagger read as a verb: "The Associated Press".
      (i > start && /^\p{Lu}/u.test(t.value) && (t.pos === 'VERB' || t.pos === 'ADV') && !seenNoun) ||
      // A participle before its noun: "a targeted strike", "the attempted attack".
      (i > start &&
        !seenNoun &&
        t.pos === 'VERB' &&
        /(ed|en)$/.test(t.lower) &&
        (tokens[i + 1]?.pos === 'NOUN' || tokens[i + 1]?.pos === 'ADJ'))
    ) {
      if (t.pos === 'DET' && seenNoun && !/^[’']s$/.test(t.value)) break;
      i++;
      continue;
    }
    if (inner && t.pos === 'ADP' && NP_INNER_ADP.has(t.lower) && seenNoun) {
      const n = tokens[i + 1];
      if (n && (NOUNISH.has(n.pos) || n.pos === 'DET' || n.pos === 'ADJ') && n.quote < 0) {
        i++;
        continue;
      }
    }
    break;
  }
  if (!seenNoun) return null;
  // "U.S. officials and others familiar with the operation": keep the first conjunct.
  return { from: start, to: i };
}

/** "held Russia (fully) accountable": the phrase between the verb and the adjective of blame. */
export function heldAs(tokens: Token[], verb: number): TokenRange | null {
  for (let k = verb + 2; k < Math.min(tokens.length, verb + 14); k++) {
    const w = tokens[k] as Token;
    if (w.value === '.' || w.value === ';') return null;
    if (!/^(responsible|accountable|liable|culpable)$/.test(w.lower)) continue;
    let end = k;
    while (end > verb + 1 && tokens[end - 1]?.pos === 'ADV') end--;
    const np = phraseStartingAt(tokens, verb + 1, end);
    return np && np.to === end ? np : null;
  }
  return null;
}

/** Skips adverbs and auxiliaries standing between a subject and its verb, walking left from `i`. */
function skipPreludeLeft(tokens: Token[], i: number): number {
  let j = i;
  while (j >= 0) {
    const t = tokens[j] as Token;
    if (t.quote >= 0) break;
    if (VERB_PRELUDE.has(t.lower) || (t.pos === 'ADV' && t.lower !== 'not') || t.pos === 'AUX') {
      j--;
      continue;
    }
    if (TIME_WORDS.test(t.lower) && j > 0 && /^(in|on|last|late|early)$/.test(lower(tokens[j - 1]))) {
      j -= 2;
      continue;
    }
    break;
  }
  return j;
}

/** The subject of the verb at `verb`: the noun phrase before it, past adverbs and an appositive. */
function subjectOf(
  tokens: Token[],
  verb: number,
): { range: TokenRange; description: TokenRange | null; relay?: TokenRange } | 'coordinated' | null {
  const j = skipPreludeLeft(tokens, verb - 1);
  // "Iran claimed ..., and said ...": the subject is the earlier verb's.
  if (j < 0) return null;
  const t = tokens[j] as Token;
  if (t.pos === 'CCONJ') return 'coordinated';
  if (t.value === ',') {
    // "Iran International, a London-based anti-regime news site, reported ..."
    for (let k = j - 1; k >= Math.max(0, j - 20); k--) {
      const c = tokens[k] as Token;
      if (c.quote >= 0) break;
      if (c.value === ',') {
        const np = phraseEndingAt(tokens, k - 1);
        const inner = { from: k + 1, to: j };
        const head = tokens[k + 1] as Token;
        if (
          np &&
          (head.pos === 'DET' ||
            head.pos === 'ADJ' ||
            head.pos === 'NOUN' ||
            head.lower === 'who' ||
            head.lower === 'including' ||
            head.pos === 'PROPN' ||
            // "A Georgian security official, speaking on condition of anonymity, told Reuters ..."
            (head.pos === 'VERB' && /ing$/.test(head.lower) && !PARTICIPLE_CUES.has(head.lower)))
        ) {
          // "the envoy's aide, Antony Blinken, said": the name between the commas is the speaker.
          const isName = (r: TokenRange) =>
            r.to > r.from &&
            tokens
              .slice(r.from, r.to)
              .every((x) => x.pos === 'PROPN' || x.value === '-' || x.value === '.' || isNameToken(x));
          if (isName(inner) && !isName(np)) return { range: inner, description: np };
          return { range: np, description: inner };
        }
        break;
      }
    }
    return null;
  }
  // "NoName057(16) claimed", "the Atomic Energy Organization (AEOI) said": the name and its bracket.
  let bracket = j;
  if (t.value === ')') {
    let k = j - 1;
    while (k > 0 && k > j - 6 && (tokens[k] as Token).value !== '(' && (tokens[k] as Token).quote < 0) k--;
    if ((tokens[k] as Token).value === '(') bracket = k - 1;
  }
  let np = phraseEndingAt(tokens, bracket, SUBJECT_ADP);
  if (!np) return null;
  if (bracket !== j) np = { from: np.from, to: j + 1 };
  // "Sources familiar with the operation said", "officials close to the talks said".
  if (
    /^(with|to)$/.test(lower(tokens[np.from - 1])) &&
    /^(familiar|close|linked|loyal|briefed|knowledgeable)$/.test(lower(tokens[np.from - 2]))
  ) {
    const head = phraseEndingAt(tokens, np.from - 3);
    if (head) np = { from: head.from, to: np.to };
  }
  // "A statement carried by the state-run IRNA news agency says": the statement speaks, IRNA carried it.
  if (
    lower(tokens[np.from - 1]) === 'by' &&
    /^(carried|published|posted|released|issued|aired)$/.test(lower(tokens[np.from - 2]))
  ) {
    const doc = phraseEndingAt(tokens, np.from - 3);
    if (doc) return { range: doc, description: null, relay: np };
  }
  return { range: np, description: null };
}

/** Where a clause that starts at `from` ends: before ", saying", ", according to", ", citing" or the unit's end. */
function clauseEnd(tokens: Token[], from: number): number {
  for (let i = from; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.quote >= 0) continue;
    if (t.value === ';') return i;
    if (i > from && opensNewPredicate(tokens, i)) return tokens[i - 1]?.value === ',' ? i - 1 : i;
    if (t.value === ',' || t.value === '–' || t.value === '—') {
      const n = tokens[i + 1];
      const n2 = tokens[i + 2];
      if (n && n.quote < 0 && (PARTICIPLE_CUES.has(n.lower) || n.lower === 'citing')) return i;
      if (n && n.lower === 'according' && lower(n2) === 'to') return i;
      // "..., while other reports pointed to ...": a contrast in the writer's voice, not more of the statement.
      if (n && n.quote < 0 && /^(while|whereas|though|although)$/.test(n.lower)) return i;
      // ", the ministry said" closing the clause.
      for (let k = i + 1; k < Math.min(tokens.length, i + 9); k++) {
        if (isCueVerb(tokens, k)) {
          const np = phraseEndingAt(tokens, skipPreludeLeft(tokens, k - 1));
          const after = tokens[k + 1];
          if (
            np &&
            np.from === i + 1 &&
            (!after ||
              after.value === '.' ||
              after.value === ',' ||
              after.pos === 'ADP' ||
              TIME_WORDS.test(after.lower))
          ) {
            return i;
          }
          break;
        }
        if ((tokens[k] as Token).value === ',') break;
      }
    }
  }
  let end = tokens.length;
  while (end > from && /^[.,;:!?]$/.test((tokens[end - 1] as Token).value)) end--;
  return end;
}

/** Whether a unit is the first sentence of its paragraph. */
const unitOpensParagraph = (unit: Unit) =>
  unit.tokens[0] !== undefined && unit.tokens[0].start === unit.start && unit.first;

/** A single capitalised word before a colon that reads as a surname rather than a label ("Kirby", not "Update"). */
const speakerName = (names: Token[]) =>
  names.length === 1 && (names[0] as Token).pos === 'PROPN' && !LABELS.has((names[0] as Token).lower);
const LABELS = new Set([
  'update',
  'updates',
  'breaking',
  'analysis',
  'live',
  'photo',
  'photos',
  'video',
  'watch',
  'read',
  'note',
  'editor',
  'correction',
  'background',
  'context',
  'timeline',
  'source',
  'sources',
  'credit',
  'warning',
  'opinion',
  'explainer',
  'exclusive',
  'latest',
  'recap',
  'summary',
  'q',
  'a',
  'question',
  'answer',
  'comment',
  'comments',
]);

/** Whether a reporting verb stands before token `at` in the same sentence: `at` is inside what it reports. */
function reportedBefore(tokens: Token[], at: number): boolean {
  for (let k = at - 1; k >= 0; k--) {
    const t = tokens[k] as Token;
    if (t.value === '.' || t.value === ';' || t.value === ':') return false;
    if (isCueVerb(tokens, k)) return true;
  }
  return false;
}

/** The refusal cues by their first word, so that a token costs one lookup. */
const DECLINE_BY_HEAD = new Map<string, string[][]>();
for (const phrase of DECLINE_PHRASES)
  DECLINE_BY_HEAD.set(phrase[0] as string, [...(DECLINE_BY_HEAD.get(phrase[0] as string) ?? []), phrase]);

/** Nouns of the deed a party may claim: "claimed the attacks". */
const OFFENCE_NOUNS = new Set([
  'attack',
  'attacks',
  'strike',
  'strikes',
  'bombing',
  'bombings',
  'operation',
  'operations',
  'explosion',
  'blast',
  'assault',
  'raid',
  'raids',
  'killing',
  'assassination',
  'hack',
  'cyberattack',
]);

/** Verbs of owning a deed: "claimed responsibility", "took credit". */
const CLAIM_DEED_VERBS = new Set(['claim', 'take', 'assume', 'accept', 'admit', 'acknowledge']);
/** Verbs of rejecting a charge, and the nouns a charge is made of: "dismissed suggestions of involvement". */
const REJECT_VERBS = new Set(['dismiss', 'reject', 'rebuff', 'refute']);
const CHARGE_NOUNS = new Set([
  'suggestion',
  'claim',
  'accusation',
  'allegation',
  'charge',
  'report',
  'assertion',
  'attempt',
  'speculation',
  'involvement',
  'responsibility',
  'role',
  'blame',
]);

/** A word of a name: capitalised, or the joins inside one ("Emmanuel Bisimwa", "MONUSCO", "Jean-Pierre"). */
const isNameToken = (t: Token | undefined) =>
  t !== undefined && t.quote < 0 && (/^\p{Lu}/u.test(t.value) || t.value === '-') && t.pos !== 'PUNCT';

/** Reporting verbs that may stand before their speaker: `"...," said the ministry`. */
const INVERTING_VERBS = new Set([
  'say',
  'add',
  'write',
  'note',
  'explain',
  'continue',
  'insist',
  'reply',
  'warn',
  'declare',
  'state',
  'stress',
  'report',
  'tell',
  'announce',
  'claim',
  'confirm',
]);

/** Verbs that, coordinated after a statement, begin another one by the same speaker (lemmas). */
const SECOND_PREDICATES = new Set([
  ...REPORTING_VERBS,
  ...RESPONSIBILITY_VERBS,
  'decline',
  'refuse',
  'dismiss',
  'reject',
  'call',
  'urge',
  'vow',
  'condemn',
]);

/**
 * "X denied A and accused B of C", "X said A but did not say B": a coordinator followed by another predicate of
 * the subject (a verb of speech, blame or refusal, or a negated auxiliary) ends the first statement.
 */
function opensNewPredicate(tokens: Token[], i: number): boolean {
  const t = tokens[i] as Token;
  if (t.quote >= 0 || (t.lower !== 'and' && t.lower !== 'but')) return false;
  let k = i + 1;
  while (tokens[k]?.pos === 'ADV' && tokens[k]?.lower !== 'not' && tokens[k]?.quote === -1) k++;
  const v = tokens[k];
  if (!v || v.quote >= 0) return false;
  if (v.pos === 'VERB' && SECOND_PREDICATES.has(v.lemma) && !/ing$/.test(v.lower)) return true;
  return (
    v.pos === 'AUX' &&
    /^(did|does|would|has|have|had|will)$/.test(v.lower) &&
    /^(not|n't)$/.test(lower(tokens[k + 1]))
  );
}

/** The quoted span (as a token range, marks included) that starts at token `i`, if one does. */
function quoteAt(tokens: Token[], i: number): TokenRange | null {
  const t = tokens[i];
  if (!t || !isOpenMark(t) || t.quote < 0) return null;
  let j = i + 1;
  while (j < tokens.length && (tokens[j] as Token).quote === t.quote) j++;
  return { from: i, to: j };
}

/** The quoted span that ends at token `i` (its closing mark or last quoted token). */
function quoteEndingAt(tokens: Token[], i: number): TokenRange | null {
  const t = tokens[i];
  if (!t || t.quote < 0) return null;
  let j = i;
  while (j > 0 && (tokens[j - 1] as Token).quote === t.quote) j--;
  return { from: j, to: i + 1 };
}

const words = (tokens: Token[], r: TokenRange) =>
  tokens.slice(r.from, r.to).filter((t) => /\p{L}/u.test(t.value)).length;

/** Start of the content after a cue at `cue`: past an object ("told IRNA"), adjuncts and "that"; or a quote. */
function complementAfter(
  tokens: Token[],
  cueEnd: number,
  takesObject: boolean,
): { kind: 'clause' | 'quote'; from: number; relays: TokenRange[] } | null {
  const relays: TokenRange[] = [];
  let i = cueEnd;
  if (takesObject) {
    const obj = phraseStartingAt(tokens, i);
    if (obj) {
      relays.push(obj);
      i = obj.to;
    }
  }
  for (let guard = 0; guard < 30 && i < tokens.length; guard++) {
    const t = tokens[i] as Token;
    if (isOpenMark(t) && t.quote >= 0) return { kind: 'quote', from: i, relays };
    if (t.value === ':' || (t.value === ',' && isOpenMark(tokens[i + 1]))) {
      i++;
      continue;
    }
    if (t.lower === 'that' && t.pos !== 'PRON') return { kind: 'clause', from: i + 1, relays };
    if (t.lower === 'that') return { kind: 'clause', from: i + 1, relays };
    if (t.pos === 'ADP' || TIME_WORDS.test(t.lower) || t.lower === 'about') {
      // "in a statement carried by X", "in an interview with CNN's Jake Tapper", "on Sunday".
      const np = phraseStartingAt(tokens, i + 1);
      if (t.lower === 'with' || t.lower === 'by') {
        if (np) relays.push(np);
      }
      i = np ? np.to : i + 1;
      if (
        tokens[i]?.lower === 'carried' ||
        tokens[i]?.lower === 'published' ||
        tokens[i]?.lower === 'posted'
      ) {
        const by = phraseStartingAt(tokens, i + 2);
        if (lower(tokens[i + 1]) === 'by' && by) {
          relays.push(by);
          i = by.to;
        }
      }
      continue;
    }
    if (t.pos === 'ADV' && t.lower !== 'not') {
      i++;
      continue;
    }
    if (t.value === '.' || t.value === ',' || t.value === ';') return null;
    if (CLAUSE_STARTERS.has(t.pos)) return { kind: 'clause', from: i, relays };
    return null;
  }
  return null;
}

/** A quoted span and, when the sentence runs on after "he said,", the quote that continues it. */
function extendQuote(tokens: Token[], q: TokenRange, after: number): TokenRange {
  // `"I never talk about specific operations," he said, "and every time ..."`
  let i = after;
  if (tokens[i]?.value === ',') i++;
  const next = quoteAt(tokens, i);
  if (next) {
    const lastInside = tokens[q.to - 2];
    const firstInside = tokens[next.from + 1];
    if (lastInside && lastInside.value === ',' && firstInside && /^\p{Ll}/u.test(firstInside.value)) {
      return { from: q.from, to: next.to };
    }
  }
  return q;
}

function innerOf(tokens: Token[], q: TokenRange): TokenRange {
  let from = q.from;
  let to = q.to;
  if (isMark(tokens[from])) from++;
  if (to - 1 > from && isMark(tokens[to - 1])) to--;
  while (to - 1 > from && /^[,;:]$/.test((tokens[to - 1] as Token).value)) to--;
  return { from, to };
}

const DATELINE = /^[A-Z][A-Z .'-]+,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2}\s*(\([^)]*\))?\s*[-–—]+$/;

/** The content before a trailing "..., the ministry said": the unit's start, past a dateline or "However,". */
function contentBefore(tokens: Token[], end: number): TokenRange | null {
  let from = 0;
  for (let i = 0; i < end; i++) {
    const t = tokens[i] as Token;
    if (t.quote >= 0) continue;
    if (t.value === ';') from = i + 1;
    if (/^[-–—]$/.test(t.value) && i < 12) {
      const head = tokens.slice(0, i + 1);
      const text = head
        .map((x) => x.value)
        .join(' ')
        .replace(/\s+([,.)])/g, '$1')
        .replace(/\(\s+/g, '(');
      if (DATELINE.test(text)) from = i + 1;
    }
  }
  const first = tokens[from];
  if (first && first.pos === 'ADV' && tokens[from + 1]?.value === ',') from += 2;
  while (end > from && /^[,;:–—-]$/.test((tokens[end - 1] as Token).value)) end--;
  return end - from >= 3 ? { from, to: end } : null;
}

function nearestCueLeft(tokens: Token[], i: number): number {
  for (let k = i; k >= 0; k--) if (isCueVerb(tokens, k)) return k;
  return -1;
}

/** Runs every rule over one unit, in priority order; later rules skip the tokens earlier ones took. */
export function statementsOf(unit: Unit): RawStatement[] {
  const { tokens } = unit;
  const out: RawStatement[] = [];
  const taken = new Set<number>();
  const free = (r: TokenRange) => {
    for (let i = r.from; i < r.to; i++) if (taken.has(i)) return false;
    return true;
  };
  const take = (s: RawStatement) => {
    for (let i = s.content.from; i < s.content.to; i++) taken.add(i);
    for (let i = s.cue.from; i < s.cue.to; i++) taken.add(i);
    out.push(s);
  };
  const base = { unit, relays: [] as TokenRange[], heldResponsible: [] as TokenRange[] };
  /** The clause of the verb at `i` from its own named subject to its end, if no earlier rule took any of it. */
  const namedClause = (i: number) => {
    const subject = subjectOf(tokens, i);
    if (!subject || subject === 'coordinated') return null;
    const content = { from: subject.range.from, to: clauseEnd(tokens, i + 1) };
    return free(content) ? { subject, content } : null;
  };

  // Declining to comment: "The Israeli military declined to comment", "did not say who it suspected".
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]?.quote !== -1) continue;
    for (const phrase of DECLINE_BY_HEAD.get(lower(tokens[i])) ?? []) {
      if (!phrase.every((w, k) => tokens[i + k]?.lower === w && tokens[i + k]?.quote === -1)) continue;
      const cue = { from: i, to: i + phrase.length };
      // "refused to confirm or deny whether ..."
      let tail = cue.to;
      if (tokens[tail]?.lower === 'or' && /^(deny|denied)$/.test(lower(tokens[tail + 1]))) tail += 2;
      const end = clauseEnd(tokens, tail);
      const subject = subjectOf(tokens, i);
      const phrase_ = subject !== null && subject !== 'coordinated' ? subject : null;
      const from =
        phrase_ && phrase_.range.to === skipPreludeLeft(tokens, i - 1) + 1 ? phrase_.range.from : i;
      const namesNoOne =
        /^(who|whom|which|what)$/.test(lower(tokens[tail])) || lower(tokens[tail]) === 'whether';
      take({
        ...base,
        rule: 'declines_to_comment',
        content: { from, to: Math.max(end, cue.to) },
        cue,
        speaker:
          subject === 'coordinated' || subject === null
            ? { kind: 'same_as_previous', fallback: mainSubject(tokens, i) }
            : { kind: 'phrase', ...subject },
        stance: 'declines_to_comment',
        namesNoOne: namesNoOne && lower(tokens[tail]) !== 'whether',
      });
      i = cue.to - 1;
      break;
    }
  }

  // A live blog's or transcript's speaker before a colon: `Armenian Prime Minister Davit Hakobyan: "..."`,
  // "Kirby: We are not seeking a war". Only at the start of a paragraph, only a name (several capitalised words,
  // or one with a title), never "Update:" or "Here's what we know:".
  if (unitOpensParagraph(unit)) {
    let k = 0;
    while (k < tokens.length && k < 8 && (isNameToken(tokens[k]) || PERSON_TITLES.has(lower(tokens[k])))) k++;
    const names = tokens.slice(0, k).filter((t) => t.value !== '-');
    const titled = names.some((t) => PERSON_TITLES.has(t.lower));
    if (tokens[k]?.value === ':' && (names.length >= 2 || titled || speakerName(names))) {
      const q = quoteAt(tokens, k + 1);
      const content = q ? innerOf(tokens, q) : { from: k + 1, to: clauseEnd(tokens, k + 1) };
      if (words(tokens, content) >= 4 && (q || tokens[k + 1]?.quote === -1)) {
        take({
          ...base,
          rule: 'speaker_then_quote',
          content,
          cue: { from: k, to: k + 1 },
          speaker: { kind: 'phrase', range: { from: 0, to: k }, description: null },
        });
      }
    }
  }

  // "X quoted S as saying ...".
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.quote >= 0 || t.lemma !== 'quote' || t.pos !== 'VERB' || taken.has(i)) continue;
    const who = phraseStartingAt(tokens, i + 1);
    if (!who || lower(tokens[who.to]) !== 'as' || lower(tokens[who.to + 1]) !== 'saying') continue;
    const relay = subjectOf(tokens, i);
    const from = who.to + 2 + (lower(tokens[who.to + 2]) === 'that' ? 1 : 0);
    const q = quoteAt(tokens, from);
    const content = q ? innerOf(tokens, q) : { from, to: clauseEnd(tokens, from) };
    if (content.to <= content.from) continue;
    take({
      ...base,
      rule: 'quoted_as_saying',
      content,
      cue: { from: i, to: who.to + 2 },
      speaker: { kind: 'phrase', range: who, description: null },
      relays: relay && relay !== 'coordinated' ? [relay.range] : [],
    });
  }

  // Responsibility verbs: "Local Telegram channels attributed the attacks to Israel", "blamed Israel".
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.quote >= 0 || t.pos !== 'VERB' || !RESPONSIBILITY_VERBS.has(t.lemma) || taken.has(i)) continue;
    if (/^(is|was|were|are|be|been)$/.test(lower(tokens[i - 1]))) continue;
    const subject = subjectOf(tokens, i);
    if (!subject) continue;
    // "Rahimi said Tehran held the United States accountable": the blame is what Rahimi said.
    if (subject !== 'coordinated' && reportedBefore(tokens, subject.range.from)) continue;
    const held: TokenRange[] = [];
    if (t.lemma === 'attribute') {
      for (let k = i + 1; k < Math.min(tokens.length, i + 15); k++) {
        if (tokens[k]?.lower === 'to' && tokens[k]?.quote === -1) {
          const np = phraseStartingAt(tokens, k + 1);
          if (np) held.push(np);
          break;
        }
      }
    } else if (t.lemma === 'hold') {
      // "holds Venezuela fully responsible", "held Russia accountable"
      const np = heldAs(tokens, i);
      if (!np) continue;
      held.push(np);
    } else {
      const np = phraseStartingAt(tokens, i + 1, tokens.length, false);
      if (np) {
        const on = lower(tokens[np.to]) === 'on' ? phraseStartingAt(tokens, np.to + 1) : null;
        held.push(t.lemma === 'blame' && on ? on : np);
      }
    }
    if (held.length === 0) continue;
    const end = clauseEnd(tokens, i + 1);
    // "The RSF denied any involvement and accused the Chadian army of ...": the first verb's subject blames.
    take({
      ...base,
      rule: 'responsibility_verb',
      content: { from: subject === 'coordinated' ? i : subject.range.from, to: end },
      cue: { from: i, to: i + 1 },
      speaker:
        subject === 'coordinated'
          ? { kind: 'same_as_previous', fallback: mainSubject(tokens, i) }
          : { kind: 'phrase', ...subject },
      heldResponsible: held,
    });
  }

  // Claiming the deed: "A hacker group calling itself NoName057(16) claimed responsibility on its channel".
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.quote >= 0 || t.pos !== 'VERB' || !CLAIM_DEED_VERBS.has(t.lemma) || taken.has(i)) continue;
    let k = i + 1;
    if (/^(full|sole|partial)$/.test(lower(tokens[k]))) k++;
    // "claimed responsibility", "took credit", and "the Houthis claimed the attacks".
    const deed =
      t.lemma === 'claim' &&
      /^(the|this|these|both|all)$/.test(lower(tokens[k])) &&
      OFFENCE_NOUNS.has(lower(tokens[k + 1]));
    if (deed) k++;
    else if (!/^(responsibility|credit)$/.test(lower(tokens[k]))) continue;
    const clause = namedClause(i);
    if (!clause) continue;
    const { subject, content } = clause;
    take({
      ...base,
      rule: 'responsibility_verb',
      content,
      cue: { from: i, to: k + 1 },
      speaker: { kind: 'phrase', ...subject },
      heldResponsible: [subject.range],
    });
  }

  // Rejecting a charge: "Volkova dismissed suggestions of Russian involvement as ...", "Iran rejected the claims".
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.quote >= 0 || t.pos !== 'VERB' || !REJECT_VERBS.has(t.lemma) || taken.has(i)) continue;
    if (/^(is|was|were|are|be|been)$/.test(lower(tokens[i - 1]))) continue;
    const object = phraseStartingAt(tokens, i + 1);
    const head = object ? tokens[object.to - 1] : undefined;
    const charge =
      object &&
      tokens.slice(object.from, object.to).some((x) => CHARGE_NOUNS.has(x.lemma) && x.pos === 'NOUN') &&
      head !== undefined;
    if (!charge) continue;
    const clause = namedClause(i);
    if (!clause) continue;
    const { subject, content } = clause;
    const according = findAfter(tokens, content.to, 'according');
    const relays =
      according >= 0 && lower(tokens[according + 1]) === 'to'
        ? [phraseStartingAt(tokens, according + 2)].filter((r): r is TokenRange => r !== null)
        : relaysAfter(tokens, content.to);
    take({
      ...base,
      rule: 'reporting_clause',
      content,
      cue: { from: i, to: i + 1 },
      speaker: { kind: 'phrase', ...subject },
      relays,
      stance: 'denies',
    });
    if (according >= 0) for (let k = according; k < according + 2; k++) taken.add(k);
  }

  // "Amir-Abdollahian called the blast a cowardly strike": naming something is saying something about it.
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.quote >= 0 || t.lemma !== 'call' || t.pos !== 'VERB' || taken.has(i)) continue;
    if (
      /^(so|what|is|was|were|are|be|been)$/.test(lower(tokens[i - 1])) ||
      /-$/.test(tokens[i - 1]?.value ?? '')
    )
      continue;
    const obj = phraseStartingAt(tokens, i + 1);
    // "called the blast a cowardly strike", "calls the breach “an act of ecological terrorism”"
    const next = isMark(tokens[obj?.to ?? -1]) ? (obj?.to ?? 0) + 1 : (obj?.to ?? -1);
    if (!obj || !/^(a|an)$/.test(lower(tokens[next]))) continue;
    const clause = namedClause(i);
    if (!clause) continue;
    const { subject, content } = clause;
    take({
      ...base,
      rule: 'reporting_clause',
      content,
      cue: { from: i, to: i + 1 },
      speaker: { kind: 'phrase', range: subject.range, description: subject.description },
    });
  }

  // Hearsay nouns as speakers: "Some speculations include ...", "Reports suggest that ...".
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.quote >= 0 || !HEARSAY_NOUNS.has(t.lower) || taken.has(i)) continue;
    // "The report said" is a document speaking for its author, not hearsay.
    if (/^(the|this|that|its|their)$/.test(lower(tokens[i - 1]))) continue;
    const verb = tokens[i + 1];
    if (!verb || verb.quote >= 0 || !HEARSAY_VERBS.has(verb.lemma)) continue;
    const np = phraseEndingAt(tokens, i) ?? { from: i, to: i + 1 };
    let from = i + 2;
    if (lower(tokens[from]) === 'that') from++;
    const end = clauseEnd(tokens, from);
    if (end - from < 3) continue;
    take({
      ...base,
      rule: 'hearsay_noun',
      content: { from, to: end },
      cue: { from: i + 1, to: i + 2 },
      speaker: { kind: 'phrase', range: np, description: null },
      stance: /^speculation/.test(t.lower) || /^rumou?r/.test(t.lower) ? 'speculates' : undefined,
    });
  }

  // "what Ukraine said were civilian targets", "what they called a “sabotage attack”".
  for (let i = 0; i < tokens.length; i++) {
    if (lower(tokens[i]) !== 'what' || tokens[i]?.quote !== -1) continue;
    const np = phraseStartingAt(tokens, i + 1);
    if (!np) continue;
    const v = np.to;
    const verb = tokens[v];
    if (
      !verb ||
      verb.quote >= 0 ||
      !(verb.lemma === 'say' || verb.lemma === 'call' || verb.lemma === 'describe')
    )
      continue;
    let j = v + 1;
    if (/^(was|were|is|are|as)$/.test(lower(tokens[j]))) j++;
    const q =
      quoteAt(tokens, j) ??
      (lower(tokens[j]) === 'a' || lower(tokens[j]) === 'an' ? quoteAt(tokens, j + 1) : null);
    const obj = q ?? phraseStartingAt(tokens, j);
    if (!obj) continue;
    const content = { from: i, to: obj.to };
    if (!free(content)) continue;
    take({
      ...base,
      rule: 'what_speaker_said',
      content,
      cue: { from: v, to: v + 1 },
      speaker: { kind: 'phrase', range: np, description: null },
    });
  }

  // According to: "According to local Telegram channels, ...", "..., according to a statement carried by X".
  for (let i = 0; i < tokens.length; i++) {
    if (lower(tokens[i]) !== 'according' || lower(tokens[i + 1]) !== 'to' || tokens[i]?.quote !== -1)
      continue;
    const np = phraseStartingAt(tokens, i + 2);
    if (!np) continue;
    const relays: TokenRange[] = [];
    let after = np.to;
    if (
      /^(carried|published|posted|released)$/.test(lower(tokens[after])) &&
      lower(tokens[after + 1]) === 'by'
    ) {
      const by = phraseStartingAt(tokens, after + 2);
      if (by) {
        relays.push(by);
        after = by.to;
      }
    }
    // "According to the UN peacekeeping mission, MONUSCO, the plane ...": the name in apposition speaks.
    let speakerRange = np;
    let description: TokenRange | null = null;
    if (tokens[after]?.value === ',' && i <= 2) {
      let k = after + 1;
      while (k < tokens.length && k - after <= 5 && isNameToken(tokens[k])) k++;
      if (k > after + 1 && tokens[k]?.value === ',') {
        description = np;
        speakerRange = { from: after + 1, to: k };
        after = k;
      }
    }
    let content: TokenRange | null;
    if (tokens[after]?.value === ',' && i <= 2)
      content = { from: after + 1, to: clauseEnd(tokens, after + 1) };
    else content = contentBefore(tokens, i);
    if (!content || content.to - content.from < 3 || !free(content)) continue;
    const q = quoteAt(tokens, content.from);
    if (q && q.to >= content.to - 1) content = innerOf(tokens, q);
    take({
      ...base,
      rule: 'according_to',
      content,
      cue: { from: i, to: i + 2 },
      speaker: { kind: 'phrase', range: speakerRange, description },
      relays,
    });
  }

  // Reporting verbs.
  for (let i = 0; i < tokens.length; i++) {
    if (!isCueVerb(tokens, i) || taken.has(i)) continue;
    const t = tokens[i] as Token;
    const prev = tokens[i - 1];
    // Participles continue the main clause's speaker: "..., saying ...", "adding that ...".
    if (PARTICIPLE_CUES.has(t.lower) || (t.lower === 'saying' && prev?.value === ',')) {
      const introduced = (() => {
        // "with sources claiming ...", "a statement from the Ministry of Defense saying ..."
        const np = phraseEndingAt(tokens, i - 1);
        if (!np) return null;
        const word = lower(tokens[np.from - 1]);
        const speech = tokens[np.from - 2];
        const spoken =
          speech !== undefined && (DOCUMENT_NOUNS.has(speech.lemma) || SPEECH_NOUNS.has(speech.lemma));
        return word === 'with' || ((word === 'from' || word === 'by') && spoken) ? np : null;
      })();
      if (
        !prev ||
        (prev.value !== ',' && !(prev.quote >= 0 && isMark(prev)) && prev.lower !== 'and' && !introduced)
      )
        continue;
      const c = complementAfter(tokens, i + 1, false);
      if (!c) continue;
      let content: TokenRange;
      if (c.kind === 'quote') {
        const q = quoteAt(tokens, c.from) as TokenRange;
        content = innerOf(tokens, q);
      } else content = { from: c.from, to: clauseEnd(tokens, c.from) };
      if (content.to - content.from < 2 || !free(content)) continue;
      // "comments by Iranian lawmaker, Hossein Mirzaie, saying ..." and "a statement from the ministry saying ...".
      let speaker: SpeakerRef = introduced
        ? { kind: 'phrase', range: introduced, description: null }
        : { kind: 'same_as_previous', fallback: mainSubject(tokens, i) };
      let k = i - 1;
      if (tokens[k]?.value === ',') k--;
      const np = phraseEndingAt(tokens, k);
      if (np) {
        let before = np.from - 1;
        if (tokens[before]?.value === ',') {
          const desc = phraseEndingAt(tokens, before - 1);
          if (desc) before = desc.from - 1;
        }
        const speech = tokens[before - 1];
        const spoken =
          speech !== undefined && (DOCUMENT_NOUNS.has(speech.lemma) || SPEECH_NOUNS.has(speech.lemma));
        if ((/^(by|from)$/.test(lower(tokens[before])) && spoken) || lower(tokens[before]) === 'with') {
          speaker = { kind: 'phrase', range: np, description: null };
        }
      }
      const relays: TokenRange[] = [];
      if (speaker.kind === 'phrase') {
        // "The state-run IRNA news agency posted a statement from the Ministry of Defense saying ..."
        const v =
          nearestCueLeft(tokens, speaker.range.from) >= 0 ? -1 : findVerbLeft(tokens, speaker.range.from);
        if (v >= 0) {
          const subj = subjectOf(tokens, v);
          if (subj && subj !== 'coordinated') relays.push(subj.range);
        }
      }
      take({ ...base, rule: 'participle', content, cue: { from: i, to: i + 1 }, speaker, relays });
      continue;
    }

    const takesObject = t.lemma === 'tell';
    // `"Q," said the ministry` / `..., said S.`: the speaker follows the verb (only verbs that invert so:
    // ", condemned the strike" is a verb and its object).
    if (INVERTING_VERBS.has(t.lemma) && prev && (prev.value === ',' || (isMark(prev) && prev.quote >= 0))) {
      const np = phraseStartingAt(tokens, i + 1);
      const after = np ? tokens[np.to] : undefined;
      if (np && (!after || /^[.,;]$/.test(after.value) || after.pos === 'ADP')) {
        const q = quoteEndingAt(tokens, prev.value === ',' ? i - 2 : i - 1);
        const content = q ? innerOf(tokens, q) : contentBefore(tokens, prev.value === ',' ? i - 1 : i);
        if (content && free(content)) {
          take({
            ...base,
            rule: q ? 'quote_then_speaker' : 'trailing_reporting_clause',
            content,
            cue: { from: i, to: i + 1 },
            speaker: { kind: 'phrase', range: np, description: null },
            relays: relaysAfter(tokens, np.to),
          });
          continue;
        }
      }
    }

    const subject = subjectOf(tokens, i);
    if (subject === null) continue;
    const speaker: SpeakerRef =
      subject === 'coordinated'
        ? { kind: 'same_as_previous', fallback: mainSubject(tokens, i) }
        : { kind: 'phrase', range: subject.range, description: subject.description };
    const subjectRelays = subject !== 'coordinated' && subject.relay ? [subject.relay] : [];
    const speakerFrom =
      subject === 'coordinated'
        ? i
        : Math.min(subject.range.from, subject.description?.from ?? subject.range.from);

    // `"Q," the ministry said` (the quote closes just before the speaker).
    const beforeSpeaker = tokens[speakerFrom - 1]?.value === ',' ? speakerFrom - 2 : speakerFrom - 1;
    const q = subject !== 'coordinated' ? quoteEndingAt(tokens, beforeSpeaker) : null;
    if (q && words(tokens, q) >= 2) {
      const whole = extendQuote(tokens, q, i + 1);
      const content = whole === q ? innerOf(tokens, q) : innerOf(tokens, whole);
      if (free(content)) {
        take({
          ...base,
          rule: 'quote_then_speaker',
          content,
          cue: { from: i, to: i + 1 },
          speaker,
          relays: [...subjectRelays, ...(takesObject ? relaysAfter(tokens, i) : relaysAfter(tokens, i + 1))],
        });
        continue;
      }
    }

    const c = complementAfter(tokens, i + 1, takesObject);
    if (c) {
      let content: TokenRange;
      let rule: RuleName = 'reporting_clause';
      if (c.kind === 'quote') {
        const qq = quoteAt(tokens, c.from) as TokenRange;
        content = innerOf(tokens, qq);
        rule = 'speaker_then_quote';
      } else {
        content = { from: c.from, to: clauseEnd(tokens, c.from) };
        const bare = lower(tokens[c.from - 1]) !== 'that';
        if (
          bare &&
          OBJECT_VERBS.has(t.lemma) &&
          subject !== 'coordinated' &&
          !hasFiniteVerb(tokens, content)
        ) {
          // "The ministry has so far downplayed the attacks as ...", "Israel denied involvement": the whole clause.
          content = { from: subject.range.from, to: content.to };
        } else if (bare && (!CLAUSE_VERBS.has(t.lemma) || !hasFiniteVerb(tokens, content))) continue;
      }
      if (content.to - content.from >= 2 && free(content)) {
        const relays = [
          ...subjectRelays,
          ...c.relays.filter((r) => r.from > i),
          ...relaysAfter(tokens, content.to),
        ];
        take({
          ...base,
          rule,
          content,
          cue: { from: i, to: i + 1 },
          speaker,
          relays,
          stance: t.lemma === 'downplay' ? 'downplays' : t.lemma === 'deny' ? 'denies' : undefined,
        });
        continue;
      }
    }
    // "CONTENT, Iranian state media reported on Sunday, citing the defence ministry."
    if (subject !== 'coordinated' && tokens[subject.range.from - 1]?.value === ',') {
      const content = contentBefore(tokens, subject.range.from - 1);
      if (!content || !free(content)) continue;
      const relays: TokenRange[] = [];
      let sp: SpeakerRef = speaker;
      const citing = findAfter(tokens, i + 1, 'citing');
      if (citing >= 0) {
        const cited = phraseStartingAt(tokens, citing + 1);
        if (cited) {
          relays.push(subject.range);
          sp = { kind: 'phrase', range: cited, description: null };
        }
      } else relays.push(...relaysAfter(tokens, t.lemma === 'tell' ? i : i + 1));
      const qq = quoteAt(tokens, content.from);
      take({
        ...base,
        rule: 'trailing_reporting_clause',
        content: qq && qq.to >= content.to - 1 ? innerOf(tokens, qq) : content,
        cue: { from: i, to: i + 1 },
        speaker: sp,
        relays,
      });
    }
  }
  return out;
}

/** The subject of the first verb of the unit before token `before`: who "..., and said" continues. */
function mainSubject(tokens: Token[], before: number): TokenRange | null {
  for (let k = 0; k < before; k++) {
    const t = tokens[k] as Token;
    if (t.quote >= 0 || t.pos !== 'VERB') continue;
    const s = subjectOf(tokens, k);
    return s && s !== 'coordinated' ? s.range : null;
  }
  return null;
}

/** Whether a stretch has a verb that can head a clause (not only "-ing" forms): "three drones were shot down". */
function hasFiniteVerb(tokens: Token[], r: TokenRange): boolean {
  for (let i = r.from; i < r.to; i++) {
    const t = tokens[i] as Token;
    if ((t.pos === 'AUX' || t.pos === 'VERB') && !/ing$/.test(t.lower)) return true;
    // The tagger reads some past forms after a noun as nouns: "its air defences shot down 14 drones".
    const after = tokens[i - 1];
    if (
      i > r.from &&
      (t.pos === 'NOUN' || t.pos === 'ADJ') &&
      after !== undefined &&
      NOUNISH.has(after.pos) &&
      (PAST_FORMS.has(t.lower) || (/[^e]ed$/.test(t.lower) && t.lower.length > 4))
    )
      return true;
  }
  return false;
}

const PAST_FORMS = new Set([
  'shot',
  'hit',
  'struck',
  'fell',
  'blew',
  'broke',
  'caught',
  'cut',
  'set',
  'hurt',
  'left',
  'led',
  'held',
  'made',
  'took',
  'sank',
  'brought',
]);

function findAfter(tokens: Token[], from: number, word: string): number {
  for (let k = from; k < tokens.length; k++) {
    const t = tokens[k] as Token;
    if (t.value === '.' || t.value === ';') return -1;
    if (t.lower === word && t.quote < 0) return k;
  }
  return -1;
}

function findVerbLeft(tokens: Token[], from: number): number {
  for (let k = from - 1; k >= Math.max(0, from - 6); k--) {
    const t = tokens[k] as Token;
    if (t.pos === 'VERB') return k;
    if (t.value === ',' || t.value === '.') return -1;
  }
  return -1;
}

/** "in a statement carried by the state news agency IRNA", "told the New York Times", "in an interview with CNN". */
function relaysAfter(tokens: Token[], from: number): TokenRange[] {
  const relays: TokenRange[] = [];
  for (let k = from; k < Math.min(tokens.length, from + 14); k++) {
    const t = tokens[k] as Token;
    if (t.quote >= 0 || t.value === '.' || t.value === ';') break;
    if (
      t.lower === 'by' &&
      /^(carried|published|posted|broadcast|released|aired)$/.test(lower(tokens[k - 1]))
    ) {
      const np = phraseStartingAt(tokens, k + 1);
      if (np) relays.push(np);
    }
    if ((t.lower === 'told' || t.lower === 'tells') && k === from) {
      const np = phraseStartingAt(tokens, k + 1);
      if (np) relays.push(np);
    }
    if (t.lower === 'with' && /^(interview|conversation)$/.test(lower(tokens[k - 1]))) {
      const np = phraseStartingAt(tokens, k + 1);
      if (np) relays.push(np);
    }
  }
  return relays;
}

export const isDocumentNoun = (t: Token | undefined) => t !== undefined && DOCUMENT_NOUNS.has(t.lemma);
