import { type ProblemError, problem } from '../errors.js';

/**
 * What kind of storage fault an error is, by SQLite's primary result code (better-sqlite3 puts the extended
 * code, e.g. `SQLITE_IOERR_FSYNC`, on `error.code`; https://sqlite.org/rescode.html):
 * - `io`: the operating system failed a read, write or fsync (SQLITE_IOERR_*), or the file cannot be
 *   opened any more (SQLITE_CANTOPEN). After one of these on a write, nobody knows what is on disk.
 * - `corrupt`: the file is damaged or not a database (SQLITE_CORRUPT, SQLITE_NOTADB).
 * - `full`: no space left (SQLITE_FULL); the transaction is rolled back whole, so the service can go on.
 * - `busy`: another connection holds the lock (SQLITE_BUSY, SQLITE_LOCKED); worth retrying.
 * - `readonly`: the file or its folder cannot be written (SQLITE_READONLY_*), e.g. after a permission change.
 * - `closed`: the connection is closed (shutdown in progress).
 */
export type SqliteFault = 'io' | 'corrupt' | 'full' | 'busy' | 'readonly' | 'closed';

const BY_PRIMARY_CODE: Record<string, SqliteFault> = {
  SQLITE_IOERR: 'io',
  SQLITE_CANTOPEN: 'io',
  SQLITE_CORRUPT: 'corrupt',
  SQLITE_NOTADB: 'corrupt',
  SQLITE_FULL: 'full',
  SQLITE_BUSY: 'busy',
  SQLITE_LOCKED: 'busy',
  SQLITE_READONLY: 'readonly',
};

/** better-sqlite3's words for a closed handle: it throws a TypeError without a code. */
const CLOSED_MESSAGE = 'The database connection is not open';

export function sqliteFaultOf(error: unknown): SqliteFault | null {
  if (!(error instanceof Error)) return null;
  if (error.message === CLOSED_MESSAGE) return 'closed';
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return null;
  const primary = /^SQLITE_[A-Z]+/.exec(code)?.[0];
  return (primary && BY_PRIMARY_CODE[primary]) || null;
}

/** The SQLite result code of an error, e.g. `SQLITE_IOERR_FSYNC`, for logs and start-up messages. */
export const sqliteCodeOf = (error: unknown): string =>
  String((error as { code?: unknown } | null)?.code ?? 'unknown');

/** Faults after which what a write left on disk is unknown: no more writes until a restart has recovered. */
export const isFatalWriteFault = (fault: SqliteFault | null) => fault === 'io' || fault === 'corrupt';

/** Seconds a client should wait before retrying, by fault. */
export const RETRY_AFTER_SECONDS: Record<SqliteFault, number> = {
  io: 10,
  corrupt: 60,
  full: 60,
  busy: 1,
  readonly: 30,
  closed: 5,
};

/** The problem a request answers when it meets a storage fault, with its Retry-After. */
export function problemOfSqliteFault(fault: SqliteFault, during: 'read' | 'write'): ProblemError {
  const retryAfter = { 'retry-after': String(RETRY_AFTER_SECONDS[fault]) };
  switch (fault) {
    case 'busy':
      return problem(
        'DATABASE_BUSY',
        'Another process holds the database’s write lock (a backup or a command-line tool); nothing was written. Retry shortly.',
        {},
        retryAfter,
      );
    case 'full':
      // 507 says a write could not be stored; a read that ran out of room (temporary files) is a 503.
      return during === 'write'
        ? problem(
            'DISK_FULL',
            'The disk holding the database is full; nothing was written. Retry once space has been freed.',
            {},
            retryAfter,
          )
        : problem(
            'SERVICE_UNAVAILABLE',
            'The disk holding the database is full, so this request could not be answered. Retry once space has been freed.',
            {},
            retryAfter,
          );
    case 'readonly':
      return problem(
        'STORAGE_READ_ONLY',
        'The database file cannot be written (read-only file system or permissions); nothing was written.',
        {},
        retryAfter,
      );
    case 'closed':
      return problem(
        'SERVICE_UNAVAILABLE',
        'The database is not available; try again shortly.',
        {},
        retryAfter,
      );
    default:
      return problem(
        'STORAGE_FAILED',
        during === 'write'
          ? 'The database could not be written safely: this write may or may not have been stored. The service ' +
              'takes no more writes and restarts; then retry with the same Idempotency-Key (a 409 ' +
              'IDEMPOTENCY_KEY_IN_USE says it was stored) or look the record up.'
          : 'The database could not be read; try again shortly.',
        {},
        retryAfter,
      );
  }
}
