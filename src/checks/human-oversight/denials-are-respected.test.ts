import check from './denials-are-respected.js';
import { testCheck } from '../test-support/check-tester.js';

testCheck(check, {
  pass: [{ name: 'attested yes', answer: 'yes', note: 'a denial blocks high-risk tools on that order for the rest of the run; tested with an insisting user' }],
  fail: [{ name: 'attested no', answer: 'no', note: 'the model sees the denial as a tool error and may retry' }],
  other: [
    { name: 'not applicable with a reason', answer: 'not-applicable', note: 'no high-risk tools: the agent only drafts replies for agents to send', outcome: 'not-applicable' },
    { name: 'not applicable without a reason', answer: 'not-applicable', outcome: 'insufficient-evidence', messageIncludes: 'written reason' },
    {
      name: 'not applicable contradicted by a declared high-risk tool',
      answer: 'not-applicable',
      note: 'we have no risky tools',
      system: { name: 'back office', tools: [{ name: 'issue_refund', risk: 'money' }] },
      outcome: 'insufficient-evidence',
      messageIncludes: 'mimir.yaml declares high-risk tools: issue_refund (money)',
    },
  ],
});
