import type { LoadResult } from './load.js';

/** A figure measured once per round: its median and range over the rounds. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  values: number[];
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function spread(values: number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), values };
}

/** One side of a scenario (the API, the limit, a contrast) over its rounds. */
export interface Summary {
  reqPerSec: Spread;
  p50: Spread;
  p99: Spread;
  requests: number;
  non2xx: number;
  errors: number;
  statusCodes: Record<string, number>;
}

export function summarize(rounds: LoadResult[]): Summary {
  const statusCodes: Record<string, number> = {};
  for (const r of rounds) {
    for (const [code, n] of Object.entries(r.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n;
  }
  return {
    reqPerSec: spread(rounds.map((r) => r.reqPerSec)),
    p50: spread(rounds.map((r) => r.p50)),
    p99: spread(rounds.map((r) => r.p99)),
    requests: rounds.reduce((n, r) => n + r.requests, 0),
    non2xx: rounds.reduce((n, r) => n + r.non2xx, 0),
    errors: rounds.reduce((n, r) => n + r.errors + r.timeouts, 0),
    statusCodes,
  };
}

/**
 * Ratios of paired rounds (a[i] / b[i], each pair measured back to back), whose median is the figure a
 * target is judged on: drift of the machine between rounds cancels within each pair.
 */
export function pairedRatio(a: number[], b: number[]): Spread {
  return spread(a.map((x, i) => x / (b[i] as number)));
}
