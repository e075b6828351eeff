import { describe, expect, it } from 'vitest';
import check from './context-window-has-headroom.js';
import { testCheck } from '../test-support/check-tester.js';

testCheck(check, {
  pass: [{ name: 'attested yes', answer: 'yes', note: 'context budget 96k on a 128k model; p95 input 41k tokens, max 88k' }],
  fail: [{ name: 'attested no', answer: 'no', note: 'long runs hit context_length_exceeded a few times a week' }],
  other: [{ name: 'always applies', answer: 'not-applicable', note: 'the window is large', outcome: 'insufficient-evidence', messageIncludes: 'always applies' }],
});

describe('context-window-has-headroom options', () => {
  it('defaults maxUtilization to 0.8', () => {
    expect(check.options.parse({})).toEqual({ maxUtilization: 0.8 });
  });
  it('rejects a utilization of zero, above 1, or not a number', () => {
    expect(check.options.safeParse({ maxUtilization: 0 }).success).toBe(false);
    expect(check.options.safeParse({ maxUtilization: 1.2 }).success).toBe(false);
    expect(check.options.safeParse({ maxUtilization: 'high' }).success).toBe(false);
  });
});
