import check from './canonical-log-is-append-only.js';
import { testCheck } from '../test-support/check-tester.js';

testCheck(check, {
  pass: [{ name: 'attested yes', answer: 'yes', note: 'actions table with SHA-256 hash chain, verified nightly; UPDATE/DELETE revoked for the service role' }],
  fail: [{ name: 'attested no', answer: 'no', note: 'we rely on application logs kept for 14 days' }],
  other: [
    { name: 'always applies', answer: 'not-applicable', note: 'traces are enough', outcome: 'insufficient-evidence', messageIncludes: 'always applies' },
    { name: 'attestation is the only evidence kind', answer: 'yes', note: 'WORM bucket with Object Lock', outcome: 'pass', evidenceKind: 'attestation' },
  ],
});
