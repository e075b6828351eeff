import { describe, expect, it } from 'vitest';
import check from './run-budgets-are-enforced.js';
import { testCheck } from '../test-support/check-tester.js';

testCheck(check, {
  pass: [{ name: 'attested yes', answer: 'yes', note: 'loop guard: 40 steps, 150k tokens, 10 min, $2; breach ends the run as escalated' }],
  fail: [{ name: 'attested no', answer: 'no', note: 'only a max-iterations hint in the system prompt' }],
  other: [{ name: 'always applies', answer: 'not-applicable', note: 'runs are short', outcome: 'insufficient-evidence', messageIncludes: 'always applies' }],
});

describe('run-budgets-are-enforced options', () => {
  it('defaults to 50 steps, 200000 tokens and 900 seconds', () => {
    expect(check.options.parse({})).toEqual({ maxSteps: 50, maxTokens: 200_000, maxDurationSeconds: 900 });
  });
  it('rejects non-positive, fractional, non-numeric and unknown values', () => {
    expect(check.options.safeParse({ maxSteps: 0 }).success).toBe(false);
    expect(check.options.safeParse({ maxTokens: -1 }).success).toBe(false);
    expect(check.options.safeParse({ maxDurationSeconds: 1.5 }).success).toBe(false);
    expect(check.options.safeParse({ maxSteps: '50' }).success).toBe(false);
    expect(check.options.safeParse({ maxCost: 2 }).success).toBe(false);
  });
});
