import type { Claim, Stance, TimelineEntry } from '../api/types.js';

/** One statement on the chart: an entry and the copies that repeat it word for word. */
export interface TimelineGroup {
  key: string;
  rowKey: string;
  /** The earliest time any copy has, and its precision; null when no copy is dated. */
  at: string | null;
  time: number | null;
  precision: string | null;
  stance: Stance;
  claim: Claim;
  /** Every entry of the statement, earliest first; the first is `claim`. */
  entries: TimelineEntry[];
}

export interface TimelineRow {
  key: string;
  label: string;
  ownVoice: boolean;
}

/** Folds typography a copy editor may change: quotes, dashes, spaces, case, final punctuation. */
export function normalizeStatement(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u2018\u2019\u201a\u201b\u2032]/g, "'")
    .replace(/[\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[.,;:!?]+$/, '')
    .toLowerCase();
}

const speakerKey = (claim: Claim) => (claim.claimant ? `actor:${claim.claimant.id}` : 'own');
const rowOf = (claim: Claim): TimelineRow =>
  claim.claimant
    ? { key: `actor:${claim.claimant.id}`, label: claim.claimant.name, ownVoice: false }
    : { key: `own:${claim.source.id}`, label: `Own voice: ${claim.source.title}`, ownVoice: true };

const timeOf = (entry: TimelineEntry) => (entry.at ? Date.parse(entry.at) : null);

/**
 * Groups the entries that are one statement: the same speaker (or a source's own voice) and the same
 * words in the quote, as syndicated copies and reprints have. Rows are speakers, in the order they first
 * speak; undated statements come last.
 */
export function groupTimeline(entries: readonly TimelineEntry[]): {
  groups: TimelineGroup[];
  rows: TimelineRow[];
} {
  const sorted = [...entries].sort((a, b) => {
    const ta = timeOf(a);
    const tb = timeOf(b);
    if (ta === null || tb === null) return Number(ta === null) - Number(tb === null);
    return ta - tb || a.claim.id - b.claim.id;
  });
  const byKey = new Map<string, TimelineGroup>();
  const rows = new Map<string, TimelineRow>();
  for (const entry of sorted) {
    const key = `${speakerKey(entry.claim)}|${normalizeStatement(entry.claim.quote.exact)}`;
    const group = byKey.get(key);
    if (group) {
      group.entries.push(entry);
      continue;
    }
    const row = rowOf(entry.claim);
    if (!rows.has(row.key)) rows.set(row.key, row);
    byKey.set(key, {
      key,
      rowKey: row.key,
      at: entry.at,
      time: timeOf(entry),
      precision: entry.precision,
      stance: entry.claim.stance,
      claim: entry.claim,
      entries: [entry],
    });
  }
  return { groups: [...byKey.values()], rows: [...rows.values()] };
}

export interface ChartMark {
  group: TimelineGroup;
  x: number;
  y: number;
}

export interface ChartLayout {
  width: number;
  height: number;
  plotLeft: number;
  plotRight: number;
  rowHeight: number;
  top: number;
  rows: (TimelineRow & { y: number })[];
  ticks: { x: number; time: number }[];
  /** Where undated statements stand, right of the time axis; null when every statement is dated. */
  undatedX: number | null;
  marks: ChartMark[];
  domain: [number, number] | null;
}

export const CHART = { width: 880, labelWidth: 220, rowHeight: 34, top: 28, bottom: 36, gap: 16 } as const;

/**
 * Places each group at its time (x) in its speaker's row (y). Marks that would overlap in a row are
 * pushed right, so that several statements on one day stay apart and clickable.
 */
export function layoutTimeline(groups: readonly TimelineGroup[], rows: readonly TimelineRow[]): ChartLayout {
  const times = groups.flatMap((g) => (g.time === null ? [] : [g.time]));
  const hasUndated = groups.some((g) => g.time === null);
  const plotLeft = CHART.labelWidth + CHART.gap;
  const plotRight = CHART.width - CHART.gap - (hasUndated ? 70 : 0);
  let domain: [number, number] | null = null;
  if (times.length > 0) {
    let min = Math.min(...times);
    let max = Math.max(...times);
    if (min === max) {
      min -= 12 * 3600_000;
      max += 12 * 3600_000;
    }
    domain = [min, max];
  }
  const scale = (t: number) =>
    domain ? plotLeft + ((t - domain[0]) / (domain[1] - domain[0])) * (plotRight - plotLeft) : plotLeft;
  const undatedX = hasUndated ? CHART.width - CHART.gap - 35 : null;

  const laidRows = rows.map((row, i) => ({
    ...row,
    y: CHART.top + i * CHART.rowHeight + CHART.rowHeight / 2,
  }));
  const yOf = new Map(laidRows.map((r) => [r.key, r.y]));
  const lastX = new Map<string, number>();
  const marks: ChartMark[] = [];
  const spacing = 14;
  for (const group of [...groups].sort((a, b) => (a.time ?? Infinity) - (b.time ?? Infinity))) {
    const wanted = group.time === null ? (undatedX ?? plotLeft) : scale(group.time);
    const previous = lastX.get(group.rowKey);
    const x = previous !== undefined && wanted < previous + spacing ? previous + spacing : wanted;
    lastX.set(group.rowKey, x);
    marks.push({ group, x, y: yOf.get(group.rowKey) ?? CHART.top });
  }

  const ticks: { x: number; time: number }[] = [];
  if (domain) {
    const count = 4;
    for (let i = 0; i <= count; i++) {
      const time = domain[0] + ((domain[1] - domain[0]) * i) / count;
      ticks.push({ x: scale(time), time });
    }
  }
  const width = Math.max(CHART.width, ...marks.map((m) => m.x + CHART.gap));
  return {
    width,
    height: CHART.top + rows.length * CHART.rowHeight + CHART.bottom,
    plotLeft,
    plotRight,
    rowHeight: CHART.rowHeight,
    top: CHART.top,
    rows: laidRows,
    ticks,
    undatedX,
    marks,
    domain,
  };
}
