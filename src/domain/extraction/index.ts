/**
 * Candidate extraction: finds the statements a document attributes to someone, who made them, how (stance,
 * modality), through whom (reportedVia) and whom they hold responsible. Pure: the actors to resolve against are
 * handed in, nothing is read or written.
 *
 * The passes, after the Gender Gap Tracker's quote extractor and Quootstrap's surface patterns:
 * 1. reporting clauses around a cue (`"Q," S said`, `S said (that) ...`, `..., S reported`, `according to S`,
 *    `S told X`, `X quoted S as saying`, `..., saying ...`, `S declined to comment`, `S blamed X`, ...);
 * 2. quotes that follow a speaker's quote without a cue of their own inherit that speaker;
 * 3. bare quoted spans with no speaker in reach are left out: nothing is attributed to no one.
 * Sentences, tokens, parts of speech and lemmas come from wink-nlp's English model; text that does not read as
 * English yields no candidates.
 */
import { createHash } from 'node:crypto';
import {
  codePointLength,
  QUOTE_CONTEXT_LENGTH,
  type QuoteSelector,
  sliceCodePoints,
} from '../quote-anchor.js';
import { type ActorMatch, createResolver, foldName, guessKind, nameKey, type Resolver } from './actors.js';
import { type HeldPhrase, positionOf, responsiblePhrases, stanceOf } from './assess.js';
import {
  DOCUMENT_NOUNS,
  MEDIA_WORDS,
  PERSON_TITLES,
  TITLE_ABBREVIATIONS,
  VAGUE_QUALIFIERS,
} from './lexicon.js';
import { oneStatementOnce, type StatementView } from './merge.js';
import { looksEnglish, type Paragraph, paragraphsOf, type Sentence, sentencesOf, type Token } from './nlp.js';
import { findQuotes, type QuotedSpan } from './quotes.js';
import { mentionsIncident, subjectMass, type Topic, termOf, termsOf, topicOf } from './relevance.js';
import { phraseStartingAt, type RawStatement, statementsOf, type TokenRange, type Unit } from './rules.js';
import type {
  ActorKind,
  ActorRef,
  AttributionProposal,
  ConfidenceSignals,
  ExtractedCandidate,
  ExtractOptions,
  KnownActor,
  RelayProposal,
  SpeakerProposal,
  Stance,
} from './types.js';

export type * from './types.js';

/** Below this score a known actor is offered as an alternative, not as the speaker. */
export const RESOLVED_SCORE = 0.55;
const MAX_ALTERNATIVES = 3;
const MIN_BARE_QUOTE_WORDS = 5;

interface Mention {
  at: number;
  unit: number;
  paragraph: number;
  actor: KnownActor | null;
  text: string;
  kind: ActorKind;
  /** Whether the mention opens its sentence (a subject, for "he" in the next one). */
  leading: boolean;
  /** The titles a person is named with ("Gov. Alexander Kurbatov": governor), for "the governor". */
  titles?: ReadonlySet<string>;
}

const titleOf = (word: string) => {
  const w = word.toLowerCase().replace(/\.$/, '');
  return TITLE_ABBREVIATIONS[w] ?? w;
};
/** The titles in a name and in the three words before it. */
function titlesAround(tokens: Token[], from: number, to: number): Set<string> {
  const out = new Set<string>();
  for (let k = Math.max(0, from - 3); k < to; k++) {
    const t = tokens[k] as Token;
    if (t.quote < 0 && PERSON_TITLES.has(t.lower)) out.add(titleOf(t.lower));
  }
  return out;
}

interface Resolved {
  speaker: SpeakerProposal;
  kind: ActorKind;
  relays: RelayProposal[];
  paragraph: number;
  unit: number;
}

const ref = (a: KnownActor): ActorRef => ({ id: a.id, name: a.name, kind: a.kind });
const named = (a: KnownActor) => ({ id: a.id, name: a.name });

function unitsOf(paragraph: Paragraph, sentences: Sentence[], quotes: QuotedSpan[], first: number): Unit[] {
  const inPara = quotes.filter((q) => q.paragraph === paragraph.index);
  for (const s of sentences) {
    for (const t of s.tokens) {
      const q = inPara.find((x) => t.start >= x.open && t.end <= x.close);
      if (q) t.quote = q.index;
    }
  }
  const units: Unit[] = [];
  let current: Token[] = [];
  for (let i = 0; i < sentences.length; i++) {
    const s = sentences[i] as Sentence;
    current.push(...s.tokens);
    const next = sentences[i + 1];
    const bridged =
      next !== undefined && inPara.some((q) => q.open < s.end && q.close > next.start && q.close > s.end);
    if (!bridged) {
      const a = current[0] as Token;
      const b = current[current.length - 1] as Token;
      units.push({
        paragraph: paragraph.index,
        index: first + units.length,
        tokens: current,
        start: a.start,
        end: b.end,
        first: units.length === 0,
      });
      current = [];
    }
  }
  return units;
}

const PERSON_NAME_STOP =
  /^(east|west|north|south|middle|gulf|sea|city|province|street|square|council|nations|day|war|court|house|news|times|post|journal|agency|ministry|forces|army|corps|guard|republic|state|states|union|international|media|tv|bank|party|program|centre|center|airport|port|river|mountains?)$/i;

