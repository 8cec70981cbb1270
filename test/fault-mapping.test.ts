import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { redactUrl, repairUrl } from '../src/lib/http-server.js';
import { isFatalWriteFault, problemOfSqliteFault, sqliteFaultOf } from '../src/lib/sqlite-errors.js';
import { createKeysService } from '../src/modules/keys/keys.service.js';

// The pure parts of fault handling: which SQLite result codes are which fault, and what a read that
// meets one answers (a read's fault never stops writes).

const sqliteError = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('sqliteFaultOf', () => {
  it('classifies by the primary result code, extended codes included', () => {
    const cases: [string, ReturnType<typeof sqliteFaultOf>][] = [
      ['SQLITE_IOERR', 'io'],
      ['SQLITE_IOERR_FSYNC', 'io'],
      ['SQLITE_IOERR_WRITE', 'io'],
      ['SQLITE_IOERR_SHMSIZE', 'io'],
      ['SQLITE_CANTOPEN', 'io'],
      ['SQLITE_CORRUPT', 'corrupt'],
      ['SQLITE_NOTADB', 'corrupt'],
      ['SQLITE_FULL', 'full'],
      ['SQLITE_BUSY', 'busy'],
      ['SQLITE_BUSY_SNAPSHOT', 'busy'],
      ['SQLITE_LOCKED', 'busy'],
      ['SQLITE_READONLY_DBMOVED', 'readonly'],
      ['SQLITE_CONSTRAINT_UNIQUE', null],
      ['SQLITE_ERROR', null],
      ['ENOENT', null],
    ];
    for (const [code, fault] of cases) expect(sqliteFaultOf(sqliteError(code)), code).toBe(fault);
    expect(sqliteFaultOf(new TypeError('The database connection is not open'))).toBe('closed');
    expect(sqliteFaultOf('SQLITE_IOERR')).toBeNull();
    expect(
      ['io', 'corrupt', 'full', 'busy', 'readonly', 'closed'].filter((f) => isFatalWriteFault(f as never)),
    ).toEqual(['io', 'corrupt']);
  });

  it('maps each fault to a problem with Retry-After; a full disk is 507 for writes, 503 for reads', () => {
    expect(problemOfSqliteFault('full', 'write')).toMatchObject({
      code: 'DISK_FULL',
      status: 507,
      headers: { 'retry-after': '60' },
    });
    expect(problemOfSqliteFault('full', 'read')).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503 });
    expect(problemOfSqliteFault('busy', 'write')).toMatchObject({
      code: 'DATABASE_BUSY',
      status: 503,
      headers: { 'retry-after': '1' },
    });
    expect(problemOfSqliteFault('io', 'write')).toMatchObject({
      code: 'STORAGE_FAILED',
      status: 503,
      headers: { 'retry-after': '10' },
    });
    expect(problemOfSqliteFault('readonly', 'write')).toMatchObject({
      code: 'STORAGE_READ_ONLY',
      status: 503,
    });
  });
});

describe('a read that meets a storage fault', () => {
  it('answers 503 with Retry-After and leaves writes running', async () => {
    const failures: unknown[] = [];
    const app = await buildApp({ databasePath: ':memory:', onStorageFailure: (f) => failures.push(f) });
    let next = 'SQLITE_IOERR_READ';
    app.get('/faulty-read', { config: { public: true } }, async () => {
      throw sqliteError(next, 'disk I/O error at /var/lib/secret.db');
    });
    await app.ready();
    try {
      const read = await app.inject({ method: 'GET', url: '/faulty-read' });
      expect(read.statusCode).toBe(503);
      expect(read.headers['retry-after']).toBe('10');
      expect(read.json()).toMatchObject({
        code: 'STORAGE_FAILED',
        detail: 'The database could not be read; try again shortly.',
      });
      expect(read.body).not.toContain('secret.db');
      next = 'SQLITE_BUSY';
      const busy = await app.inject({ method: 'GET', url: '/faulty-read' });
      expect([busy.statusCode, busy.json().code, busy.headers['retry-after']]).toEqual([
        503,
        'DATABASE_BUSY',
        '1',
      ]);
      next = 'SQLITE_FULL';
      const full = await app.inject({ method: 'GET', url: '/faulty-read' });
      expect([full.statusCode, full.json().code]).toEqual([503, 'SERVICE_UNAVAILABLE']);

      expect(failures).toEqual([]);
      const key = createKeysService(app.db).create('t', 'editor').key;
      const write = await app.inject({
        method: 'POST',
        url: '/actors',
        headers: { authorization: `Bearer ${key}` },
        payload: { name: 'Still writing', kind: 'group' },
      });
      expect(write.statusCode).toBe(201);
    } finally {
      await app.close();
    }
  });
});

describe('URLs', () => {
  it('repairs only segments that do not decode', () => {
    expect(repairUrl('/actors/1?limit=5')).toBe('/actors/1?limit=5');
    expect(repairUrl('/actors/%ZZ?x=%ZZ')).toBe('/actors/%25ZZ?x=%ZZ');
    expect(repairUrl('/a%20b/%E0%A4%A/%C3%A9')).toBe('/a%20b/%25E0%25A4%25A/%C3%A9');
  });

  it('redacts keys and credential-like parameters for the log', () => {
    const key = `clk_0123456789ab_${'A'.repeat(43)}`;
    expect(redactUrl(`/actors?api_key=${key}&limit=5`)).toBe('/actors?api_key=[REDACTED]&limit=5');
    expect(redactUrl('/actors?token=abc&q=drone')).toBe('/actors?token=[REDACTED]&q=drone');
    expect(redactUrl(`/actors?q=${key}`)).toBe('/actors?q=[REDACTED]');
    expect(redactUrl(`/keys/${key}/x`)).toBe('/keys/clk_[REDACTED]/x');
    expect(redactUrl('/claims?limit=5&stance=denies')).toBe('/claims?limit=5&stance=denies');
  });
});
