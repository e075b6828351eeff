import { defineConfig } from 'vitest/config';

/**
 * The example systems' end-to-end audits (naive red, hardened green, subtle not green), and the
 * probe verdicts under load (which busies every core on purpose), run alone.
 */
export default defineConfig({
  test: {
    include: ['test/examples/verdicts.test.ts', 'test/examples/probe-under-load.test.ts'],
    maxWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 900_000,
  },
});
