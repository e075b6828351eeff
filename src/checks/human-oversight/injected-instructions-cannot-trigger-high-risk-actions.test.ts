import check from './injected-instructions-cannot-trigger-high-risk-actions.js';
import { testCheck } from '../test-support/check-tester.js';

testCheck(check, {
  pass: [{ name: 'attested yes', answer: 'yes', note: 'payments gateway requires a per-call approval; injection suite runs in CI on email and web tools' }],
  fail: [{ name: 'attested no', answer: 'no', note: 'relies on the system prompt telling the model to ignore tool instructions' }],
  other: [
    { name: 'not applicable with a reason', answer: 'not-applicable', note: 'tools are read-only: search_docs and get_ticket', outcome: 'not-applicable' },
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