function mentionsOf(units: Unit[], resolver: Resolver): Mention[] {
  const out: Mention[] = [];
  for (const unit of units) {
    const { tokens } = unit;
    const starts: number[] = [];
    let s = 0;
    tokens.forEach((_t, i) => {
      if (i > 0 && /^[.!?]$/.test((tokens[i - 1] as Token).value)) s = i;
      starts.push(s);
    });
    const leading = (i: number, slack: number) => i - (starts[i] ?? 0) <= slack;
    const covered = new Set<number>();
    // Names of known actors, longest first: "the Iranian Defense Ministry", "Hossein Amir-Abdollahian".
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i] as Token;
      if (!/^[\p{Lu}\p{N}]/u.test(t.value) && t.lower !== 'the') continue;
      for (let n = Math.min(8, tokens.length - i); n >= 1; n--) {
        const window = tokens.slice(i, i + n);
        const last = window[window.length - 1] as Token;
        if (
          !/^[\p{Lu}\p{N}]/u.test(last.value) &&
          !/^(ministry|officials|military|channels|forces)$/i.test(last.value)
        )
          continue;
        const text = window.map((w) => w.value).join(' ');
        const m = resolver.exact(text);
        if (m && m.score >= 0.8) {
          out.push({
            at: t.start,
            unit: unit.index,
            paragraph: unit.paragraph,
            actor: m.actor,
            text,
            kind: m.actor.kind,
            leading: leading(i, 1),
            titles: titlesAround(tokens, i, i),
          });
          for (let k = i; k < i + n; k++) covered.add(k);
          i += n - 1;
          break;
        }
      }
    }
    // Names no actor has yet: "Iran's Intelligence Ministry", "Ziyad al-Nakhalah".
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i] as Token;
      if (t.pos !== 'PROPN' || t.quote >= 0 || covered.has(i) || !/^\p{Lu}/u.test(t.value)) continue;
      let j = i;
      const inName = (k: number) => {
        const x = tokens[k];
        if (!x || covered.has(k)) return false;
        if (x.pos === 'PROPN' && /^\p{Lu}/u.test(x.value)) return true;
        return x.value === '-' && tokens[k + 1]?.pos === 'PROPN';
      };
      while (inName(j)) j++;
      const run = tokens.slice(i, j);
      const text = run
        .map((w) => w.value)
        .join(' ')
        .replace(/ - /g, '-');
      if (run.some((w) => w.lower === 'ministry')) {
        out.push({
          at: t.start,
          unit: unit.index,
          paragraph: unit.paragraph,
          actor: null,
          text,
          kind: 'government_body',
          leading: leading(i, 1),
        });
      } else if (!run.some((w) => PERSON_NAME_STOP.test(w.value))) {
        const titled = i > 0 && PERSON_TITLES.has((tokens[i - 1] as Token).lower);
        const words = run.filter((w) => !PERSON_TITLES.has(w.lower) && w.value !== '-');
        if ((words.length >= 2 && words.length <= 4) || (titled && words.length >= 1)) {
          const name = run
            .filter((w) => !PERSON_TITLES.has(w.lower))
            .map((w) => w.value)
            .join(' ')
            .replace(/ - /g, '-');
          out.push({
            at: t.start,
            unit: unit.index,
            paragraph: unit.paragraph,
            actor: null,
            text: name,
            kind: 'person',
            leading: leading(i, 2),
            titles: titlesAround(tokens, i, j),
          });
        }
      }
      i = Math.max(i, j - 1);
    }
  }
  return out.sort((a, b) => a.at - b.at);
}

/** Prepositions after a speaker's head: "officials in Tehran", "a spokesman for the embassy". */
const SPEAKER_ADP = new Set(['in', 'at', 'for', 'from']);
/** Heads that speak for the body they belong to: "a spokesman for X", "a source in X", "X's correspondent". */
const ROLE_NOUNS = new Set([
  'spokesman',
  'spokeswoman',
  'spokesperson',
  'spokespeople',
  'representative',
  'representatives',
  'source',
  'sources',
  'official',
  'officials',
  'member',
  'members',
  'aide',
  'aides',
  'employee',
  'employees',
  'reporter',
  'correspondent',
]);

const GENERIC_HEADS: Record<string, ActorKind | 'document' | 'person'> = {
  ministry: 'government_body',
  department: 'government_body',
  government: 'government_body',
  mission: 'government_body',
  embassy: 'government_body',
  military: 'military',
  army: 'military',
  forces: 'military',
  force: 'military',
  agency: 'media_outlet',
  group: 'group',
  movement: 'group',
  militia: 'group',
  rebels: 'group',
  company: 'group',
  operator: 'group',
  firm: 'group',
  newspaper: 'media_outlet',
  broadcaster: 'media_outlet',
  outlet: 'media_outlet',
  journal: 'media_outlet',
  paper: 'media_outlet',
  daily: 'media_outlet',
};

