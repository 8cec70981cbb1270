import { ProblemError } from '../../problem-error.js';

/**
 * Turns what a user typed into a safe FTS5 query. Whatever is not meant as syntax is searched as plain words:
 * an unbalanced quote or parenthesis is punctuation, a word with punctuation inside (`Amir-Abdollahian`, `23:30`,
 * the Hebrew abbreviation ארה"ב) is searched as the phrase of its words, and words without letters or digits are
 * ignored. What is explicit syntax keeps its meaning: `"a phrase"`, `prefix*`, balanced parentheses, and the
 * operators AND, OR, NOT (upper case) and NEAR(...). Only explicit syntax that is broken (an operator with nothing
 * to join, a NEAR group that is not closed) is refused, naming the part at fault.
 */

/** FTS5 barewords that need no quoting: letters, digits and underscores (an upper-case keyword is quoted). */
const BAREWORD = /^[\p{L}\p{N}_]+$/u;
/** Whether text has anything the tokenizer keeps (letters, digits, marks): otherwise it matches nothing. */
const HAS_TOKEN = /[\p{L}\p{N}]/u;
const OPERATORS = new Set(['AND', 'OR', 'NOT']);

/** Typographic double quotes read as `"`; apostrophes and single quotes as word breaks. */
export function foldQuotes(q: string): string {
  return q.replace(/[“”„‟«»″]/g, '"').replace(/['‘’‚‛ʼ‹›′]/g, ' ');
}

type Token =
  | { kind: 'term'; fts: string; at: number; near?: true }
  | { kind: 'op'; op: string; at: number }
  | { kind: 'open'; at: number }
  | { kind: 'close'; at: number };

const isSpace = (c: string | undefined) => c === undefined || /\s/u.test(c);
const isBoundary = (c: string | undefined) => isSpace(c) || c === '(' || c === ')';

const phrase = (text: string) => `"${text.replaceAll('"', '""')}"`;

/** One word or phrase as FTS5 reads it, or null when it has nothing to search for. */
function term(text: string, prefix: boolean, quoted: boolean): string | null {
  if (!HAS_TOKEN.test(text)) return null;
  const body =
    !quoted && BAREWORD.test(text) && !OPERATORS.has(text) && text !== 'NEAR' ? text : phrase(text);
  return prefix ? `${body}*` : body;
}

export class SearchSyntaxError extends ProblemError {
  constructor(message: string) {
    super(
      'INVALID_SEARCH_QUERY',
      `The search query is not valid: ${message}. Words are searched as typed; the operators AND, OR and NOT (in capitals) must join two terms, and NEAR(...) must be closed.`,
      { errors: [{ in: 'query', pointer: '/q', message }] },
    );
  }
}

/** Characters are counted from 1, in code points, as a reader would count them. */
const where = (at: number) => `at character ${at + 1}`;

function lex(q: string): Token[] {
  const chars = [...foldQuotes(q)];
  const tokens: Token[] = [];
  let i = 0;
  const closingQuote = (from: number) => {
    for (let j = from; j < chars.length; j++) {
      if (chars[j] !== '"') continue;
      const after = chars[j + 1] === '*' ? chars[j + 2] : chars[j + 1];
      if (isBoundary(after)) return j;
    }
    return -1;
  };
  while (i < chars.length) {
    const c = chars[i] as string;
    if (isSpace(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      tokens.push({ kind: c === '(' ? 'open' : 'close', at: i });
      i++;
    } else if (c === '"') {
      const end = closingQuote(i + 1);
      if (end < 0) {
        // An unbalanced quote is punctuation: what follows is read as words.
        i++;
        continue;
      }
      const prefix = chars[end + 1] === '*';
      const fts = term(chars.slice(i + 1, end).join(''), prefix, true);
      if (fts !== null) tokens.push({ kind: 'term', fts, at: i });
      i = end + (prefix ? 2 : 1);
    } else {
      let j = i;
      while (j < chars.length && !isSpace(chars[j]) && chars[j] !== '(' && chars[j] !== ')') j++;
      const word = chars.slice(i, j).join('');
      if (OPERATORS.has(word)) {
        tokens.push({ kind: 'op', op: word, at: i });
      } else if (word === 'NEAR' && chars[j] === '(') {
        const near = nearGroup(chars, i, j);
        tokens.push({ kind: 'term', fts: near.fts, at: i, near: true });
        j = near.end;
      } else {
        const prefix = word.length > 1 && word.endsWith('*');
        const fts = term(prefix ? word.slice(0, -1) : word, prefix, false);
        if (fts !== null) tokens.push({ kind: 'term', fts, at: i });
      }
      i = j;
    }
  }
  return tokens;
}

/** `NEAR(term term ..., N)`: the terms within N tokens of each other (10 by default). */
function nearGroup(chars: string[], start: number, open: number): { fts: string; end: number } {
  const close = chars.indexOf(')', open);
  if (close < 0) throw new SearchSyntaxError(`NEAR( ${where(start)} is not closed`);
  const inside = chars.slice(open + 1, close).join('');
  const [words, distance, ...rest] = inside.split(',');
  if (rest.length > 0 || (distance !== undefined && !/^\s*\d{1,4}\s*$/.test(distance))) {
    throw new SearchSyntaxError(
      `NEAR( ${where(start)} takes terms and at most one distance, a whole number: NEAR(drone attack, 5)`,
    );
  }
  const terms = lex(words ?? '').flatMap((t) => (t.kind === 'term' ? [t.fts] : []));
  if (terms.length < 2) throw new SearchSyntaxError(`NEAR( ${where(start)} needs at least two terms`);
  const n = distance === undefined ? '' : `, ${Number(distance)}`;
  return { fts: `NEAR(${terms.join(' ')}${n})`, end: close + 1 };
}

/**
 * What a word, phrase or prefix becomes in the query sent to FTS5 (by default, itself): search.repository.ts
 * widens each to the actors whose names hold it.
 */
export type TermExpansion = (term: string) => string;

/**
 * The FTS5 query for what the user typed, or null when it holds nothing to search for. Throws
 * SearchSyntaxError for explicit syntax that is broken. `expand` rewrites each word, phrase and prefix
 * (not NEAR groups).
 */
export function toFtsQuery(q: string, expand: TermExpansion = (term) => term): string | null {
  const tokens = lex(q);
  // Parentheses that do not pair up are punctuation; pairs that hold no term are dropped.
  const paired = new Set<number>();
  const stack: number[] = [];
  tokens.forEach((t, i) => {
    if (t.kind === 'open') stack.push(i);
    else if (t.kind === 'close' && stack.length > 0) {
      paired.add(stack.pop() as number);
      paired.add(i);
    }
  });
  let kept = tokens.filter((t, i) => (t.kind !== 'open' && t.kind !== 'close') || paired.has(i));
  for (let dropped = true; dropped; ) {
    const before = kept.length;
    kept = kept.filter(
      (t, i) =>
        !(t.kind === 'open' && kept[i + 1]?.kind === 'close') &&
        !(t.kind === 'close' && kept[i - 1]?.kind === 'open'),
    );
    dropped = kept.length < before;
  }
  const out: string[] = [];
  // Each operator needs a term (or group) on both sides, within its group.
  let expectTerm = true;
  let lastOp: { op: string; at: number } | null = null;
  for (const t of kept) {
    if (t.kind === 'op') {
      if (expectTerm) {
        const before = lastOp ? `follows ${lastOp.op}` : 'has nothing before it';
        throw new SearchSyntaxError(`${t.op} ${where(t.at)} ${before}`);
      }
      out.push(t.op);
      lastOp = t;
      expectTerm = true;
    } else if (t.kind === 'open') {
      // FTS5 joins a group to what comes before only with an explicit AND.
      if (!expectTerm) out.push('AND');
      out.push('(');
      lastOp = null;
      expectTerm = true;
    } else if (t.kind === 'close') {
      if (lastOp) throw new SearchSyntaxError(`${lastOp.op} ${where(lastOp.at)} has nothing after it`);
      out.push(')');
      expectTerm = false;
    } else {
      // Adjacent terms are ANDed; written out, since an expanded term is a group and FTS5 needs AND between groups.
      if (!expectTerm) out.push('AND');
      out.push(t.near ? t.fts : expand(t.fts));
      lastOp = null;
      expectTerm = false;
    }
  }
  if (lastOp) throw new SearchSyntaxError(`${lastOp.op} ${where(lastOp.at)} has nothing after it`);
  return out.length === 0 ? null : out.join(' ');
}

/** Every word of the query as a plain phrase, ANDed: the fallback when FTS5 refuses the parsed query. */
export function plainWords(q: string, expand: TermExpansion = (term) => term): string | null {
  const words = foldQuotes(q)
    .split(/[\s()]+/u)
    .flatMap((w) => {
      const fts = term(w, false, true);
      return fts === null ? [] : [expand(fts)];
    });
  return words.length === 0 ? null : words.join(' ');
}
