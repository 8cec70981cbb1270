import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/*
 * Fault injection with strace (Debian's `strace`, run as root; .ci/run installs it): every fsync and
 * fdatasync of a running process fails with EIO from the moment strace has attached, as a dying disk or a
 * full thin-provisioned volume would make them fail. Killing strace detaches it and the process goes on.
 */

export interface Injection {
  /** Detaches strace; the process's syscalls are its own again. */
  stop(): Promise<void>;
  /** How many calls strace failed on purpose so far (from its log). */
  injected(): number;
}

export function straceAvailable(): string | null {
  try {
    execFileSync('strace', ['-V'], { stdio: 'ignore' });
  } catch {
    return 'strace is not installed (apt-get install strace; .ci/run does)';
  }
  if (process.getuid?.() !== 0) return 'strace fault injection needs root';
  return null;
}

/** Attaches strace to `pid` (all its threads) and resolves once every fsync/fdatasync fails with EIO. */
export async function injectFsyncErrors(pid: number): Promise<Injection> {
  const child: ChildProcess = spawn(
    'strace',
    ['-f', '-qq', '-p', String(pid), '-e', 'trace=fsync,fdatasync', '-e', 'inject=fsync,fdatasync:error=EIO'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let settled = false;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearInterval(poll);
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    };
    const timer = setTimeout(() => settle(new Error(`strace did not attach to ${pid}:\n${log}`)), 10_000);
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      log += chunk;
    });
    child.once('exit', (code) => settle(new Error(`strace exited (${code}) before attaching:\n${log}`)));
    // -qq hides the "attached" lines: strace is attached once /proc says the process is traced.
    const poll = setInterval(() => {
      try {
        if (/^TracerPid:\s*[1-9]/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'))) settle();
      } catch {
        // the process is gone: the exit handler or the timer reports it
      }
    }, 20);
  });
  return {
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
    injected: () => (log.match(/INJECTED/g) ?? []).length,
  };
}
