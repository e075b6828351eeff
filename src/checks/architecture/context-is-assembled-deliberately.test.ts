import check from './context-is-assembled-deliberately.js';
import { testCheck } from '../test-support/check-tester.js';

testCheck(check, {
  pass: [{ name: 'attested yes', answer: 'yes', note: 'per-node prompt builders: goal + case state + last two tool results, tested with fixtures' }],
  fail: [{ name: 'attested no', answer: 'no', note: 'the whole chat history is sent on every call' }],
  other: [{ name: 'always applies', answer: 'not-applicable', note: 'the framework handles context', outcome: 'insufficient-evidence', messageIncludes: 'always applies' }],
});
