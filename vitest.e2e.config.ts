import { defineConfig } from 'vitest/config';
import { E2E_FILES } from './vitest.config.js';

/**
 * `npm run test:e2e`: the slow end-to-end files of the suite, split off so that `npm run unit` stays
 * a loop to run while developing (under 2 minutes on 2 cores). Each one starts real processes many
 * times over (the built CLI, probe runs of real agents, `mimir serve`, headless Chromium), so its
 * cost is process start-up and waiting, not the code under test. `npm test` and CI run it too.
 */
export default defineConfig({
  test: {
    include: [...E2E_FILES],
    maxWorkers: 2,
    globalSetup: ['test/support/temp-dir-guard.ts', 'test/support/token-table-setup.ts'],
    setupFiles: ['test/support/per-file-setup.ts'],
    testTimeout: 20_000,
  },
});