/** Extracts candidate statements from a document's text. */
export function extractCandidates(
  text: string,
  actors: readonly KnownActor[],
  options: ExtractOptions = {},
): ExtractedCandidate[] {
  const paragraphs = paragraphsOf(text);
  if (!looksEnglish(text.split(/\s+/))) return [];
  const quotes = findQuotes(text, paragraphs);
  const resolver = createResolver(actors);
  const units: Unit[] = [];
  for (const p of paragraphs) {
    if (!looksEnglish(p.text.split(/\s+/))) continue;
    units.push(...unitsOf(p, sentencesOf(p), quotes, units.length));
  }
  const mentions = mentionsOf(units, resolver);

  const raws: RawStatement[] = [];
  for (const unit of units) {
    const found = statementsOf(unit).sort((a, b) => a.content.from - b.content.from);
    raws.push(...found);
    // Pass 2: a quote standing on its own, right after a statement, is the same speaker's.
    const covered = (q: QuotedSpan) =>
      found.some(
        (s) => spanOf(unit, s.content).start < q.innerEnd && spanOf(unit, s.content).end > q.innerStart,
      );
    const own = unit.tokens.filter((t) => t.quote < 0 && /\p{L}/u.test(t.value)).length;
    if (found.length === 0 && own <= 3) {
      for (const q of quotes) {
        if (q.paragraph !== unit.paragraph || q.innerStart < unit.start || q.innerEnd > unit.end + 1)
          continue;
        if (q.words < MIN_BARE_QUOTE_WORDS || covered(q)) continue;
        const from = unit.tokens.findIndex((t) => t.quote === q.index && t.start >= q.innerStart);
        let to = from;
        while (
          to < unit.tokens.length &&
          (unit.tokens[to] as Token).quote === q.index &&
          (unit.tokens[to] as Token).end <= q.innerEnd
        )
          to++;
        while (to - 1 > from && /^[,;:]$/.test((unit.tokens[to - 1] as Token).value)) to--;
        if (from < 0 || to <= from) continue;
        raws.push({
          rule: 'continued_quote',
          unit,
          content: { from, to },
          cue: { from, to: from },
          speaker: { kind: 'same_as_previous', fallback: null },
          relays: [],
          heldResponsible: [],
        });
      }
    }
  }

  const title = options.title
    ? sentencesOf({ index: -1, start: 0, end: options.title.length, text: options.title }).flatMap(
        (s) => s.tokens,
      )
    : [];
  const otherStory = otherStoryParagraphs(text, units);
  const topic = topicOf(
    units.map((u) => u.tokens),
    title,
    (i) => otherStory.has((units[i] as Unit).paragraph),
  );
  const background = backgroundParagraphs(units, otherStory, topic);

  // Whom the document holds responsible, in any voice but not in background: a no-comment from that party,
  // or a statement that names it, is about the story.
  const suspects = new Set<number>();
  for (const raw of raws) {
    if (background.has(raw.unit.paragraph)) continue;
    for (const np of raw.heldResponsible) {
      const best = resolver.resolveParty(phraseText(text, raw.unit, np))[0];
      if (best && best.score >= RESOLVED_SCORE) suspects.add(resolver.topOf(best.actor).id);
    }
  }
  for (const unit of units) {
    if (background.has(unit.paragraph)) continue;
    for (const np of responsiblePhrases(unit.tokens, { from: 0, to: unit.tokens.length })) {
      const best = resolver.resolveParty(phraseText(text, unit, np))[0];
      if (best && best.score >= RESOLVED_SCORE) suspects.add(resolver.topOf(best.actor).id);
    }
  }

  const headlines = headlineUnits(text, units, options.title ?? null);
  const drafts: Draft[] = [];
  let prev: Resolved | null = null;
  const taken: { start: number; end: number }[] = [];
  for (const raw of raws) {
    const unit = raw.unit;
    const content = spanOf(unit, raw.content);
    if (content.end <= content.start) continue;
    if (taken.some((t) => overlapsMost(t, content))) continue;
    const resolved = resolveSpeaker(raw, text, resolver, mentions, prev);
    if (resolved === null) continue;
    const otherTime = background.has(unit.paragraph) || isBackground(text, unit, raw);
    const contentText = text.slice(content.start, content.end);
    const cue =
      raw.cue.to > raw.cue.from ? spanOf(unit, raw.cue) : { start: content.start, end: content.start };
    const cueLemma = unit.tokens[raw.cue.from]?.lemma ?? '';
    const stance: Stance = stanceOf(raw.stance, cueLemma, contentText);
    const relays = [...resolved.relays];
    for (const r of raw.relays) {
      const relay = relayOf(text, unit, r, resolver);
      if (
        relay &&
        !relays.some((x) => x.start === relay.start) &&
        relay.actor?.id !== resolved.speaker.actor?.id
      ) {
        relays.push(relay);
      }
    }
    const attributions = attributionsOf(raw, stance, resolved, text, resolver, suspects);
    const anchored = { selector: selectorAt(text, content.start, content.end) };
    taken.push(content);
    const candidate: Proposal = {
      fingerprint: fingerprintOf(
        anchored.selector.start,
        anchored.selector.end,
        cp(text, cue.start),
        cp(text, cue.end),
      ),
      quote: anchored.selector,
      cue: { text: text.slice(cue.start, cue.end), start: cp(text, cue.start), end: cp(text, cue.end) },
      speaker: resolved.speaker,
      stance,
      modality: quotedShare(quotes, content) >= 0.5 ? 'direct_quote' : 'paraphrase',
      text: restate(contentText),
      reportedVia: relays,
      attributions,
      rule: raw.rule,
    };
    drafts.push({ candidate, raw, content, otherTime, headline: headlines.has(unit.index), resolved });
    prev = { ...resolved, relays, paragraph: unit.paragraph, unit: unit.index };
  }
  drafts.sort(
    (a, b) =>
      a.candidate.quote.start - b.candidate.quote.start || a.candidate.cue.start - b.candidate.cue.start,
  );

  const kept = oneStatementOnce(drafts.map((d) => statementView(d, resolver)));
  let before: { last: Draft; candidate: ExtractedCandidate } | null = null;
  return kept.map((k) => {
    const head = drafts[k.index] as Draft;
    const members = k.members.map((i) => drafts[i] as Draft);
    let candidate: Proposal = {
      ...head.candidate,
      attributions: k.attributions,
      reportedVia: k.reportedVia,
    };
    if (k.through !== k.index) {
      // A statement continued over the next sentence: one span from the first words to the last.
      const last = drafts[k.through] as Draft;
      const selector = selectorAt(text, head.content.start, last.content.end);
      candidate = {
        ...candidate,
        fingerprint: fingerprintOf(selector.start, selector.end, candidate.cue.start, candidate.cue.end),
        quote: selector,
        text: restate(text.slice(head.content.start, last.content.end)),
      };
    }
    const signals = signalsOf(head, members, candidate, text, topic, mentions, resolver, suspects, before);
    const done = { ...candidate, confidence: confidenceOf(signals), signals };
    before = { last: drafts[Math.max(...k.members)] as Draft, candidate: done };
    return done;
  });
}

/** A candidate before its confidence is weighed. */
type Proposal = Omit<ExtractedCandidate, 'confidence' | 'signals'>;

interface Draft {
  candidate: Proposal;
  raw: RawStatement;
  /** The statement's words, UTF-16 offsets. */
  content: { start: number; end: number };
  /** Framed in another time or standing in a paragraph about another story. */
  otherTime: boolean;
  /** It stands in the document's headline. */
  headline: boolean;
  resolved: Resolved;
}

function statementView(d: Draft, resolver: Resolver): StatementView<AttributionProposal, RelayProposal> {
  const { candidate: c, raw } = d;
  const tokens = raw.unit.tokens.slice(raw.content.from, raw.content.to);
  const actor = c.speaker.actor ? (resolver.byId.get(c.speaker.actor.id) ?? null) : null;
  const lineage: number[] = [];
  for (
    let a: KnownActor | undefined = actor ?? undefined;
    a && lineage.length < 10;
    a = a.parentId === null ? undefined : resolver.byId.get(a.parentId)
  )
    lineage.push(a.id);
  return {
    terms: new Set(termsOf(tokens)),
    speaker: { lineage, kind: actor?.kind ?? null, proposed: c.speaker.proposed, score: c.speaker.score },
    modality: c.modality,
    stance: c.stance,
    unit: raw.unit.index,
    paragraph: raw.unit.paragraph,
    length: c.quote.end - c.quote.start,
    bare: raw.rule === 'continued_quote',
    otherTime: d.otherTime,
    headline: d.headline,
    attributions: c.attributions,
    reportedVia: c.reportedVia,
  };
}

const MONTHS = 'january|february|march|april|may|june|july|august|september|october|november|december';
/** A statement placed in another time: "Last year, ...", "In 2021, ...", "Iran's Intelligence Ministry in July claimed". */
const OTHER_TIME = new RegExp(
  `\\b(last (year|month|week|summer|spring|autumn|fall|winter)|in (19|20)\\d\\d|\\d+ (years|months) ago|earlier this year|in recent years|in (${MONTHS})(?! \\d))\\b`,
  'i',
);
const OTHER_STORY = new RegExp(
  `^(separately|in other news|elsewhere|meanwhile, in|${OTHER_TIME.source.slice(3, -3)})\\b`,
  'i',
);

