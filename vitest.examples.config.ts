import { defineConfig } from 'vitest/config';

/** The example systems' end-to-end audits (naive red, hardened green, subtle not green), run alone. */
export default defineConfig({
  test: {
    include: ['test/examples/verdicts.test.ts'],
    maxWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 900_000,
  },
});
