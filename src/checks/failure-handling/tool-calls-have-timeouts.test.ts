import { expect, it } from 'vitest';
import check from './tool-calls-have-timeouts.js';
import { testCheck } from '../test-support/check-tester.js';

testCheck(check, {
  pass: [{ name: 'attested yes', answer: 'yes', note: 'MCP client timeout 30 s per call, 10 min deadline per run' }],
  fail: [{ name: 'attested no', answer: 'no', note: 'default fetch with no AbortSignal' }],
  other: [
    { name: 'always applies', answer: 'not-applicable', note: 'tools are all local', outcome: 'insufficient-evidence', messageIncludes: 'always applies' },
  ],
});

it('tool-calls-have-timeouts options: defaults parse, invalid values are rejected', () => {
  expect(check.options.parse({})).toEqual({ maxToolCallSeconds: 60 });
  expect(check.options.parse({ maxToolCallSeconds: 2.5 })).toEqual({ maxToolCallSeconds: 2.5 });
  expect(check.options.safeParse({ maxToolCallSeconds: 0 }).success).toBe(false);
});
