import check from './retries-are-bounded.js';
import { testCheck } from '../test-support/check-tester.js';

testCheck(check, {
  pass: [{ name: 'attested yes', answer: 'yes', note: 'tenacity-style policy: 3 attempts, exponential backoff' }],
  fail: [{ name: 'attested no', answer: 'no' }],
  other: [
    { name: 'attested partial earns half', answer: 'partial', outcome: 'partial', credit: 0.5 },
    { name: 'always applies', answer: 'not-applicable', note: 'we never retry', outcome: 'insufficient-evidence', messageIncludes: 'always applies' },
    { name: 'no answer', outcome: 'insufficient-evidence', messageIncludes: 'mimir walk' },
    { name: 'expired answer', answer: 'yes', attestation: { expires: '2026-01-01' }, outcome: 'insufficient-evidence', messageIncludes: 'expired on 2026-01-01' },
  ],
});
