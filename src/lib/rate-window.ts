/**
 * Fixed-window request counters per caller, in memory: each key may make `max` requests per window, the
 * window starting at its first request. The least recently seen keys are forgotten beyond `capacity` (a flood of
 * new addresses cannot grow memory without bound). Synchronous, so that counting costs a request no promise.
 */
export interface RateCount {
  /** Requests counted in this window, this one included. */
  current: number;
  /** Milliseconds until the window ends. */
  ttlMs: number;
}

export function createRateWindows(options: { max: number; windowMs: number; capacity?: number }) {
  const capacity = options.capacity ?? 5000;
  const windows = new Map<string, { count: number; startedAt: number }>();
  return {
    max: options.max,
    /** Counts one request of `key` at `now` (epoch ms). */
    hit(key: string, now = Date.now()): RateCount {
      let window = windows.get(key);
      if (window === undefined || window.startedAt + options.windowMs <= now) {
        window = { count: 0, startedAt: now };
      }
      window.count++;
      // Re-inserted, so that Map order is least recently seen first.
      windows.delete(key);
      windows.set(key, window);
      if (windows.size > capacity) windows.delete(windows.keys().next().value as string);
      return { current: window.count, ttlMs: options.windowMs - (now - window.startedAt) };
    },
  };
}

/** "1 minute", "30 seconds", "2 hours": a duration as a person reads it, rounded to its largest unit. */
export function spokenDuration(ms: number): string {
  const units: [number, string][] = [
    [365.25 * 24 * 3_600_000, 'year'],
    [24 * 3_600_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1000, 'second'],
  ];
  for (const [size, unit] of units) {
    if (ms >= size) {
      const n = Math.round(ms / size);
      return `${n} ${unit}${n === 1 ? '' : 's'}`;
    }
  }
  return `${ms} ms`;
}
