import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import { sqliteCodeOf, sqliteFaultOf } from './lib/sqlite-errors.js';

/** Whether the file system holding `path` has (almost) no space left: SQLite then reports I/O errors too. */
function diskIsFull(path: string | undefined): boolean {
  if (!path || path === ':memory:') return false;
  try {
    const stats = statfsSync(dirname(path));
    return stats.bavail * stats.bsize < 256 * 1024;
  } catch {
    return false;
  }
}

/** A start-up problem the operator can fix: it names the setting at fault and what it must look like. */
export class StartupError extends Error {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(message);
    this.name = 'StartupError';
  }
}

const SYSTEM_ERRORS: Record<string, string> = {
  EADDRINUSE: 'the address is already in use: set PORT (or HOST) to a free one',
  EADDRNOTAVAIL: 'the address is not available on this machine: set HOST to one of its addresses',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  ENOENT: 'no such file or folder',
  ENOTDIR: 'a part of the path is not a folder',
};

/**
 * One line saying why the service (or a command) could not start, without a stack trace: configuration
 * errors name their setting; storage errors say what the disk or file did.
 */
export function describeStartupError(error: unknown, databasePath?: string): string {
  if (error instanceof StartupError) return error.message;
  const where = databasePath ? ` (DATABASE_PATH=${databasePath})` : '';
  const fault = sqliteFaultOf(error);
  const code = sqliteCodeOf(error);
  if (fault === 'full' || (fault === 'io' && diskIsFull(databasePath)))
    return `the disk holding the database is full${where}: free some space and start again (${code})`;
  if (fault === 'readonly')
    return `the database cannot be written${where}: check the file's and its folder's permissions (${code})`;
  if (fault === 'io')
    return `the database file could not be read or written${where}: ${(error as Error).message} (${code})`;
  if (fault === 'corrupt')
    return `the database file is damaged or is not a database${where} (${code}); restore a backup`;
  if (fault === 'busy') return `another process holds the database locked${where}; try again (${code})`;
  const system = (error as { code?: unknown } | null)?.code;
  if (typeof system === 'string' && system in SYSTEM_ERRORS) {
    const path = (error as { path?: unknown }).path;
    const { address, port } = error as { address?: unknown; port?: unknown };
    const subject =
      typeof path === 'string'
        ? ` ${path}`
        : typeof address === 'string'
          ? ` ${address}${port === undefined ? '' : `:${port}`}`
          : '';
    return `${SYSTEM_ERRORS[system]}${subject ? `:${subject}` : ''} (${system})`;
  }
  return error instanceof Error ? error.message : String(error);
}
