import { expect, it } from 'vitest';
import check from './step-reliability-fits-workflow-length.js';
import { testCheck } from '../test-support/check-tester.js';

testCheck(check, {
  pass: [{ name: 'attested yes', answer: 'yes', note: 'p = 0.995 over 12k steps, median task 9 steps: 0.995^9 ≈ 0.956' }],
  fail: [{ name: 'attested no', answer: 'no', note: 'p = 0.9 per step, 12-step tasks: about 28% end to end' }],
  other: [
    { name: 'always applies', answer: 'not-applicable', note: 'our tasks are short', outcome: 'insufficient-evidence', messageIncludes: 'always applies' },
  ],
});

it('step-reliability-fits-workflow-length options: defaults parse, invalid values are rejected', () => {
  expect(check.options.parse({})).toEqual({ minEndToEndSuccess: 0.9 });
  expect(check.options.safeParse({ minEndToEndSuccess: 90 }).success).toBe(false);
});
