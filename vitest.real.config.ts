import { defineConfig } from 'vitest/config';

// `npm run test:real`: the real-data regression suite (public runs of real agents, converted by
// scripts/real-data/). The full-dataset cases skip themselves when test/fixtures/real/.full/ is absent.
export default defineConfig({
  test: {
    include: ['test/real-data/**/*.test.ts'],
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
