import { createRequire } from 'node:module';
import type { ItemSentence, ItemToken, WinkMethods } from 'wink-nlp';

/** A token with its place in the source text (UTF-16 offsets, `end` exclusive). */
export interface Token {
  value: string;
  lower: string;
  lemma: string;
  pos: string;
  start: number;
  end: number;
  stop: boolean;
  /** Index of the quoted span the token lies in (see quotes.ts), or -1. */
  quote: number;
}

export interface Sentence {
  start: number;
  end: number;
  tokens: Token[];
}

export interface Paragraph {
  index: number;
  start: number;
  end: number;
  text: string;
}

let instance: WinkMethods | undefined;
// The model ships inside the npm package; loading it costs about half a second and 35 MB of memory, so the
// library and the model are loaded on first use, not when the service starts (most never extract candidates).
function nlp(): WinkMethods {
  if (instance === undefined) {
    const require = createRequire(import.meta.url);
    const winkNLP = require('wink-nlp') as typeof import('wink-nlp').default;
    const model = require('wink-eng-lite-web-model') as typeof import('wink-eng-lite-web-model').default;
    instance = winkNLP(model, ['sbd', 'pos']);
  }
  return instance;
}

const TERMINAL = /[.!?:;"”’'»)\]]$/;

/**
 * Splits a document into paragraphs. A blank line always ends one; a single line break ends one too unless the
 * text is hard-wrapped (most lines of similar, moderate length) and the line does not end a sentence.
 */
export function paragraphsOf(text: string): Paragraph[] {
  const lines: { start: number; end: number; text: string }[] = [];
  const re = /\r\n|\r|\n/g;
  let at = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    lines.push({ start: at, end: m.index, text: text.slice(at, m.index) });
    at = m.index + m[0].length;
  }
  lines.push({ start: at, end: text.length, text: text.slice(at) });
  const filled = lines.filter((l) => l.text.trim() !== '');
  const moderate = filled.filter((l) => l.text.trim().length <= 90).length;
  const wrapped = filled.length >= 4 && moderate / filled.length >= 0.8;

  const out: Paragraph[] = [];
  let current: { start: number; end: number } | null = null;
  const flush = () => {
    if (current) {
      const t = text.slice(current.start, current.end);
      out.push({ index: out.length, start: current.start, end: current.end, text: t });
    }
    current = null;
  };
  for (const line of lines) {
    const trimmed = line.text.trim();
    if (trimmed === '') {
      flush();
      continue;
    }
    if (current === null) current = { start: line.start, end: line.end };
    else current.end = line.end;
    if (!wrapped || TERMINAL.test(trimmed)) flush();
  }
  flush();
  return out;
}

/** Sentences and tokens of one paragraph, with offsets into the whole text. */
export function sentencesOf(paragraph: Paragraph): Sentence[] {
  const doc = nlp().readDoc(paragraph.text);
  const its = nlp().its;
  // wink-nlp's own typings disagree with themselves on `its.lemma`'s signature; it is a token property like `value`.
  const lemmaOf = its.lemma as unknown as typeof its.value;
  const sentences: Sentence[] = [];
  let cursor = 0;
  doc.sentences().each((s: ItemSentence) => {
    const tokens: Token[] = [];
    s.tokens().each((t: ItemToken) => {
      const value = t.out(its.value) as string;
      const pos = t.out(its.pos) as string;
      if (pos === 'SPACE' || value.trim() === '') return;
      const found = paragraph.text.indexOf(value, cursor);
      if (found < 0) return;
      cursor = found + value.length;
      tokens.push({
        value,
        lower: value.toLowerCase(),
        lemma: (t.out(lemmaOf) as string).toLowerCase(),
        pos,
        start: paragraph.start + found,
        end: paragraph.start + cursor,
        stop: t.out(its.stopWordFlag) as unknown as boolean,
        quote: -1,
      });
    });
    const first = tokens[0];
    const last = tokens[tokens.length - 1];
    if (first && last) sentences.push({ start: first.start, end: last.end, tokens });
  });
  return sentences;
}

// Frequent English function words that are not words of the other languages the desk sees.
const ENGLISH_MARKERS = new Set([
  'the',
  'of',
  'and',
  'that',
  'was',
  'were',
  'is',
  'are',
  'with',
  'for',
  'from',
  'has',
  'have',
  'been',
  'by',
  'said',
  'this',
  'which',
  'his',
  'their',
  'it',
  'at',
  'an',
  'its',
  'would',
  'they',
  'after',
  'not',
  'he',
  'she',
  'we',
  'on',
  'says',
  'told',
  'will',
  'but',
  'who',
  'there',
]);

/** Whether a stretch of text reads as English: the share of common English function words among its words. */
export function looksEnglish(words: readonly string[]): boolean {
  const lower = words.map((w) => w.toLowerCase().replace(/[^\p{L}]/gu, '')).filter((w) => w !== '');
  if (lower.length < 12) return true;
  const hits = lower.filter((w) => ENGLISH_MARKERS.has(w)).length;
  return hits / lower.length >= 0.08;
}
