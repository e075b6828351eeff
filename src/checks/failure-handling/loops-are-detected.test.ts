import { expect, it } from 'vitest';
import check from './loops-are-detected.js';
import { testCheck } from '../test-support/check-tester.js';

testCheck(check, {
  pass: [{ name: 'attested yes', answer: 'yes', note: 'call fingerprints counted per run; third identical call ends the run as escalated' }],
  fail: [{ name: 'attested no', answer: 'no', note: 'only the 40-step cap stops a loop' }],
  other: [
    { name: 'always applies', answer: 'not-applicable', note: 'our agent does not loop', outcome: 'insufficient-evidence', messageIncludes: 'always applies' },
  ],
});

it('loops-are-detected options: defaults parse, invalid values are rejected', () => {
  expect(check.options.parse({})).toEqual({ maxIdenticalCalls: 3 });
  expect(check.options.safeParse({ maxIdenticalCalls: 1 }).success).toBe(false);
});
