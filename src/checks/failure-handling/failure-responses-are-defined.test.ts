import check from './failure-responses-are-defined.js';
import { testCheck } from '../test-support/check-tester.js';

testCheck(check, {
  pass: [{ name: 'attested yes', answer: 'yes', note: 'failure table in docs/failures.md; one injection test per row in CI' }],
  fail: [{ name: 'attested no', answer: 'no', note: 'errors are logged and the model is asked to continue' }],
  other: [
    { name: 'attested partial', answer: 'partial', note: 'tool errors and timeouts handled; refusals and budget not', outcome: 'partial', credit: 0.5 },
    { name: 'always applies', answer: 'not-applicable', note: 'our tools never fail', outcome: 'insufficient-evidence', messageIncludes: 'always applies' },
  ],
});
