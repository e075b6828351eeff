import check from './memory-is-isolated-between-tasks.js';
import { testCheck } from '../test-support/check-tester.js';

testCheck(check, {
  pass: [{ name: 'attested yes', answer: 'yes', note: 'one pgvector namespace per tenant enforced by row-level security; canary test in CI' }],
  fail: [{ name: 'attested no', answer: 'no', note: 'one shared collection, filtered by a user_id the agent passes' }],
  other: [
    { name: 'not applicable with a reason', answer: 'not-applicable', note: 'no store, cache or buffer outlives a run', outcome: 'not-applicable' },
    { name: 'not applicable without a reason', answer: 'not-applicable', outcome: 'insufficient-evidence', messageIncludes: 'written reason' },
  ],
});
