import { describe, expect, it } from 'vitest';
import { createRateWindows, spokenDuration } from '../src/lib/rate-window.js';

describe('rate windows', () => {
  it('counts per key within a window that starts at the first request, and starts afresh after it', () => {
    const windows = createRateWindows({ max: 2, windowMs: 60_000 });
    expect(windows.hit('a', 1_000)).toEqual({ current: 1, ttlMs: 60_000 });
    expect(windows.hit('a', 31_000)).toEqual({ current: 2, ttlMs: 30_000 });
    expect(windows.hit('b', 31_000)).toEqual({ current: 1, ttlMs: 60_000 });
    expect(windows.hit('a', 60_999)).toEqual({ current: 3, ttlMs: 1 });
    expect(windows.hit('a', 61_000)).toEqual({ current: 1, ttlMs: 60_000 });
  });

  it('forgets the least recently seen key beyond its capacity', () => {
    const windows = createRateWindows({ max: 5, windowMs: 60_000, capacity: 2 });
    windows.hit('a', 0);
    windows.hit('b', 0);
    windows.hit('a', 1);
    windows.hit('c', 2);
    expect(windows.hit('a', 3).current).toBe(3);
    expect(windows.hit('b', 3).current).toBe(1);
  });

  it('says a duration in words, rounded to its largest unit', () => {
    expect(
      [500, 1000, 1500, 45_000, 59_600, 60_000, 90_000, 3_600_000, 7_200_000, 86_400_000].map(spokenDuration),
    ).toEqual([
      '500 ms',
      '1 second',
      '2 seconds',
      '45 seconds',
      '60 seconds',
      '1 minute',
      '2 minutes',
      '1 hour',
      '2 hours',
      '1 day',
    ]);
  });
});
