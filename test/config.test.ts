import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';

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
