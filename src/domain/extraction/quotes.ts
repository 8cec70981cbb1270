import type { Paragraph } from './nlp.js';

/** A span in quotation marks. Offsets are UTF-16 into the whole text; `inner*` exclude the marks. */
export interface QuotedSpan {
  index: number;
  paragraph: number;
  open: number;
  innerStart: number;
  innerEnd: number;
  close: number;
  /** False when the paragraph ends before the closing mark (a quote that runs on). */
  closed: boolean;
  words: number;
}

const OPEN_DOUBLE = new Set(['“', '„', '«']);
const CLOSE_DOUBLE = new Set(['”', '»']);
const isLetter = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c);
const isSpace = (c: string | undefined) => c === undefined || /\s/u.test(c);

/**
 * Finds the top-level quoted spans of each paragraph. Double marks (curly, straight, guillemets) open and close
 * quotes; single marks only at the top level and only where they cannot be apostrophes. Marks inside a quote are
 * part of it (nested quotes).
 */
export function findQuotes(text: string, paragraphs: readonly Paragraph[]): QuotedSpan[] {
  const spans: QuotedSpan[] = [];
  for (const p of paragraphs) {
    let open: { at: number; kind: 'double' | 'single' } | null = null;
    for (let i = p.start; i < p.end; i++) {
      const c = text[i] as string;
      const before = text[i - 1];
      const after = text[i + 1];
      if (open === null) {
        if (OPEN_DOUBLE.has(c) || (c === '"' && !isSpace(after))) open = { at: i, kind: 'double' };
        else if ((c === '‘' || c === "'") && !isLetter(before) && isLetter(after))
          open = { at: i, kind: 'single' };
        continue;
      }
      const closesDouble = open.kind === 'double' && (CLOSE_DOUBLE.has(c) || c === '"');
      const closesSingle = open.kind === 'single' && (c === '’' || c === "'") && !isLetter(after);
      if (closesDouble || closesSingle) {
        spans.push(span(text, spans.length, p.index, open.at, i, true));
        open = null;
      }
    }
    if (open !== null && open.kind === 'double')
      spans.push(span(text, spans.length, p.index, open.at, p.end, false));
  }
  return spans;
}

function span(
  text: string,
  index: number,
  paragraph: number,
  open: number,
  close: number,
  closed: boolean,
): QuotedSpan {
  const innerStart = open + 1;
  const innerEnd = close;
  const words = text
    .slice(innerStart, innerEnd)
    .split(/\s+/)
    .filter((w) => /\p{L}/u.test(w)).length;
  return { index, paragraph, open, innerStart, innerEnd, close: closed ? close + 1 : close, closed, words };
}
