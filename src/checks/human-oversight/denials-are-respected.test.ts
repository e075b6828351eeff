import check from './denials-are-respected.js';
import { testCheck } from '../test-support/check-tester.js';

testCheck(check, {
  pass: [{ name: 'attested yes', answer: 'yes', note: 'a denial blocks high-risk tools on that order for the rest of the run; tested with an insisting user' }],
  fail: [{ name: 'attested no', answer: 'no', note: 'the model sees the denial as a tool error and may retry' }],
  other: [
    { name: 'not applicable with a reason', answer: 'not-applicable', note: 'no high-risk tools: the agent only drafts replies for agents to send', outcome: 'not-applicable' },
    { name: 'not applicable without a reason', answer: 'not-applicable', outcome: 'insufficient-evidence', messageIncludes: 'written reason' },
  ],
});
