import { describe, expect, it } from 'vitest';
import type { LlmStep, Message, Run } from '../../model/index.js';
import check from './tool-results-are-condensed.js';
import { testCheck } from '../test-support/check-tester.js';
import { traceEvidence } from '../test-support/traces.js';

/** About 5,000 tokens: a whole API response pasted in. */
const BULKY = ' order'.repeat(5000);
const SMALL = '{"order": 4411, "status": "delivered", "total": 89.9}';
const llm = (id: string, inputMessages: readonly Message[]): LlmStep => ({ id, kind: 'llm', name: 'chat', status: 'ok', inputMessages });
const run = (id: string, ...results: string[]): Run => ({
  id,
  steps: [llm(`${id}-1`, [{ role: 'user', content: 'Refund order 4411.' }, ...results.map((content): Message => ({ role: 'tool', content }))])],
  claimedStatus: 'success',
  outcome: { status: 'unknown', source: 'test' },
});

testCheck(check, {
  pass: [
    { name: 'attested yes', answer: 'yes', note: 'tool results capped at 4k tokens; search returns top 5 snippets; order API reduced to 9 fields' },
    { name: 'traces: tool results are small', traces: traceEvidence([run('r1', SMALL), run('r2', SMALL, 'refunded 89.90')]) },
    { name: 'traces: a higher cap admits the bulky result', traces: traceEvidence([run('r1', BULKY)]), options: { maxToolResultTokens: 6000 } },
  ],
  fail: [
    { name: 'attested no', answer: 'no', note: 'tool responses go into the prompt as returned' },
    { name: 'traces: the tool result is pasted in whole', traces: traceEvidence([run('r1', BULKY)]) },
  ],
  other: [
    { name: 'always applies', answer: 'not-applicable', note: 'our tools return small results', outcome: 'insufficient-evidence', messageIncludes: 'always applies' },
    { name: 'traces: one of two results is bulky', traces: traceEvidence([run('r1', SMALL, BULKY)]), outcome: 'partial', credit: 0.5, messageIncludes: '1 of 2 tool results' },
    { name: 'traces: no tool result in any input', traces: traceEvidence([run('r1')]), outcome: 'insufficient-evidence', messageIncludes: 'no tool result appears' },
    {
      name: 'traces without message content',
      traces: traceEvidence([{ ...run('r1'), steps: [{ id: 'x', kind: 'llm', name: 'chat', status: 'ok' }] }]),
      outcome: 'insufficient-evidence',
      messageIncludes: 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT',
    },
  ],
});

describe('tool-results-are-condensed options', () => {
  it('defaults maxToolResultTokens to 4000', () => {
    expect(check.options.parse({})).toEqual({ maxToolResultTokens: 4000 });
  });
  it('rejects a cap that is not a positive whole number', () => {
    expect(check.options.safeParse({ maxToolResultTokens: 0 }).success).toBe(false);
    expect(check.options.safeParse({ maxToolResultTokens: 99.5 }).success).toBe(false);
    expect(check.options.safeParse({ maxToolResultTokens: '4k' }).success).toBe(false);
  });
});
