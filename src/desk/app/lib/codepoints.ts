// The API counts text positions in Unicode code points; JavaScript strings index UTF-16 code units, in
// which a character outside the Basic Multilingual Plane (an emoji, a mathematical letter) takes two.
// Everything the desk highlights goes through these functions, never through String#slice on API offsets.

/** The number of code points in `text`. */
export function codePointLength(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

/**
 * The UTF-16 index of each code-point offset, in one pass over the text. Offsets past the end map to
 * the end; negative offsets to 0.
 */
export function utf16Offsets(text: string, codePoints: readonly number[]): number[] {
  const order = codePoints.map((_, i) => i).sort((a, b) => (codePoints[a] ?? 0) - (codePoints[b] ?? 0));
  const out = new Array<number>(codePoints.length);
  let unit = 0;
  let point = 0;
  for (const index of order) {
    const target = Math.max(0, codePoints[index] ?? 0);
    while (point < target && unit < text.length) {
      const code = text.codePointAt(unit) ?? 0;
      unit += code > 0xffff ? 2 : 1;
      point++;
    }
    out[index] = unit;
  }
  return out;
}

/** `text` from code point `start` up to (not including) code point `end`. */
export function sliceCodePoints(text: string, start: number, end: number): string {
  const [from, to] = utf16Offsets(text, [start, end]);
  return text.slice(from, to);
}

export interface MarkRange<Tag> {
  /** Code-point offsets, `[start, end)`. */
  start: number;
  end: number;
  tag: Tag;
}

export interface Segment<Tag> {
  text: string;
  /** Code-point offsets of the segment in the whole text. */
  start: number;
  end: number;
  /** The ranges that cover this segment, in the order they were given. */
  tags: Tag[];
}

/**
 * Cuts `text` at every range boundary, so that each segment is covered by the same set of ranges from
 * its first character to its last. Overlapping and nested ranges are allowed; empty ones are ignored.
 * A range that overlaps no other comes out as exactly one segment.
 */
export function segment<Tag>(text: string, ranges: readonly MarkRange<Tag>[]): Segment<Tag>[] {
  const total = codePointLength(text);
  const valid = ranges
    .map((r) => ({ ...r, start: Math.max(0, r.start), end: Math.min(total, r.end) }))
    .filter((r) => r.end > r.start);
  const cuts = [...new Set([0, total, ...valid.flatMap((r) => [r.start, r.end])])].sort((a, b) => a - b);
  const units = utf16Offsets(text, cuts);
  const segments: Segment<Tag>[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const start = cuts[i] as number;
    const end = cuts[i + 1] as number;
    segments.push({
      text: text.slice(units[i], units[i + 1]),
      start,
      end,
      tags: valid.filter((r) => r.start <= start && r.end >= end).map((r) => r.tag),
    });
  }
  if (segments.length === 0) segments.push({ text, start: 0, end: total, tags: [] });
  return segments;
}
