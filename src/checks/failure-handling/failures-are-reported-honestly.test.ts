import { expect, it } from 'vitest';
import check from './failures-are-reported-honestly.js';
import { testCheck } from '../test-support/check-tester.js';

testCheck(check, {
  pass: [{ name: 'attested yes', answer: 'yes', note: 'final status set by postcondition checks; weekly graded sample shows no silent failures' }],
  fail: [{ name: 'attested no', answer: 'no', note: 'status is whatever the model says last' }],
  other: [
    { name: 'always applies', answer: 'not-applicable', note: 'we trust the model', outcome: 'insufficient-evidence', messageIncludes: 'always applies' },
  ],
});

it('failures-are-reported-honestly options: defaults parse, invalid values are rejected', () => {
  expect(check.options.parse({})).toEqual({ maxSilentFailureRate: 0 });
  expect(check.options.safeParse({ maxSilentFailureRate: 1.5 }).success).toBe(false);
  expect(check.options.safeParse({ maxSilentFailureRate: -0.1 }).success).toBe(false);
});
