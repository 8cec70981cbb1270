/**
 * Anchors a pasted quote in a source document's verbatim text and describes it as a W3C Web Annotation
 * TextQuoteSelector + TextPositionSelector. All positions count Unicode code points; `end` is exclusive.
 */

export const QUOTE_CONTEXT_LENGTH = 32;

export interface QuoteInput {
  exact: string;
  prefix?: string | undefined;
  suffix?: string | undefined;
  start?: number | undefined;
}

export interface QuoteSelector {
  exact: string;
  prefix: string;
  suffix: string;
  start: number;
  end: number;
}

export type AnchorResult =
  | { ok: true; selector: QuoteSelector }
  | { ok: false; reason: 'empty' }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'context_mismatch'; fields: ('prefix' | 'suffix')[]; matches: number }
  | { ok: false; reason: 'ambiguous'; matches: number; starts: number[] };

const WS = -1;
const SKIP = -2;
const ELLIPSIS = -3;
const SPACE = 0x20;

const isHigh = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

function isPairAt(s: string, i: number): boolean {
  return isHigh(s.charCodeAt(i)) && isLow(s.charCodeAt(i + 1));
}

function isBoundary(s: string, i: number): boolean {
  return i <= 0 || i >= s.length || !isPairAt(s, i - 1);
}

// Deliberately no NFC/NFKC normalization: only the copy-paste artefacts below are folded.
function foldUnit(c: number): number {
  if (c < 0x80) return c === SPACE || (c >= 0x09 && c <= 0x0d) ? WS : c;
  if (c >= 0x2000 && c <= 0x200a) return WS;
  if (c >= 0x2010 && c <= 0x2015) return 0x2d;
  switch (c) {
    case 0x2018:
    case 0x2019:
    case 0x201a:
    case 0x201b:
    case 0x2032:
    case 0x02bc:
      return 0x27;
    case 0x201c:
    case 0x201d:
    case 0x201e:
    case 0x201f:
    case 0x2033:
    case 0x00ab:
    case 0x00bb:
      return 0x22;
    case 0x2212:
    case 0xfe58:
    case 0xfe63:
    case 0xff0d:
      return 0x2d;
    case 0x0085:
    case 0x00a0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202f:
    case 0x205f:
    case 0x3000:
      return WS;
    case 0x00ad:
    case 0x200b:
    case 0x200c:
    case 0x200d:
    case 0x2060:
    case 0xfeff:
      return SKIP;
    case 0x2026:
      return ELLIPSIS;
    default:
      return c;
  }
}

interface Folded {
  text: string;
  /** UTF-16 offset in the original of the code point each folded UTF-16 unit came from (empty unless asked). */
  map: Int32Array;
  /** Whether the original contains surrogate pairs, i.e. UTF-16 offsets differ from code point indices. */
  hasPairs: boolean;
}

function fold(s: string, withMap: boolean): Folded {
  const n = s.length;
  let cap = n + 16;
  let map = new Int32Array(withMap ? cap : 0);
  // Unchanged stretches are copied as slices: most source text folds to itself.
  let text = '';
  let runStart = 0;
  let len = 0;
  let prevSpace = false;
  let hasPairs = false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (isHigh(c) && i + 1 < n && isLow(s.charCodeAt(i + 1))) {
      hasPairs = true;
      if (withMap) {
        map[len] = i;
        map[len + 1] = i;
      }
      len += 2;
      i++;
      prevSpace = false;
      continue;
    }
    const f = foldUnit(c);
    if (f === c) {
      if (withMap) map[len] = i;
      len++;
      prevSpace = false;
      continue;
    }
    if (f === WS && c === SPACE && !prevSpace) {
      if (withMap) map[len] = i;
      len++;
      prevSpace = true;
      continue;
    }
    text += s.slice(runStart, i);
    runStart = i + 1;
    if (f === SKIP || (f === WS && prevSpace)) continue;
    let out: string;
    if (f === WS) {
      out = ' ';
      prevSpace = true;
    } else {
      out = f === ELLIPSIS ? '...' : String.fromCharCode(f);
      prevSpace = false;
    }
    text += out;
    if (withMap) {
      // Only the ellipsis expands, and only it can outgrow the original length.
      if (len + out.length > cap) {
        cap = cap * 2 + out.length;
        const grown = new Int32Array(cap);
        grown.set(map);
        map = grown;
      }
      for (let k = 0; k < out.length; k++) map[len + k] = i;
    }
    len += out.length;
  }
  text += s.slice(runStart);
  return { text, map, hasPairs };
}

/** Folds a client-supplied fragment and drops the (single, already collapsed) space at either edge. */
function foldFragment(s: string | undefined): string {
  if (s === undefined) return '';
  const t = fold(s, false).text;
  const a = t.charCodeAt(0) === SPACE ? 1 : 0;
  const b = t.length > a && t.charCodeAt(t.length - 1) === SPACE ? t.length - 1 : t.length;
  return t.slice(a, b);
}

function forwardCodePoints(s: string, from: number, count: number): number {
  let i = from;
  for (let k = count; k > 0 && i < s.length; k--) i += isPairAt(s, i) ? 2 : 1;
  return i;
}

function backCodePoints(s: string, from: number, count: number): number {
  let i = from;
  for (let k = count; k > 0 && i > 0; k--) i -= i >= 2 && isPairAt(s, i - 2) ? 2 : 1;
  return i;
}

/** Code point indices of ascending UTF-16 offsets, in one pass. */
function toCodePointIndices(s: string, offsets: readonly number[], hasPairs: boolean): number[] {
  if (!hasPairs) return offsets.slice();
  const result: number[] = [];
  let unit = 0;
  let cp = 0;
  for (const target of offsets) {
    while (unit < target) {
      unit += isPairAt(s, unit) ? 2 : 1;
      cp++;
    }
    result.push(cp);
  }
  return result;
}

