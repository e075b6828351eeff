import { defineConfig } from 'vitest/config';

/**
 * The end-to-end files that start real processes many times over (the built CLI, probe runs of real
 * agents, `mimir serve` with its demo, headless Chromium): minutes of process start-up and waiting
 * between them. `npm run unit` leaves them out so that it stays the loop to run while developing
 * (under 2 minutes on 2 cores); `npm run test:e2e` (vitest.e2e.config.ts) runs them, and `npm test`
 * and CI run both.
 */
export const E2E_FILES = [
  'test/probe/probe-cli.test.ts',
  'test/probe/misbehaving-agents.test.ts',
  'test/probe/trial-state.test.ts',
  'test/examples/agents.test.ts',
  'test/examples/probe-agent.test.ts',
  'test/examples/probe-agent-faults.test.ts',
  'test/server/demo/serve-demo-cli.test.ts',
  'test/server/demo/demo-replay.test.ts',
  'test/server/web/live-pages.e2e.test.ts',
  'test/server/web/web-ui.e2e.test.ts',
  'test/server/alerts/serve-alerts.e2e.test.ts',
  'test/server/alerts/serve-instant.e2e.test.ts',
  'test/server/serve-e2e.test.ts',
  'test/server/verifiers/verifiers.test.ts',
] as const;

/** Files whose support module cleans up with a hook registered as it loads (test/evidence/support.ts), so each must load it afresh. */
const ISOLATED_FILES = ['test/evidence/**/*.test.ts', 'src/evidence/trace/conventions/memory-and-state.test.ts'];

/** What is not the unit suite: the other configs' suites. */
const ELSEWHERE = ['**/node_modules/**', 'test/examples/verdicts.test.ts', 'test/examples/pack-install.test.ts', 'test/examples/probe-under-load.test.ts', 'test/real-data/**', ...E2E_FILES];

export default defineConfig({
  test: {
    // The example systems' end-to-end audits run real agents under probes for minutes; `npm test`
    // runs them on their own (`npm run test:examples`), so they never starve other tests; so are the
    // pack-and-install test (it builds, and installs from the registry) and the probe-under-load
    // test, which loads every core on purpose.
    // The real-data suite has its own config (`npm run test:real`): its expected-after-fix files hold what a careful reader says.
    // End-to-end CLI tests spawn the built CLI; keep them from starving the 2-core CI machine.
    maxWorkers: 2,
    // Each run gets its own TMPDIR and fails if a test leaves a mimir-* temp entry in it.
    globalSetup: ['test/support/temp-dir-guard.ts', 'test/support/token-table-setup.ts'],
    setupFiles: ['test/support/per-file-setup.ts'],
    testTimeout: 20_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: [...ELSEWHERE, ...ISOLATED_FILES],
          // Test files share their worker's module cache instead of loading mimir afresh each (no
          // test mocks modules or leaves globals changed): the suite costs ≈40% less CPU.
          isolate: false,
        },
      },
      { extends: true, test: { name: 'unit-isolated', include: ISOLATED_FILES, exclude: ELSEWHERE } },
    ],
  },
});
