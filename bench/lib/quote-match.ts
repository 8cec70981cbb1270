// Where a curated quote stands in an article, matched as ../shared/intake-dev/score.mjs matches it: curly and
// straight quotes, dashes, ellipses and runs of white space are folded, case is ignored, and the span is
// given back in the article's own code points.

export interface Span {
  start: number;
  end: number;
}

function fold(s: string) {
  const cps = [...s];
  let out = '';
  const at: number[] = [];
  for (let i = 0; i < cps.length; i++) {
    let c = cps[i] as string;
    if (/[\u2018\u2019\u201a\u201b\u2032\u02bc]/.test(c)) c = "'";
    else if (/[\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb]/.test(c)) c = '"';
    else if (/[\u2010-\u2015\u2212]/.test(c)) c = '-';
    else if (c === '\u2026') c = '...';
    else if (/\s/u.test(c)) c = ' ';
    if (c === ' ' && out.endsWith(' ')) continue;
    for (const ch of c) {
      out += ch;
      at.push(i);
    }
  }
  return { out: out.toLowerCase(), at };
}

/** The first place of `quote` in `text` that starts at or after code point `after`, or null. */
export function locate(text: string, quote: string, after = 0): Span | null {
  const t = fold(text);
  const q = fold(quote).out.trim();
  let i = t.out.indexOf(q);
  while (i >= 0 && (t.at[i] as number) < after) i = t.out.indexOf(q, i + 1);
  if (i < 0) return null;
  return { start: t.at[i] as number, end: (t.at[i + q.length - 1] as number) + 1 };
}

/** Two spans match when they share at least half of the shorter one. */
export function overlaps(a: Span, b: Span) {
  const inter = Math.min(a.end, b.end) - Math.max(a.start, b.start);
  return inter > 0 && inter >= 0.5 * Math.min(a.end - a.start, b.end - b.start);
}
