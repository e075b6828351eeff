import { defineConfig } from 'vitest/config';

/**
 * The slow end-to-end suite, run alone: the example systems' audits (naive red, hardened green,
 * subtle not green, careful green, one-flaw not green), the probe verdicts under load (which busies
 * every core on purpose), and the npm package packed, installed into an empty folder and run.
 *
 * `npm run test:examples` runs it in two steps: the audits beside the pack-and-install test (which
 * mostly waits on npm and the registry), then the load test (`npm test` puts the real-data suite
 * beside it), so that its busy loops never land on the audits' trials. The audits run the agents and
 * servers bundled (test/examples/support/bundled-examples.ts): a third less CPU per trial.
 */
export default defineConfig({
  test: {
    include: ['test/examples/verdicts.test.ts', 'test/examples/probe-under-load.test.ts', 'test/examples/pack-install.test.ts'],
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 900_000,
  },
});
