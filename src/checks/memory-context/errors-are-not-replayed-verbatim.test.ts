import check from './errors-are-not-replayed-verbatim.js';
import { testCheck } from '../test-support/check-tester.js';

testCheck(check, {
  pass: [{ name: 'attested yes', answer: 'yes', note: 'handled tool errors replaced by a one-line summary; stack traces never enter prompts' }],
  fail: [{ name: 'attested no', answer: 'no', note: 'tool errors stay in the transcript as returned' }],
  other: [{ name: 'always applies', answer: 'not-applicable', note: 'errors are rare', outcome: 'insufficient-evidence', messageIncludes: 'always applies' }],
});
