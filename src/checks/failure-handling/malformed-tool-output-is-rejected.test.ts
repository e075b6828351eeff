import check from './malformed-tool-output-is-rejected.js';
import { testCheck } from '../test-support/check-tester.js';

testCheck(check, {
  pass: [{ name: 'attested yes', answer: 'yes', note: 'every tool result parsed with its zod schema; a failure raises MalformedOutputError' }],
  fail: [{ name: 'attested no', answer: 'no', note: 'tool text is passed to the model as is' }],
  other: [
    { name: 'always applies', answer: 'not-applicable', note: 'our tools are trusted', outcome: 'insufficient-evidence', messageIncludes: 'always applies' },
  ],
});
