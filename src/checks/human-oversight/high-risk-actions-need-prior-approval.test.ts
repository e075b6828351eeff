import check from './high-risk-actions-need-prior-approval.js';
import { testCheck } from '../test-support/check-tester.js';

testCheck(check, {
  pass: [{ name: 'attested yes', answer: 'yes', note: 'refund and send_email require an approval id matching tool and arguments; enforced in the tool gateway' }],
  fail: [{ name: 'attested no', answer: 'no', note: 'approval is a line in the system prompt' }],
  other: [
    { name: 'not applicable with a reason', answer: 'not-applicable', note: 'read-only research assistant: search and fetch only', outcome: 'not-applicable' },
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
