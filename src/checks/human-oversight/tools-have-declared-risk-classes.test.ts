import check from './tools-have-declared-risk-classes.js';
import { testCheck } from '../test-support/check-tester.js';

testCheck(check, {
  pass: [{ name: 'attested yes', answer: 'yes', note: 'all 14 tools matched in mimir.yaml; CI fails on an unmatched tool' }],
  fail: [{ name: 'attested no', answer: 'no', note: 'risk classes not declared yet' }],
  other: [
    { name: 'always applies', answer: 'not-applicable', note: 'we have few tools', outcome: 'insufficient-evidence', messageIncludes: 'always applies' },
  ],
});
