import check from './approvals-are-recorded.js';
import { testCheck } from '../test-support/check-tester.js';

testCheck(check, {
  pass: [{ name: 'attested yes', answer: 'yes', note: 'approvals table: approver SSO id, timestamp, decision, tool, arguments, tool_call_id; retained 7 years' }],
  fail: [{ name: 'attested no', answer: 'no', note: 'approvals are Slack reactions' }],
  other: [
    { name: 'not applicable with a reason', answer: 'not-applicable', note: 'no high-risk tools, so no approvals', outcome: 'not-applicable' },
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
