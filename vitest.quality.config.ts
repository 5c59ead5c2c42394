import { defineConfig } from 'vitest/config';

// `npm run quality`: the search quality gate on SciFact (test/quality/), kept out of `npm test` because it takes
// minutes. No timing is asserted; the timeout only has to outlast a busy machine.
export default defineConfig({
  test: {
    include: ['test/quality/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 1_800_000,
    reporters: ['default'],
  },
});
