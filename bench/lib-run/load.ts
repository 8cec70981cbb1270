import autocannon, { type RequestSpec, type Result } from 'autocannon';

export interface LoadSpec {
  port: number;
  path: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** For writes: a fresh body per request. */
  body?: () => string;
  connections: number;
  duration: number;
}

export interface LoadResult {
  reqPerSec: number;
  /** Latency percentiles in ms, from every response's own timing (autocannon's histogram keeps whole ms). */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  durationSec: number;
  statusCodes: Record<string, number>;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

/** One bounded autocannon run against the loopback. */
export function load(spec: LoadSpec): Promise<LoadResult> {
  return startLoad(spec).done;
}

/** An autocannon run that can also be stopped before its duration (a background load). */
export function startLoad(spec: LoadSpec): { done: Promise<LoadResult>; stop: () => void } {
  const request: RequestSpec = { method: spec.method ?? 'GET', path: spec.path };
  if (spec.headers) request.headers = spec.headers;
  const makeBody = spec.body;
  if (makeBody) request.setupRequest = (req) => ({ ...req, body: makeBody() });

  let latencies = new Float64Array(1 << 16);
  let count = 0;
  const instance = autocannon({
    url: `http://127.0.0.1:${spec.port}`,
    connections: spec.connections,
    duration: spec.duration,
    timeout: 30,
    requests: [request],
  });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
    if (count === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[count++] = responseTime;
  });
  const done = collect(instance, () => latencies.slice(0, count));
  return { done, stop: () => instance.stop() };
}

async function collect(instance: PromiseLike<Result>, latencies: () => Float64Array): Promise<LoadResult> {
  const result = await instance;
  const sorted = latencies().sort();
  const statusCodes: Record<string, number> = {};
  for (const [code, { count: n }] of Object.entries(result.statusCodeStats ?? {}))
    statusCodes[code] = Number(n);
  return {
    reqPerSec: result.duration > 0 ? result.requests.total / result.duration : 0,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: percentile(sorted, 100),
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    durationSec: result.duration,
    statusCodes,
  };
}
