import check from './checkpoints-enable-restart.js';
import { testCheck } from '../test-support/check-tester.js';

testCheck(check, {
  pass: [{ name: 'attested yes', answer: 'yes', note: 'Postgres checkpointer, one transaction per completed step; kill test in CI' }],
  fail: [{ name: 'attested no', answer: 'no', note: 'state lives in the worker process only' }],
  other: [{ name: 'always applies', answer: 'not-applicable', note: 'runs are short', outcome: 'insufficient-evidence', messageIncludes: 'always applies' }],
});
