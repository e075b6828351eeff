import check from './goal-stays-in-context.js';
import { testCheck } from '../test-support/check-tester.js';

testCheck(check, {
  pass: [{ name: 'attested yes', answer: 'yes', note: 'request pinned in a <task> section after the system prompt; long-run test asserts it in the last call' }],
  fail: [{ name: 'attested no', answer: 'no', note: 'sliding window of the last 20 messages drops it on long runs' }],
  other: [{ name: 'always applies', answer: 'not-applicable', note: 'single-turn agent', outcome: 'insufficient-evidence', messageIncludes: 'always applies' }],
});
