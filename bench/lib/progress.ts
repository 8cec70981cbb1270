/** Progress lines for a long import: rows done, rate and time left, at most every few seconds. */

export const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return m < 60
    ? `${m}m${String(s % 60).padStart(2, '0')}s`
    : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`;
}

export class Progress {
  readonly startedAt = performance.now();
  private lastPrint = this.startedAt;
  private lastRows = 0;
  rows = 0;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly everyMs = 3000,
  ) {}

  elapsedMs(): number {
    return performance.now() - this.startedAt;
  }

  /** `done` units of `total` (claims, say), `rows` rows written so far in all tables. */
  update(done: number, force = false): void {
    const now = performance.now();
    if (!force && now - this.lastPrint < this.everyMs) return;
    const elapsed = now - this.startedAt;
    const recent = ((this.rows - this.lastRows) * 1000) / Math.max(1, now - this.lastPrint);
    const overall = (this.rows * 1000) / Math.max(1, elapsed);
    const perUnit = elapsed / Math.max(1, done);
    const eta = (this.total - done) * perUnit;
    const pct = this.total > 0 ? ((done * 100) / this.total).toFixed(1) : '100.0';
    console.log(
      `  [${duration(elapsed).padStart(7)}] ${this.label} ${fmt(done)}/${fmt(this.total)} (${pct}%) · rows ${fmt(
        this.rows,
      )} · ${fmt(recent)} rows/s now, ${fmt(overall)} rows/s overall · ETA ${duration(eta)}`,
    );
    this.lastPrint = now;
    this.lastRows = this.rows;
  }
}
