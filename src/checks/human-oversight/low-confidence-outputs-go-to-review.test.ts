import { expect, it } from 'vitest';
import check from './low-confidence-outputs-go-to-review.js';
import { testCheck } from '../test-support/check-tester.js';

testCheck(check, {
  pass: [{ name: 'attested yes', answer: 'yes', note: 'verifier score under 0.7 opens a review ticket; the reply waits for the reviewer' }],
  fail: [{ name: 'attested no', answer: 'no', note: 'confidence is only logged' }],
  other: [
    { name: 'always applies', answer: 'not-applicable', note: 'we do not compute confidence', outcome: 'insufficient-evidence', messageIncludes: 'always applies' },
  ],
});

it('low-confidence-outputs-go-to-review options: defaults parse, invalid values are rejected', () => {
  expect(check.options.parse({})).toEqual({ minConfidence: 0.7 });
  expect(check.options.safeParse({ minConfidence: 70 }).success).toBe(false);
});
