import type { Appearance, Claim, Stance, TimelineEntry } from '../api/types.js';

/**
 * One statement on the chart: a timeline entry as the server answers it with `groupRepeats=true`, at its
 * earliest time, and the other places the same statement of the same origin appeared (copies of a source,
 * claims linked by `repeats`). The grouping is the server's: the desk does not guess at copies itself.
 */
export interface TimelineGroup {
  key: string;
  rowKey: string;
  /** The entry's time (its earliest appearance), and its precision; null when it is undated. */
  at: string | null;
  time: number | null;
  precision: string | null;
  stance: Stance;
  claim: Claim;
  /** Where else it appeared, earliest first (the entry's `alsoAppearedIn`). */
  appearances: Appearance[];
  /** How many places it appeared in: the entry and its `alsoAppearedIn`. */
  count: number;
}

export interface TimelineRow {
  key: string;
  label: string;
  ownVoice: boolean;
}

const rowOf = (claim: Claim): TimelineRow =>
  claim.claimant
    ? { key: `actor:${claim.claimant.id}`, label: claim.claimant.name, ownVoice: false }
    : { key: `own:${claim.source.id}`, label: `Own voice: ${claim.source.title}`, ownVoice: true };

/**
 * The server's timeline entries as chart marks, one per entry and in the server's order (by time, undated
 * last); rows are speakers (a source's own voice is a row of its own), in the order they first speak.
 */
export function groupTimeline(entries: readonly TimelineEntry[]): {
  groups: TimelineGroup[];
  rows: TimelineRow[];
} {
  const rows = new Map<string, TimelineRow>();
  const groups = entries.map((entry): TimelineGroup => {
    const row = rowOf(entry.claim);
    if (!rows.has(row.key)) rows.set(row.key, row);
    return {
      key: `claim:${entry.claim.id}`,
      rowKey: row.key,
      at: entry.at,
      time: entry.at ? Date.parse(entry.at) : null,
      precision: entry.precision,
      stance: entry.claim.stance,
      claim: entry.claim,
      appearances: entry.alsoAppearedIn,
      count: 1 + entry.alsoAppearedIn.length,
    };
  });
  return { groups, rows: [...rows.values()] };
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
  /** Grid lines. */
  ticks: { x: number; time: number }[];
  /** Axis labels, and whether they name days (day-precise times) or moments. */
  labels: { x: number; time: number }[];
  labelUnit: 'day' | 'moment';
  /** Where undated statements stand, right of the time axis; null when every statement is dated. */
  undatedX: number | null;
  marks: ChartMark[];
  domain: [number, number] | null;
}

export const CHART = { width: 880, labelWidth: 220, rowHeight: 34, top: 28, bottom: 36, gap: 16 } as const;

const DAY = 86_400_000;
const COARSE = new Set(['day', 'month', 'year']);
const MARK_SPACING = 14;

/**
 * Places each group at its time (x) in its speaker's row (y). When every time is known only to the day
 * (as publication dates are), the axis is in days and a statement stands in the middle of its day, not at
 * a midnight it was never said at. Marks that would overlap in a row are spread evenly around their time,
 * so that several statements on one day stay apart and clickable.
 */
export function layoutTimeline(groups: readonly TimelineGroup[], rows: readonly TimelineRow[]): ChartLayout {
  const dated = groups.filter((g) => g.time !== null);
  const hasUndated = dated.length < groups.length;
  const byDay = dated.length > 0 && dated.every((g) => COARSE.has(g.precision ?? ''));
  const at = (g: TimelineGroup) =>
    byDay ? Math.floor((g.time as number) / DAY) * DAY + DAY / 2 : (g.time as number);
  const plotLeft = CHART.labelWidth + CHART.gap;
  const plotRight = CHART.width - CHART.gap - (hasUndated ? 70 : 0);

  let domain: [number, number] | null = null;
  if (dated.length > 0) {
    const times = dated.map(at);
    let min = Math.min(...times);
    let max = Math.max(...times);
    if (byDay) {
      min = Math.floor(min / DAY) * DAY;
      max = Math.floor(max / DAY) * DAY + DAY;
    } else if (min === max) {
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

  const marks: ChartMark[] = [];
  for (const row of laidRows) {
    const wanted = groups
      .filter((g) => g.rowKey === row.key)
      .map((group) => ({ group, x: group.time === null ? (undatedX ?? plotLeft) : scale(at(group)) }))
      .sort((a, b) => a.x - b.x);
    let cluster: typeof wanted = [];
    const flush = () => {
      const centre = cluster.reduce((sum, m) => sum + m.x, 0) / cluster.length;
      cluster.forEach((m, i) => {
        marks.push({ group: m.group, x: centre + (i - (cluster.length - 1) / 2) * MARK_SPACING, y: row.y });
      });
      cluster = [];
    };
    for (const mark of wanted) {
      const last = cluster[cluster.length - 1];
      if (last && mark.x - last.x >= MARK_SPACING) flush();
      cluster.push(mark);
    }
    if (cluster.length > 0) flush();
  }
  for (const mark of marks) mark.y = yOf.get(mark.group.rowKey) ?? CHART.top;

  const ticks: { x: number; time: number }[] = [];
  const labels: { x: number; time: number }[] = [];
  if (domain) {
    const days = (domain[1] - domain[0]) / DAY;
    if (byDay && days <= 10) {
      for (let t = domain[0]; t <= domain[1]; t += DAY) ticks.push({ x: scale(t), time: t });
      for (let t = domain[0]; t < domain[1]; t += DAY) labels.push({ x: scale(t + DAY / 2), time: t });
    } else {
      for (let i = 0; i <= 4; i++) {
        const time = domain[0] + ((domain[1] - domain[0]) * i) / 4;
        ticks.push({ x: scale(time), time });
        labels.push({ x: scale(time), time });
      }
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
    labels,
    labelUnit: byDay || (domain !== null && domain[1] - domain[0] > 3 * DAY) ? 'day' : 'moment',
    undatedX,
    marks,
    domain,
  };
}
