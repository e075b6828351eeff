import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The example systems' end-to-end audits run real agents under probes for minutes; `npm test`
    // runs them on their own afterwards (`npm run test:examples`), so they never starve other tests;
    // so are the pack-and-install test (it builds, and installs from the registry) and the
    // probe-under-load test, which loads every core on purpose.
    // The real-data suite has its own config (`npm run test:real`): its expected-after-fix files hold what a careful reader says.
    exclude: ['**/node_modules/**', 'test/examples/verdicts.test.ts', 'test/examples/pack-install.test.ts', 'test/examples/probe-under-load.test.ts', 'test/real-data/**'],
    // End-to-end CLI tests spawn the built CLI; keep them from starving the 2-core CI machine.
    maxWorkers: 2,
    // Each run gets its own TMPDIR and fails if a test leaves a mimir-* temp entry in it.
    globalSetup: ['test/support/temp-dir-guard.ts', 'test/support/token-table-setup.ts'],
    testTimeout: 20_000,
  },
});
