import { defineConfig } from 'vitest/config';

/**
 * The slow end-to-end suite, run alone: the example systems' audits (naive red, hardened green,
 * subtle not green), the probe verdicts under load (which busies every core on purpose), and the
 * npm package packed, installed into an empty folder and run.
 */
export default defineConfig({
  test: {
    include: ['test/examples/verdicts.test.ts', 'test/examples/probe-under-load.test.ts', 'test/examples/pack-install.test.ts'],
    maxWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 900_000,
  },
});