/**
 * Paragraphs about other stories or other times: statements there are background to the document's story
 * (an earlier incident, another event reported "separately") and are not proposed as its claims.
 */
/** Paragraphs that open on another time or story ("Last year, ...", "Separately, ...", "On domestic politics, ..."). */
function otherStoryParagraphs(text: string, units: Unit[]): Set<number> {
  const out = new Set<number>();
  let previous: number | null = null;
  for (const u of units) {
    if (u.paragraph === previous) continue;
    previous = u.paragraph;
    if (OTHER_STORY.test(text.slice(u.start, u.end).trimStart()) || turnsToAnotherTopic(u.tokens))
      out.add(u.paragraph);
  }
  return out;
}

/**
 * Those paragraphs, and the ones that go on with them: "Last year, ... at the Parchin base. / Parchin is home
 * to ...": a paragraph that opens on a name the background paragraph before it brought in, and that is not
 * one of the story's own subject words.
 */
function backgroundParagraphs(units: Unit[], otherStory: Set<number>, topic: Topic): Set<number> {
  const out = new Set(otherStory);
  const tokensOf = new Map<number, Token[]>();
  for (const u of units) {
    const tokens = tokensOf.get(u.paragraph);
    if (tokens) tokens.push(...u.tokens);
    else tokensOf.set(u.paragraph, [...u.tokens]);
  }
  let previous: number | null = null;
  for (const u of units) {
    if (u.paragraph === previous) continue;
    const first = u.tokens[0];
    if (previous !== null && out.has(previous) && !out.has(u.paragraph) && first?.pos === 'PROPN') {
      const term = termOf(first);
      const before = tokensOf.get(previous) ?? [];
      if (term !== null && !topic.subject.has(term) && before.some((t) => t.lower === first.lower))
        out.add(u.paragraph);
    }
    previous = u.paragraph;
  }
  return out;
}

const WHEN = new RegExp(
  `^(${MONTHS}|monday|tuesday|wednesday|thursday|friday|saturday|sunday|morning|afternoon|evening|night|day|week|weekend|\\d+.*)$`,
  'i',
);

/**
 * "On internal Israeli politics, Trapper said ...": a paragraph that opens by naming its own topic turns away
 * from the story, unless that topic is a time ("On Saturday, ...") or the incident itself ("On the attack, ...").
 */
function turnsToAnotherTopic(tokens: readonly Token[]): boolean {
  if (tokens[0]?.lower !== 'on') return false;
  const comma = tokens.findIndex((t, i) => i > 0 && t.value === ',');
  if (comma < 2 || comma > 7) return false;
  const topic = tokens.slice(1, comma);
  return !topic.some((t) => WHEN.test(t.lower)) && !mentionsIncident(topic);
}

/**
 * The units that are the document's headline: the title where the text repeats it, or a first paragraph with no
 * closing punctuation and at most 25 words ("Mossad behind drone strike on Iran factory, U.S. officials say").
 */
