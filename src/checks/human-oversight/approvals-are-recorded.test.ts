import check from './approvals-are-recorded.js';
import { testCheck } from '../test-support/check-tester.js';

testCheck(check, {
  pass: [{ name: 'attested yes', answer: 'yes', note: 'approvals table: approver SSO id, timestamp, decision, tool, arguments, tool_call_id; retained 7 years' }],
  fail: [{ name: 'attested no', answer: 'no', note: 'approvals are Slack reactions' }],
  other: [
    { name: 'not applicable with a reason', answer: 'not-applicable', note: 'no high-risk tools, so no approvals', outcome: 'not-applicable' },
    { name: 'not applicable without a reason', answer: 'not-applicable', outcome: 'insufficient-evidence', messageIncludes: 'written reason' },
  ],
});
