import check from './rollback-plan-is-exercised.js';
import { testCheck } from '../test-support/check-tester.js';

testCheck(check, {
  pass: [{ name: 'attested yes', answer: 'yes', note: 'runbook ops/agent-rollback.md; staging drill on 2026-10-14 took 2 h' }],
  fail: [{ name: 'attested no', answer: 'no', note: 'runbook drafted, never drilled' }],
  other: [
    { name: 'not applicable with a reason', answer: 'not-applicable', note: 'all five tools are read-only lookups', outcome: 'not-applicable' },
    { name: 'not applicable without a reason', answer: 'not-applicable', outcome: 'insufficient-evidence', messageIncludes: 'written reason' },
    {
      name: 'not applicable contradicted by a declared writing tool',
      answer: 'not-applicable',
      note: 'we only read',
      system: { name: 'back office', tools: [{ name: 'update_order', risk: 'reversible-write' }] },
      outcome: 'insufficient-evidence',
      messageIncludes: 'mimir.yaml declares tools that write: update_order (reversible-write)',
    },
  ],
});
