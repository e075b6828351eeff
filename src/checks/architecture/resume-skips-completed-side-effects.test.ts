import check from './resume-skips-completed-side-effects.js';
import { testCheck } from '../test-support/check-tester.js';

testCheck(check, {
  pass: [{ name: 'attested yes', answer: 'yes', note: 'idempotency key = run id + step id on every write; effect journal consulted on resume' }],
  fail: [{ name: 'attested no', answer: 'no', note: 'a resumed run replays the plan from its last checkpoint' }],
  other: [{ name: 'always applies', answer: 'not-applicable', note: 'we rarely restart', outcome: 'insufficient-evidence', messageIncludes: 'always applies' }],
});
