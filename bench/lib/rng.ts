/**
 * Deterministic randomness for the benchmark generator: the same seed gives the same stream on every
 * machine (no Math.random, no time). mulberry32 is small, fast and good enough for synthetic data.
 */

/** Mixes any number of integers/strings into a 32-bit seed (FNV-1a then a murmur3 finalizer). */
export function hashSeed(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const s = typeof part === 'number' ? `#${part}` : `$${part}`;
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A stream of its own for one named purpose, so that changing one part of the data leaves the rest. */
  static derive(seed: number, ...labels: (string | number)[]): Rng {
    return new Rng(hashSeed(seed, ...labels));
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Picks by relative weights given as [item, weight] pairs. */
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of choices) total += w;
    let x = this.next() * total;
    for (const [item, w] of choices) {
      x -= w;
      if (x < 0) return item;
    }
    const last = choices[choices.length - 1];
    if (last === undefined) throw new Error('weighted pick from an empty list');
    return last[0];
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const a = items[i] as T;
      items[i] = items[j] as T;
      items[j] = a;
    }
    return items;
  }
}

/** The element at i, or an error: for indexes the code has just computed from the array's length. */
export function at<T>(items: readonly T[], i: number): T {
  const v = items[i];
  if (v === undefined) throw new Error(`index ${i} out of range (${items.length})`);
  return v;
}

/** Samples indexes 0..n-1 by fixed weights (cumulative table + binary search). */
export class WeightedSampler {
  private readonly cumulative: Float64Array;
  readonly total: number;

  constructor(weights: ArrayLike<number>) {
    this.cumulative = new Float64Array(weights.length);
    let sum = 0;
    for (let i = 0; i < weights.length; i++) {
      sum += weights[i] ?? 0;
      this.cumulative[i] = sum;
    }
    if (weights.length === 0 || sum <= 0) throw new Error('sampler needs a positive weight');
    this.total = sum;
  }

  get size(): number {
    return this.cumulative.length;
  }

  /** Probability of index i. */
  share(i: number): number {
    const below = i === 0 ? 0 : (this.cumulative[i - 1] ?? 0);
    return ((this.cumulative[i] ?? 0) - below) / this.total;
  }

  sample(rng: Rng): number {
    const x = rng.next() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.cumulative[mid] ?? 0) > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

/**
 * Zipf–Mandelbrot weights w(r) = 1 / (r + q) for ranks r = 1..n, with q chosen so that rank 1 gets
 * `topShare` of the mass: a few items carry most of the weight, as with events and speakers in the news.
 * When even a uniform spread would give rank 1 more than `topShare` (tiny n), the weights are uniform.
 */
export function zipfWeights(n: number, topShare: number): Float64Array {
  const weights = new Float64Array(n);
  const fill = (q: number) => {
    let sum = 0;
    for (let r = 1; r <= n; r++) {
      const w = 1 / (r + q);
      weights[r - 1] = w;
      sum += w;
    }
    return (weights[0] ?? 0) / sum;
  };
  if (n <= 1 || 1 / n >= topShare) {
    weights.fill(1);
    return weights;
  }
  // share(q) falls from 1/H(n) towards 1/n as q grows: bisect for the wanted share.
  if (fill(0) <= topShare) return weights;
  let lo = 0;
  let hi = 1;
  while (fill(hi) > topShare) hi *= 2;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (fill(mid) > topShare) lo = mid;
    else hi = mid;
  }
  fill(hi);
  return weights;
}

/** Selection sampling (Knuth's algorithm S): exactly `wanted` yes answers over `total` questions. */
export class Quota {
  private remainingAsks: number;
  private remainingWanted: number;

  constructor(wanted: number, total: number) {
    this.remainingWanted = wanted;
    this.remainingAsks = total;
  }

  get left(): number {
    return this.remainingWanted;
  }

  /** Whether this ask (one of `total`) should say yes; call it exactly once per question. */
  ask(rng: Rng): boolean {
    const p = this.remainingAsks > 0 ? this.remainingWanted / this.remainingAsks : 0;
    this.remainingAsks--;
    return rng.next() < p;
  }

  /** Records that `n` units were used (for yes answers that take more than one unit). */
  take(n: number): void {
    this.remainingWanted = Math.max(0, this.remainingWanted - n);
  }
}
