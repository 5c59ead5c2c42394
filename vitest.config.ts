import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    // The SciFact quality gate takes minutes: `npm run quality` runs it (vitest.quality.config.ts).
    exclude: ['test/quality/**', '**/node_modules/**'],
    // Native modules (better-sqlite3, usearch) and child processes behave best in forked workers.
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
