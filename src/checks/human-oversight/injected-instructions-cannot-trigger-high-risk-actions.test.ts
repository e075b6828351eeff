import check from './injected-instructions-cannot-trigger-high-risk-actions.js';
import { testCheck } from '../test-support/check-tester.js';

testCheck(check, {
  pass: [{ name: 'attested yes', answer: 'yes', note: 'payments gateway requires a per-call approval; injection suite runs in CI on email and web tools' }],
  fail: [{ name: 'attested no', answer: 'no', note: 'relies on the system prompt telling the model to ignore tool instructions' }],
  other: [
    { name: 'not applicable with a reason', answer: 'not-applicable', note: 'tools are read-only: search_docs and get_ticket', outcome: 'not-applicable' },
    { name: 'not applicable without a reason', answer: 'not-applicable', outcome: 'insufficient-evidence', messageIncludes: 'written reason' },
  ],
});
