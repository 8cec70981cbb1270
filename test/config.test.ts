import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { StartupError } from '../src/startup-errors.js';

describe('loadConfig', () => {
  it('creates only the default database, or any with CREATE_DATABASE=true', () => {
    expect(loadConfig({}).createDatabase).toBe(true);
    expect(loadConfig({ DATABASE_PATH: 'data/claimledger.db' }).createDatabase).toBe(true);
    expect(loadConfig({ DATABASE_PATH: '/srv/claimledger.db' }).createDatabase).toBe(false);
    expect(loadConfig({ DATABASE_PATH: '/srv/claimledger.db', CREATE_DATABASE: 'yes' }).createDatabase).toBe(
      true,
    );
  });

  it('reads an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', RATE_LIMIT_MAX: '' })).toMatchObject({ port: 3000, rateLimitMax: 600 });
  });

  it('names every bad setting and what it must look like, never repeating a secret', () => {
    let error: unknown;
    try {
      loadConfig({ BOOTSTRAP_ADMIN_KEY: 'clk_short', WRITE_LOCK_TIMEOUT_MS: '-1' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(StartupError);
    expect((error as StartupError).setting).toBe('BOOTSTRAP_ADMIN_KEY, WRITE_LOCK_TIMEOUT_MS');
    expect((error as Error).message).toBe(
      'BOOTSTRAP_ADMIN_KEY must be an API key clk_<12 hex digits>_<43 base64url characters>; `npm run keys -- generate` prints a fresh one; ' +
        'WRITE_LOCK_TIMEOUT_MS must be a whole number of milliseconds from 0 to 60000 (got "-1")',
    );
    expect((error as Error).message).not.toContain('clk_short');
  });
});
