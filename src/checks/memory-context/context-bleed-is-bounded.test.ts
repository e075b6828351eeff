import { describe, expect, it } from 'vitest';
import check from './context-bleed-is-bounded.js';
import { testCheck } from '../test-support/check-tester.js';

testCheck(check, {
  pass: [{ name: 'attested yes', answer: 'yes', note: 'tool results summarised after use; self share peaks at 0.45 on 20-step runs in our dashboards' }],
  fail: [{ name: 'attested no', answer: 'no', note: 'full transcript kept; late steps are over 80% own output' }],
  other: [{ name: 'always applies', answer: 'not-applicable', note: 'our runs are short', outcome: 'insufficient-evidence', messageIncludes: 'always applies' }],
});

describe('context-bleed-is-bounded options', () => {
  it('defaults maxSelfShare to 0.6', () => {
    expect(check.options.parse({})).toEqual({ maxSelfShare: 0.6 });
  });
  it('rejects a share outside 0..1 or not a number', () => {
    expect(check.options.safeParse({ maxSelfShare: -0.1 }).success).toBe(false);
    expect(check.options.safeParse({ maxSelfShare: 1.5 }).success).toBe(false);
    expect(check.options.safeParse({ maxSelfShare: '0.6' }).success).toBe(false);
  });
});