export function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    if (isPairAt(s, i)) {
      n--;
      i++;
    }
  }
  return n;
}

/** `Array.from(s).slice(start, end).join('')` without materializing the array. */
export function sliceCodePoints(s: string, start: number, end?: number): string {
  let a = Math.trunc(start) || 0;
  let b = end === undefined ? Number.POSITIVE_INFINITY : Math.trunc(end) || 0;
  if (a < 0 || b < 0) {
    const len = codePointLength(s);
    if (a < 0) a = Math.max(len + a, 0);
    if (b < 0) b = Math.max(len + b, 0);
  }
  if (b <= a) return '';
  const from = forwardCodePoints(s, 0, a);
  return s.slice(from, forwardCodePoints(s, from, b - a));
}

interface Span {
  folded: number;
  start: number;
  end: number;
}

function precededBy(hay: string, at: number, prefix: string): boolean {
  return hay.endsWith(prefix, at) || (hay.charCodeAt(at - 1) === SPACE && hay.endsWith(prefix, at - 1));
}

function followedBy(hay: string, at: number, suffix: string): boolean {
  return hay.startsWith(suffix, at) || (hay.charCodeAt(at) === SPACE && hay.startsWith(suffix, at + 1));
}

export function anchorQuote(text: string, input: QuoteInput): AnchorResult {
  const needle = foldFragment(input.exact);
  if (needle === '') return { ok: false, reason: 'empty' };
  const hay = fold(text, true);

  const found: Span[] = [];
  for (let p = hay.text.indexOf(needle); p !== -1; p = hay.text.indexOf(needle, p + 1)) {
    const start = hay.map[p] ?? 0;
    const last = hay.map[p + needle.length - 1] ?? start;
    const end = last + (isPairAt(text, last) ? 2 : 1);
    // Overlapping matches inside one expanded ellipsis land on the same original span: one occurrence.
    const prev = found[found.length - 1];
    if (prev !== undefined && prev.start === start && prev.end === end) continue;
    found.push({ folded: p, start, end });
  }
  if (found.length === 0) return { ok: false, reason: 'not_found' };

  let candidates = found;
  const prefix = foldFragment(input.prefix);
  const suffix = foldFragment(input.suffix);
  if (prefix !== '' || suffix !== '') {
    let prefixHits = 0;
    let suffixHits = 0;
    candidates = [];
    for (const span of found) {
      const prefixOk = prefix === '' || precededBy(hay.text, span.folded, prefix);
      const suffixOk = suffix === '' || followedBy(hay.text, span.folded + needle.length, suffix);
      if (prefixOk) prefixHits++;
      if (suffixOk) suffixHits++;
      if (prefixOk && suffixOk) candidates.push(span);
    }
    if (candidates.length === 0) {
      const fields: ('prefix' | 'suffix')[] = [];
      if (prefix !== '' && prefixHits === 0) fields.push('prefix');
      if (suffix !== '' && suffixHits === 0) fields.push('suffix');
      // Each context matches somewhere, just never around the same occurrence.
      if (fields.length === 0) fields.push('prefix', 'suffix');
      return { ok: false, reason: 'context_mismatch', fields, matches: found.length };
    }
  }

  let starts: number[] | undefined;
  const hint = input.start;
  if (candidates.length > 1 && hint !== undefined && Number.isFinite(hint)) {
    const cpStarts = toCodePointIndices(
      text,
      candidates.map((s) => s.start),
      hay.hasPairs,
    );
    let best = Number.POSITIVE_INFINITY;
    for (const s of cpStarts) best = Math.min(best, Math.abs(s - hint));
    const kept: Span[] = [];
    starts = [];
    for (const [i, span] of candidates.entries()) {
      const s = cpStarts[i] ?? 0;
      if (Math.abs(s - hint) === best) {
        kept.push(span);
        starts.push(s);
      }
    }
    candidates = kept;
  }

  const chosen = candidates[0];
  if (chosen === undefined) return { ok: false, reason: 'not_found' };
  if (candidates.length > 1) {
    starts ??= toCodePointIndices(
      text,
      candidates.map((s) => s.start),
      hay.hasPairs,
    );
    return { ok: false, reason: 'ambiguous', matches: candidates.length, starts };
  }

  const exact = text.slice(chosen.start, chosen.end);
  const start = toCodePointIndices(text, [chosen.start], hay.hasPairs)[0] ?? 0;
  return {
    ok: true,
    selector: {
      exact,
      prefix: text.slice(backCodePoints(text, chosen.start, QUOTE_CONTEXT_LENGTH), chosen.start),
      suffix: text.slice(chosen.end, forwardCodePoints(text, chosen.end, QUOTE_CONTEXT_LENGTH)),
      start,
      end: start + codePointLength(exact),
    },
  };
}

export function verifyQuote(text: string, selector: QuoteSelector): boolean {
  const { exact, prefix, suffix, start, end } = selector;
  if (exact === '' || !Number.isInteger(start) || !Number.isInteger(end) || start < 0) return false;
  if (end - start !== codePointLength(exact)) return false;
  const s16 = forwardCodePoints(text, 0, start);
  const e16 = s16 + exact.length;
  return (
    text.startsWith(exact, s16) &&
    text.endsWith(prefix, s16) &&
    text.startsWith(suffix, e16) &&
    isBoundary(text, e16) &&
    isBoundary(text, s16 - prefix.length) &&
    isBoundary(text, e16 + suffix.length)
  );
}
