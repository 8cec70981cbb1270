import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Builds the desk page into dist/desk when it is missing or older than its sources.
    globalSetup: ['test/helpers/desk-build.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 20_000,
  },
});
