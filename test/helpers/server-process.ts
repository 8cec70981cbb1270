import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

// Runs the real server (src/server.ts) as a child process, as `npm run dev` would but without watch mode.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LISTENING = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/;
const LOG_TAIL_LINES = 60;

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  child: ChildProcess;
  /** `http://127.0.0.1:<port>`, as announced by the server's own log line. */
  baseUrl: string;
  /** Settles when the process has exited (never rejects). */
  exited: Promise<ExitStatus>;
  /** The last log lines (stdout and stderr), for failure messages. */
  logTail(): string;
}

/** A fresh API key in the format the service accepts: clk_<12 hex>_<43 base64url characters>. */
export const generateKey = () =>
  `clk_${randomBytes(6).toString('hex')}_${randomBytes(32).toString('base64url')}`;

/**
 * Starts the server on 127.0.0.1 with PORT=0 and resolves once it logs `Server listening at <url>`
 * (the port the kernel chose, so there is no race for a free port). Rejects, with the log, if the
 * process exits first or does not listen within `timeoutMs`; the process is then killed.
 */
export async function startServer(env: Record<string, string>, timeoutMs = 15_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const remember = (line: string) => {
    lines.push(line);
    if (lines.length > LOG_TAIL_LINES) lines.shift();
  };
  const logTail = () => lines.join('\n');
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });

  const baseUrl = await new Promise<string>((resolve, reject) => {
    let pending = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not listen within ${timeoutMs} ms:\n${logTail()}`));
    }, timeoutMs);
    // Both pipes are read to the end for the life of the process, so a chatty log never blocks it.
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      for (const line of parts) {
        remember(line);
        const url = LISTENING.exec(line)?.[1];
        if (url) {
          clearTimeout(timer);
          resolve(url);
        }
      }
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) if (line) remember(`[stderr] ${line}`);
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`server exited before listening (code ${code}, signal ${signal}):\n${logTail()}`));
    });
  });

  return { child, baseUrl, exited, logTail };
}

/** Resolves with the exit status, or with null if the process has not exited within `timeoutMs`. */
export async function waitForExit(server: ServerProcess, timeoutMs: number): Promise<ExitStatus | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), timeoutMs);
  });
  try {
    return await Promise.race([server.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Kills the process with SIGKILL unless it has exited already, and waits for it to be gone. */
export async function killHard(server: ServerProcess | undefined): Promise<void> {
  if (!server) return;
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
  await waitForExit(server, 5_000);
}

/** Runs the server until it exits by itself (a start-up that fails); resolves with its status and output. */
export async function runUntilExit(
  env: Record<string, string>,
  timeoutMs = 15_000,
): Promise<ExitStatus & { stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => {
    stdout += c;
  });
  child.stderr?.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const status = await new Promise<ExitStatus>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  clearTimeout(timer);
  return { ...status, stdout, stderr };
}
