import { expect, it } from 'vitest';
import check from './cascades-halt.js';
import { testCheck } from '../test-support/check-tester.js';

testCheck(check, {
  pass: [{ name: 'attested yes', answer: 'yes', note: 'runtime halts after 3 failed steps in a row and escalates to the on-call queue' }],
  fail: [{ name: 'attested no', answer: 'no', note: 'runs continue until the step cap of 50' }],
  other: [
    { name: 'always applies', answer: 'not-applicable', note: 'failures are rare', outcome: 'insufficient-evidence', messageIncludes: 'always applies' },
  ],
});

it('cascades-halt options: defaults parse, invalid values are rejected', () => {
  expect(check.options.parse({})).toEqual({ maxConsecutiveFailures: 3 });
  expect(check.options.safeParse({ maxConsecutiveFailures: 0 }).success).toBe(false);
  expect(check.options.safeParse({ maxConsecutiveFailures: 2.5 }).success).toBe(false);
});
