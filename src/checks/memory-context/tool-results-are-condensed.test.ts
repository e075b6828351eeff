import check from './tool-results-are-condensed.js';
import { testCheck } from '../test-support/check-tester.js';

testCheck(check, {
  pass: [{ name: 'attested yes', answer: 'yes', note: 'tool results capped at 4k tokens; search returns top 5 snippets; order API reduced to 9 fields' }],
  fail: [{ name: 'attested no', answer: 'no', note: 'tool responses go into the prompt as returned' }],
  other: [{ name: 'always applies', answer: 'not-applicable', note: 'our tools return small results', outcome: 'insufficient-evidence', messageIncludes: 'always applies' }],
});
