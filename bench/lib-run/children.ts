import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';

/** A server the benchmark started; every one is killed on exit, whatever happens. */
export interface Child {
  name: string;
  proc: ChildProcess;
  port: number;
  /** performance.now() and Date.now() just before spawn. */
  spawnedAt: number;
  spawnedAtEpoch: number;
  /** stdout and stderr lines, for the listen log and for errors. */
  lines: string[];
  exited: Promise<number | null>;
}

const running = new Set<Child>();

function killAll(signal: NodeJS.Signals) {
  for (const child of running) {
    if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill(signal);
  }
}

// Last resort: whatever way this process ends, its servers end with it.
process.on('exit', () => killAll('SIGKILL'));
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    killAll('SIGKILL');
    process.exit(130);
  });
}

/**
 * A port free on the loopback interface right now, below the ephemeral range (32768 and up on Linux), so
 * that no client socket, and no server another process starts on port 0, takes it before the child listens.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port found between 20000 and 32000');
}

export function startChild(
  name: string,
  command: string,
  args: string[],
  env: Record<string, string>,
  port: number,
): Child {
  const spawnedAtEpoch = Date.now();
  const spawnedAt = performance.now();
  const proc = spawn(command, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  for (const stream of [proc.stdout, proc.stderr]) {
    let rest = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      for (const line of parts) if (lines.length < 10_000) lines.push(line);
    });
  }
  const exited = new Promise<number | null>((resolve) => {
    proc.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    });
  });
  const child: Child = { name, proc, port, spawnedAt, spawnedAtEpoch, lines, exited };
  running.add(child);
  return child;
}

/** GET on the loopback: status and body. */
export function get(port: number, path: string, timeoutMs = 1000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** Milliseconds from spawn to the first 200 from `path`; throws if the child dies or takes too long. */
export async function waitHealthy(child: Child, path: string, timeoutMs = 60_000): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (child.proc.exitCode !== null || child.proc.signalCode !== null) {
      throw new Error(
        `${child.name} exited (${child.proc.exitCode ?? child.proc.signalCode}):\n${child.lines.slice(-30).join('\n')}`,
      );
    }
    try {
      const { status } = await get(child.port, path, 5000);
      if (status === 200) return performance.now() - child.spawnedAt;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(
    `${child.name} did not answer 200 on ${path} within ${timeoutMs} ms:\n${child.lines.slice(-30).join('\n')}`,
  );
}

/** SIGTERM, then SIGKILL if it has not gone within `graceMs`. */
export async function stopChild(child: Child, graceMs = 10_000): Promise<void> {
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) return;
  child.proc.kill('SIGTERM');
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), graceMs);
  await child.exited;
  clearTimeout(timer);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((c) => stopChild(c)));
}

/** Resident set size of a process in bytes (VmRSS), or null when it is gone. */
export function rssOf(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Samples a process's RSS every `everyMs`; `max` is the highest seen since the last reset. */
export class RssSampler {
  max = 0;
  overall = 0;
  private timer: NodeJS.Timeout;
  constructor(
    private readonly pid: number | undefined,
    everyMs = 100,
  ) {
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
    this.sample();
  }
  sample(): void {
    const rss = rssOf(this.pid);
    if (rss === null) return;
    this.max = Math.max(this.max, rss);
    this.overall = Math.max(this.overall, rss);
  }
  reset(): void {
    this.max = 0;
    this.sample();
  }
  stop(): void {
    clearInterval(this.timer);
  }
}
