import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // End-to-end CLI tests spawn the built CLI; keep them from starving the 2-core CI machine.
    maxWorkers: 2,
    testTimeout: 20_000,
  },
});
