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

describe('the export and webhook settings', () => {
  it('have defaults: dispatch on, nothing private allowed, a day of retries', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      publicBaseUrl: undefined,
      webhookDispatch: true,
      webhookAllowedNetworks: [],
      webhookTimeoutMs: 5_000,
      webhookRetryBaseMs: 5_000,
      webhookRetryWindowMs: 86_400_000,
      webhookDisableAfterGone: 3,
      webhookDisableAfterFailures: 5,
    });
  });

  it('read from the environment, and a bad value stops the start with its name', () => {
    const config = loadConfig({
      PUBLIC_BASE_URL: 'https://ledger.example.org',
      WEBHOOK_ALLOWED_NETWORKS: '127.0.0.1/32, 10.1.2.0/24,::1',
      WEBHOOK_DISPATCH: 'false',
    });
    expect(config.publicBaseUrl).toBe('https://ledger.example.org');
    expect(config.webhookAllowedNetworks).toEqual(['127.0.0.1/32', '10.1.2.0/24', '::1']);
    expect(config.webhookDispatch).toBe(false);
    expect(() => loadConfig({ WEBHOOK_ALLOWED_NETWORKS: '127.0.0.1/33' })).toThrow(
      /WEBHOOK_ALLOWED_NETWORKS/,
    );
    expect(() => loadConfig({ WEBHOOK_ALLOWED_NETWORKS: 'localhost' })).toThrow(/WEBHOOK_ALLOWED_NETWORKS/);
    expect(() => loadConfig({ PUBLIC_BASE_URL: 'ftp://x' })).toThrow(/PUBLIC_BASE_URL/);
  });
});