function headlineUnits(text: string, units: Unit[], title: string | null): Set<number> {
  const out = new Set<number>();
  const plain = (s: string) => foldName(s).replace(/\s+/g, ' ').trim();
  const wanted = title ? plain(title) : null;
  for (const u of units) {
    const words = u.tokens.filter((t) => /\p{L}/u.test(t.value)).length;
    const own = text.slice(u.start, u.end);
    if (wanted !== null && wanted !== '' && plain(own) === wanted) out.add(u.index);
    else if (u.paragraph === 0 && u.first && words <= 25 && !/[.!?"”’»]\s*$/.test(own)) out.add(u.index);
  }
  return out;
}

function isBackground(text: string, unit: Unit, raw: RawStatement): boolean {
  // Only the words that frame the statement count, not the statement's own words.
  const cue = unit.tokens[raw.cue.to - 1];
  const head = text.slice(unit.start, Math.max(cue?.end ?? unit.start, unit.start));
  const contentStart = unit.tokens[raw.content.from]?.start ?? unit.start;
  const frame =
    raw.content.from < raw.cue.from
      ? text.slice(unit.tokens[raw.content.to - 1]?.end ?? unit.start, cue?.end ?? unit.start)
      : text.slice(unit.start, Math.min(contentStart, cue?.end ?? contentStart));
  return OTHER_TIME.test(frame) || (raw.content.from > raw.cue.from && OTHER_TIME.test(head.slice(0, 40)));
}

function spanOf(unit: Unit, r: TokenRange): { start: number; end: number } {
  const a = unit.tokens[r.from];
  const b = unit.tokens[r.to - 1];
  if (!a || !b) return { start: 0, end: 0 };
  return { start: a.start, end: b.end };
}

function phraseText(text: string, unit: Unit, r: TokenRange): string {
  const s = spanOf(unit, r);
  return text.slice(s.start, s.end);
}

const overlapsMost = (a: { start: number; end: number }, b: { start: number; end: number }) => {
  const inter = Math.min(a.end, b.end) - Math.max(a.start, b.start);
  return inter > 0 && inter >= 0.5 * Math.min(a.end - a.start, b.end - b.start);
};

// Code-point offsets of UTF-16 offsets, indexed once per text: recounting from the start for every span made
// long documents quadratic.
let cpIndex: { text: string; index: Int32Array | null } | null = null;
function cp(text: string, utf16: number): number {
  if (cpIndex?.text !== text) {
    let index: Int32Array | null = null;
    if (codePointLength(text) !== text.length) {
      index = new Int32Array(text.length + 1);
      let n = 0;
      for (let i = 0; i < text.length; i++) {
        index[i] = n;
        const c = text.charCodeAt(i);
        if (
          !(
            c >= 0xdc00 &&
            c <= 0xdfff &&
            i > 0 &&
            text.charCodeAt(i - 1) >= 0xd800 &&
            text.charCodeAt(i - 1) <= 0xdbff
          )
        )
          n++;
      }
      index[text.length] = n;
    }
    cpIndex = { text, index };
  }
  return cpIndex.index ? (cpIndex.index[utf16] ?? utf16) : utf16;
}

/**
 * The W3C TextQuoteSelector + TextPositionSelector of a span found in the text, as quote-anchor.ts describes
 * one (code points, 32 of context): what anchoring `exact` near `start` gives back.
 */
function selectorAt(text: string, from: number, to: number): QuoteSelector {
  const window = QUOTE_CONTEXT_LENGTH * 2;
  return {
    exact: text.slice(from, to),
    prefix: sliceCodePoints(text.slice(Math.max(0, from - window), from), -QUOTE_CONTEXT_LENGTH),
    suffix: sliceCodePoints(text.slice(to, to + window), 0, QUOTE_CONTEXT_LENGTH),
    start: cp(text, from),
    end: cp(text, to),
  };
}

function fingerprintOf(...parts: number[]): string {
  return createHash('sha256').update(parts.join(':')).digest('hex').slice(0, 24);
}

function quotedShare(quotes: QuotedSpan[], span: { start: number; end: number }): number {
  let inside = 0;
  for (const q of quotes)
    inside += Math.max(0, Math.min(q.innerEnd, span.end) - Math.max(q.innerStart, span.start));
  return inside / Math.max(1, span.end - span.start);
}

/** A plain restatement: the quoted words without quotation marks, on one line. */
function restate(content: string): string {
  const plain = content
    .replace(/["“”„«»]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 5000);
  return plain.charAt(0).toUpperCase() + plain.slice(1);
}

function cleanName(phrase: string): string {
  const words = phrase.replace(/\s+/g, ' ').trim().split(' ');
  while (words.length > 1 && VAGUE_QUALIFIERS.has((words[0] as string).toLowerCase())) words.shift();
  return words.join(' ').replace(/^[’']s\s+/, '');
}

function proposalFor(
  text: string,
  matches: ActorMatch[],
  recency: Map<number, number>,
  at: TextRange,
): SpeakerProposal {
  const ranked = [...matches].sort(
    (a, b) => b.score - a.score || (recency.get(b.actor.id) ?? -1) - (recency.get(a.actor.id) ?? -1),
  );
  const best = ranked[0];
  const resolved = best !== undefined && best.score >= RESOLVED_SCORE;
  const rest = (resolved ? ranked.slice(1) : ranked).filter((m) => m.score >= 0.3).slice(0, MAX_ALTERNATIVES);
  return {
    text: at.text,
    start: at.start,
    end: at.end,
    actor: resolved ? ref(best.actor) : null,
    score: resolved ? round(best.score) : round(best?.score ?? 0),
    alternatives: rest.map((m) => ({ ...ref(m.actor), score: round(m.score) })),
    proposed: resolved ? null : { name: cleanName(at.text), kind: guessKind(at.text, text) },
  };
}

interface TextRange {
  text: string;
  start: number;
  end: number;
}

const round = (n: number) => Math.round(n * 100) / 100;

function resolveSpeaker(
  raw: RawStatement,
  text: string,
  resolver: Resolver,
  mentions: Mention[],
  prev: Resolved | null,
): Resolved | null {
  const { unit } = raw;
  const here = spanOf(unit, raw.content.from < raw.cue.from ? raw.content : raw.cue).start;
  const before = mentions.filter((m) => m.at < here);
  const recency = new Map<number, number>();
  for (const m of before) if (m.actor) recency.set(m.actor.id, m.at);
  const near = prev !== null && prev.paragraph >= unit.paragraph - 1;
  const inherit = (score: number): Resolved | null =>
    prev
      ? {
          ...prev,
          speaker: { ...prev.speaker, score: Math.min(prev.speaker.score, score) },
          relays: prev.relays,
          paragraph: unit.paragraph,
          unit: unit.index,
        }
      : null;

  if (raw.speaker.kind === 'same_as_previous') {
    const sameUnit = prev !== null && prev.unit === unit.index;
    if (sameUnit || (raw.rule === 'continued_quote' && near)) return inherit(prev?.speaker.score ?? 0);
    if (raw.speaker.fallback) return resolvePhrase(raw.speaker.fallback, null);
    return near ? inherit(0.6) : null;
  }
  return resolvePhrase(raw.speaker.range, raw.speaker.description);

  function resolvePhrase(range: TokenRange, description: TokenRange | null): Resolved {
    const span = spanOf(unit, range);
    const phrase = text.slice(span.start, span.end);
    const at = { text: phrase, start: cp(text, span.start), end: cp(text, span.end) };
    const tokens = unit.tokens.slice(range.from, range.to);
    const head = tokens[tokens.length - 1] as Token;
    const desc = description ? phraseText(text, unit, description) : '';
    const relays: RelayProposal[] = [];
    // "A statement carried by the state-run IRNA news agency": the statement's author, through IRNA.
    const carried = unit.tokens.findIndex(
      (t, i) => i >= range.from && i < range.to + 3 && /^(carried|published|posted)$/.test(t.lower),
    );
    const docHead = tokens.find((t) => DOCUMENT_NOUNS.has(t.lemma) && t.pos === 'NOUN');
    if (docHead && tokens[0] && /^(the|a|an|this|that|its|their)$/.test(tokens[0].lower)) {
      if (carried >= 0 && unit.tokens[carried + 1]?.lower === 'by') {
        const by = phraseStartingAt(unit.tokens, carried + 2);
        const relay = by ? relayOf(text, unit, by, resolver) : null;
        if (relay) relays.push(relay);
      }
      if (prev && near) {
        const base = inherit(0.8) as Resolved;
        return { ...base, relays: relays.length > 0 ? relays : prev.relays };
      }
    }
    const pronoun = tokens.length === 1 && head.pos === 'PRON' ? head.lower : null;
    if (
      pronoun === 'he' ||
      pronoun === 'she' ||
      pronoun === 'him' ||
      pronoun === 'her' ||
      (tokens.length <= 3 && tokens[0]?.lower === 'the' && PERSON_TITLES.has(head.lower))
    ) {
      const title = tokens.length > 1 ? titleOf(head.lower) : null;
      return { ...personAnaphor(at, title), relays: near ? (prev?.relays ?? []) : [] };
    }
    if (pronoun === 'it' || pronoun === 'they' || pronoun === 'them') {
      if (prev && near && prev.kind !== 'person') return inherit(0.75) as Resolved;
      const last = [...before].reverse().find((m) => m.paragraph === unit.paragraph && m.kind !== 'person');
      if (last) return fromMention(last, at, 0.6);
      return unresolved(at, [], desc);
    }
    const matches = matchesOf(tokens, phrase);
    const best = matches[0];
    if (best && best.score >= RESOLVED_SCORE) {
      return {
        speaker: proposalFor(desc, matches, recency, at),
        kind: best.actor.kind,
        relays,
        paragraph: unit.paragraph,
        unit: unit.index,
      };
    }
    // "the ministry", "the military", "The Journal": the last one named.
    const content = tokens.filter((t) => t.pos !== 'DET' && !VAGUE_QUALIFIERS.has(t.lower));
    if (tokens[0]?.lower === 'the' && content.length === 1) {
      const word = foldName(head.value);
      const key = nameKey(head.value)[0] ?? word;
      const cls = GENERIC_HEADS[word];
      // Named before the speaker, even inside the statement: "... killed a Hezbollah commander, the group said".
      const recent = mentions.filter((m) => m.at < span.start).reverse();
      // The last one named with that word ("The Journal": The Wall Street Journal), else the last of that kind.
      const last =
        recent.find((m) => {
          const mk = m.actor ? nameKey(m.actor.name) : nameKey(m.text);
          return mk[mk.length - 1] === key;
        }) ?? (cls !== undefined && word !== 'ministry' ? recent.find((m) => m.kind === cls) : undefined);
      if (last) return fromMention(last, at, 0.85);
    }
    return unresolved(at, matches, desc);
  }

  /**
   * The actors a speaker phrase names. One with a preposition after its head is the head ("the IDF in a
   * statement", "local officials in Sotk"), unless the head is a role that speaks for what follows ("a spokesman
   * for the Russian embassy", "a source in the ministry": the embassy, the ministry; "officials in Tehran":
   * Iranian officials) or the whole is a name on record ("the EU monitoring mission in Armenia"). "SANA's
   * reporter" speaks for SANA.
   */
  function matchesOf(tokens: Token[], phrase: string): ActorMatch[] {
    const whole = resolver.resolve(phrase);
    const sure = (m: ActorMatch[]) => (m[0]?.score ?? 0) >= RESOLVED_SCORE;
    const textOf = (from: number, to: number) =>
      text.slice((tokens[from] as Token).start, (tokens[to - 1] as Token).end);
    const pp = tokens.findIndex((t, k) => k > 0 && t.pos === 'ADP' && SPEAKER_ADP.has(t.lower));
    const role = (k: number) => ROLE_NOUNS.has((tokens[k] as Token).lower);
    if (pp > 0 && pp + 1 < tokens.length) {
      if (role(pp - 1)) {
        const org = resolver.resolve(textOf(pp + 1, tokens.length));
        if (sure(org) && org[0]?.actor.kind !== 'state') return org;
        if (sure(org) && org[0]?.actor.kind === 'state') {
          const side = resolver.resolve(
            `${textOf(pp + 1, tokens.length)} ${(tokens[pp - 1] as Token).value}`,
          );
          if (sure(side)) return side;
        }
      }
      if (sure(whole)) return whole;
      const head = resolver.resolve(textOf(0, pp));
      if (sure(head)) return head;
      return whole;
    }
    const own = tokens.findIndex((t) => /^[’']s$/.test(t.value));
    if (!sure(whole) && own > 0 && own + 1 < tokens.length && role(tokens.length - 1)) {
      const owner = resolver.resolve(textOf(0, own));
      if (sure(owner) && owner[0]?.actor.kind !== 'person') return owner;
    }
    // "a senior State Department official", "an IDF spokesperson": the body named before the role.
    if (!sure(whole) && tokens.length >= 2 && role(tokens.length - 1)) {
      const body = resolver.resolve(textOf(0, tokens.length - 1));
      if (sure(body) && body[0]?.actor.kind !== 'person' && body[0]?.actor.kind !== 'state') return body;
    }
    return whole;
  }

  function unresolved(at: TextRange, matches: ActorMatch[], desc: string): Resolved {
    const speaker = proposalFor(desc, matches, recency, at);
    return {
      speaker,
      kind: speaker.proposed?.kind ?? 'person',
      relays: [],
      paragraph: unit.paragraph,
      unit: unit.index,
    };
  }

  function fromMention(m: Mention, at: TextRange, score: number): Resolved {
    if (m.actor) {
      return {
        speaker: { ...at, actor: ref(m.actor), score, alternatives: [], proposed: null },
        kind: m.actor.kind,
        relays: [],
        paragraph: unit.paragraph,
        unit: unit.index,
      };
    }
    return {
      speaker: { ...at, actor: null, score: 0, alternatives: [], proposed: { name: m.text, kind: m.kind } },
      kind: m.kind,
      relays: [],
      paragraph: unit.paragraph,
      unit: unit.index,
    };
  }

  /** "he"/"she": the previous sentence's subject if a person, else the last person named (paragraph first). */
  function personAnaphor(at: TextRange, title: string | null): Resolved {
    const people = before.filter((m) => m.kind === 'person');
    // "the regional governor said ..." before or after "Gov. Alexander Kurbatov": the one with that title,
    // the last named before, else the first named in the next two paragraphs.
    if (title !== null) {
      const titled = (m: Mention) => m.kind === 'person' && m.titles?.has(title) === true;
      const match =
        [...people].reverse().find(titled) ??
        mentions.find((m) => m.at >= here && m.paragraph <= unit.paragraph + 2 && titled(m));
      if (match) return { ...fromMention(match, at, 0.8), kind: 'person' };
    }
    const ordered: Mention[] = [];
    const push = (m: Mention | undefined) => {
      if (m && !ordered.some((o) => sameMention(o, m))) ordered.push(m);
    };
    const prevUnit = unit.index - 1;
    const subject = people.find(
      (m) => m.leading && (m.unit === prevUnit || m.unit === unit.index) && m.paragraph === unit.paragraph,
    );
    // A person who opens a sentence after the last statement ("Iravani made the remarks in a letter. He said ...").
    const since = [...people]
      .reverse()
      .find((m) => m.leading && prev !== null && m.unit > prev.unit && m.unit >= unit.index - 1);
    push(since);
    if (prev && near && prev.kind === 'person' && prev.unit >= unit.index - 2) {
      const p = prev.speaker;
      push(
        people.find((m) => (p.actor ? m.actor?.id === p.actor.id : m.text === p.proposed?.name)) ?? {
          at: 0,
          unit: prev.unit,
          paragraph: prev.paragraph,
          actor: p.actor ? (resolver.byId.get(p.actor.id) ?? null) : null,
          text: p.proposed?.name ?? p.text,
          kind: 'person',
          leading: true,
        },
      );
    }
    push(subject);
    for (const m of [...people].reverse()) if (m.paragraph === unit.paragraph) push(m);
    for (const m of [...people].reverse()) push(m);
    const top = ordered[0];
    if (!top) return unresolved(at, [], '');
    const rivals = ordered.slice(1).filter((m) => m.paragraph === unit.paragraph);
    const score = rivals.length > 0 ? 0.6 : 0.8;
    const alternatives = ordered
      .slice(1, 1 + MAX_ALTERNATIVES)
      .filter((m) => m.actor)
      .map((m) => ({ ...ref(m.actor as KnownActor), score: 0.4 }));
    const base = fromMention(top, at, score);
    return { ...base, speaker: { ...base.speaker, alternatives }, kind: 'person' };
  }
}

const sameMention = (a: Mention, b: Mention) =>
  a.actor && b.actor ? a.actor.id === b.actor.id : a.text === b.text;

function relayOf(text: string, unit: Unit, r: TokenRange, resolver: Resolver): RelayProposal | null {
  const span = spanOf(unit, r);
  let phrase = text.slice(span.start, span.end);
  // "CNN's Jake Tapper": the outlet is the possessor.
  const possessive = /^(.+?)[’']s\s+(.+)$/.exec(phrase);
  const matches = resolver.resolve(phrase);
  let best = matches[0];
  if ((!best || best.score < RESOLVED_SCORE || best.actor.kind === 'person') && possessive) {
    const owner = resolver.resolve(possessive[1] as string)[0];
    if (owner && owner.score >= RESOLVED_SCORE && owner.actor.kind === 'media_outlet') {
      best = owner;
      phrase = possessive[1] as string;
    }
  }
  const at = {
    text: phrase,
    start: cp(text, span.start),
    end: cp(text, span.start) + codePointLength(phrase),
  };
  if (best && best.score >= RESOLVED_SCORE) {
    if (best.actor.kind !== 'media_outlet' && best.actor.kind !== 'social_channel') return null;
    return { ...at, actor: ref(best.actor), proposed: null };
  }
  const words = foldName(phrase).split(' ');
  if (!words.some((w) => MEDIA_WORDS.has(w))) return null;
  return { ...at, actor: null, proposed: { name: cleanName(phrase), kind: 'media_outlet' } };
}

function attributionsOf(
  raw: RawStatement,
  stance: Stance,
  resolved: Resolved,
  text: string,
  resolver: Resolver,
  suspects: Set<number>,
): AttributionProposal[] {
  const { unit } = raw;
  const position = positionOf(stance);
  const out: AttributionProposal[] = [];
  // A denial clears whom it denies; what else it names it blames: "This is sabotage by the Kyiv regime. We
  // reject the accusations against Russia." A denying cue ("denied that ...") denies all it says.
  const cueDenies = raw.stance === 'denies' || unit.tokens[raw.cue.from]?.lemma === 'deny';
  const positionFor = (np: HeldPhrase): AttributionProposal['position'] =>
    np.denied || cueDenies ? 'denies' : stance === 'denies' ? 'asserts' : position;
  const ownTop = () => {
    const own = resolved.speaker.actor ? resolver.byId.get(resolved.speaker.actor.id) : undefined;
    return own ? resolver.topOf(own) : undefined;
  };
  const add = (np: HeldPhrase) => {
    const phrase = phraseText(text, unit, np);
    // "We had nothing to do with it", "its units did not open fire", "(the military said) it had carried out a
    // strike": the speaker's own side. "they" may be anyone.
    const selfish =
      /^(we|our\b.*|its\b.*)$/i.test(phrase.trim()) ||
      (/^it$/i.test(phrase.trim()) && resolved.kind !== 'person');
    if (selfish || (/^their\b/i.test(phrase.trim()) && stance === 'denies')) {
      const top = ownTop();
      if (top && !out.some((a) => a.actor?.id === top.id))
        out.push({
          actor: named(top),
          actorText: phrase,
          position: positionFor(np),
          role: np.role ?? 'perpetrator',
        });
      return;
    }
    if (/^(it|they|he|she|we|i|who|which|that)$/i.test(phrase.trim())) return;
    const best = resolver.resolveParty(phrase)[0];
    const actor = best && best.score >= RESOLVED_SCORE ? named(best.actor) : null;
    if (!actor && !/\p{Lu}/u.test(phrase)) return;
    if (out.some((a) => (actor ? a.actor?.id === actor.id : a.actorText === phrase))) return;
    out.push({ actor, actorText: phrase, position: positionFor(np), role: np.role ?? 'perpetrator' });
  };
  for (const np of raw.heldResponsible) add(np);
  const range = { from: Math.min(raw.content.from, raw.cue.from), to: Math.max(raw.content.to, raw.cue.to) };
  for (const np of responsiblePhrases(unit.tokens, range)) add(np);
  const said = text.slice(spanOf(unit, range).start, spanOf(unit, range).end);
  // Rejecting "the allegation" or calling "the accusation" baseless answers a charge against the speaker's side.
  const answersCharge = stance === 'denies' && out.length === 0 && REJECTED_CHARGE.test(said);
  if (DENIED_DEED.test(said) || answersCharge) {
    const own = resolved.speaker.actor ? resolver.byId.get(resolved.speaker.actor.id) : undefined;
    if (own) {
      const top = resolver.topOf(own);
      if (!out.some((a) => a.actor?.id === top.id))
        out.push({
          actor: named(top),
          actorText: resolved.speaker.text,
          position: 'denies',
          role: 'perpetrator',
        });
    }
  }
  if (stance === 'declines_to_comment' && out.length === 0) {
    if (raw.namesNoOne) {
      out.push({ actor: null, actorText: null, position: 'no_attribution', role: 'perpetrator' });
    } else {
      // A party that is held responsible elsewhere in the document and will not comment: its own role.
      const own = resolved.speaker.actor ? resolver.byId.get(resolved.speaker.actor.id) : undefined;
      const top = own ? resolver.topOf(own) : undefined;
      if (top && suspects.has(top.id)) {
        out.push({
          actor: named(top),
          actorText: resolved.speaker.text,
          position: 'declines_to_comment',
          role: 'perpetrator',
        });
      }
    }
  }
  return out;
}

/** Denying one's own part: "denied any involvement", "denied shooting down the aircraft". */
const DENIED_DEED =
  /\bden(ied|ies|y|ying) (any |having |ever )?(involvement|responsibility|role|a role|any role|shooting|firing|launching|attacking|carrying out|staging|being behind|having a hand)\b/i;

const REJECTED_CHARGE =
  /\b(reject|dismiss|rebuff|refute|den(y|ied|ies))\w*\b[^.;]{0,30}\b(allegations?|accusations?|claims?|charges?|suggestions?)\b|\b(allegations?|accusations?|claims?|charges?)\b[^.;]{0,40}\b(baseless|unfounded|groundless|false|fabricated)\b/i;

/** Under this confidence a candidate is stored and listed, but not proposed by default. */
export const MIN_CONFIDENCE = 0.5;

// How much each kind of evidence says that a statement is about the story; they add up as independent
// chances (1 - product of misses), so any one strong sign suffices and weak ones reinforce each other.
const STORY_WEIGHTS = { incident: 0.6, responsibility: 0.6, suspect: 0.5, continues: 0.6, subject: 0.8 };
/** How much the statement before must be about the story for one that goes on from it to count as such. */
const CONTINUED_STORY = 0.6;

const sameSpeakerAs = (a: SpeakerProposal, b: SpeakerProposal) =>
  a.actor !== null || b.actor !== null
    ? a.actor?.id === b.actor?.id
    : a.proposed !== null && a.proposed.name.toLowerCase() === b.proposed?.name.toLowerCase();
/** Subject weight (see relevance.ts subjectMass) at which a statement counts as fully on the subject. */
const FULL_SUBJECT = 6;
/** What a statement framed in another time keeps of its confidence. */
const OTHER_TIME_FACTOR = 0.4;

function signalsOf(
  head: Draft,
  members: readonly Draft[],
  c: Proposal,
  text: string,
  topic: Topic,
  mentions: Mention[],
  resolver: Resolver,
  suspects: Set<number>,
  before: { last: Draft; candidate: ExtractedCandidate } | null,
): ConfidenceSignals {
  const own = c.speaker.actor ? resolver.byId.get(c.speaker.actor.id) : undefined;
  const ownTop = own ? resolver.topOf(own).id : null;
  const tokens: Token[] = [];
  let suspect = false;
  for (const d of members) {
    const { raw } = d;
    const unit = raw.unit;
    // The statement's own stretch of its sentence: speaker, cue and content, less the words that name who
    // spoke or carried it.
    const ranges = [
      raw.content,
      raw.cue,
      ...(raw.speaker.kind === 'phrase' ? [raw.speaker.range] : []),
    ].filter((r) => r.to > r.from);
    const from = Math.min(...ranges.map((r) => r.from));
    const to = Math.max(...ranges.map((r) => r.to));
    const outside = new Set<number>();
    for (const r of [raw.cue, ...raw.relays, ...(raw.speaker.kind === 'phrase' ? [raw.speaker.range] : [])])
      for (let i = r.from; i < r.to; i++) outside.add(i);
    for (let i = from; i < to; i++) if (!outside.has(i)) tokens.push(unit.tokens[i] as Token);
    const a = unit.tokens[from]?.start ?? 0;
    const b = unit.tokens[to - 1]?.end ?? 0;
    const speakerSpan = raw.speaker.kind === 'phrase' ? spanOf(unit, raw.speaker.range) : null;
    suspect ||= mentions.some((m) => {
      if (m.unit !== unit.index || m.at < a || m.at >= b || m.actor === null) return false;
      if (speakerSpan && m.at >= speakerSpan.start && m.at < speakerSpan.end) return false;
      const top = resolver.topOf(m.actor).id;
      return top !== ownTop && suspects.has(top);
    });
  }
  // The party the document holds responsible, declining or denying: the heart of the contest.
  if (
    (c.stance === 'declines_to_comment' || c.stance === 'denies') &&
    ownTop !== null &&
    suspects.has(ownTop)
  )
    suspect = true;
  const responsibility =
    c.attributions.length > 0 ||
    c.stance === 'denies' ||
    c.stance === 'declines_to_comment' ||
    c.stance === 'downplays';
  const incident = mentionsIncident(tokens);
  const subject = Math.min(1, subjectMass(topic, tokens) / FULL_SUBJECT);
  // Goes on from the same speaker's statement about the story just before, in the same paragraph: "..., said the
  // missile was Russian. “We have the radar tracks,” he said."
  const p = before?.candidate;
  const continues =
    p !== undefined &&
    before !== null &&
    before.last.raw.unit.paragraph === head.raw.unit.paragraph &&
    head.raw.unit.index - before.last.raw.unit.index <= 1 &&
    sameSpeakerAs(p.speaker, c.speaker) &&
    p.signals.story >= CONTINUED_STORY &&
    !p.signals.otherTime &&
    !head.otherTime;
  const w = STORY_WEIGHTS;
  const story =
    1 -
    (1 - (incident ? w.incident : 0)) *
      (1 - (responsibility ? w.responsibility : 0)) *
      (1 - (suspect ? w.suspect : 0)) *
      (1 - (continues ? w.continues : 0)) *
      (1 - w.subject * subject);
  const contentTime = members.some((d) => OTHER_TIME.test(text.slice(d.content.start, d.content.end)));
  return {
    speaker: speakerEvidence(c),
    story: round(story),
    subject: round(subject),
    incident,
    responsibility,
    suspect,
    continues,
    // A time marker inside the statement ("in recent months") counts only when nothing ties it to the incident.
    otherTime: head.otherTime || (contentTime && !incident),
  };
}

/**
 * How sure the speaker is: a known actor by name or alias; a known actor through "he" or "the ministry", or a
 * country as the speaker; a named speaker the record does not have yet (a real source: the reviewer creates it), and last a speaker that
 * no name pins down ("reports", "sources", "he" with nobody to be).
 */
function speakerEvidence(c: Proposal): number {
  const s = c.speaker;
  // A country named as the speaker ("Iran said") stands for some part of its government the text leaves unsaid.
  if (s.actor) return s.score >= 0.8 && s.actor.kind !== 'state' ? 1 : 0.8;
  const words = s.text.replace(/^(the|a|an|some|several)\s+/i, '');
  const named =
    s.proposed !== null &&
    s.proposed.kind !== 'group' &&
    /\p{Lu}/u.test(words) &&
    !/^(he|she|it|they|we|i)$/i.test(words.trim());
  return named ? 0.85 : 0.4;
}

function confidenceOf(s: ConfidenceSignals): number {
  return round(s.speaker * s.story * (s.otherTime ? OTHER_TIME_FACTOR : 1));
}
