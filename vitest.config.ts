import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The example systems' end-to-end audits run real agents under probes for minutes; `npm test`
    // runs them on their own afterwards (`npm run test:examples`), so they never starve other tests.
    exclude: ['**/node_modules/**', 'test/examples/verdicts.test.ts'],
    // End-to-end CLI tests spawn the built CLI; keep them from starving the 2-core CI machine.
    maxWorkers: 2,
    testTimeout: 20_000,
  },
});
