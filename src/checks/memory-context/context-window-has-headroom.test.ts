import { describe, expect, it } from 'vitest';
import type { LlmStep, Run } from '../../model/index.js';
import check from './context-window-has-headroom.js';
import { runCase, testCheck } from '../test-support/check-tester.js';
import { traceEvidence } from '../test-support/traces.js';

const WINDOW = 128_000;
const call = (id: string, inputTokens: number | undefined, extra: Partial<LlmStep> = {}): LlmStep => ({
  id,
  kind: 'llm',
  name: 'chat',
  status: 'ok',
  ...(inputTokens !== undefined && { inputTokens }),
  contextWindow: WINDOW,
  ...extra,
});
const run = (id: string, ...steps: LlmStep[]): Run => ({ id, steps, claimedStatus: 'success', outcome: { status: 'unknown', source: 'test' } });
/** Peaks at half the window. */
const roomy = (id: string): Run => run(id, call(`${id}-1`, 20_000), call(`${id}-2`, 64_000));
/** Peaks at 95% of the window. */
const crowded = (id: string): Run => run(id, call(`${id}-1`, 40_000), call(`${id}-2`, 121_600));

testCheck(check, {
  pass: [
    { name: 'attested yes', answer: 'yes', note: 'context budget 96k on a 128k model; p95 input 41k tokens, max 88k' },
    { name: 'traces: inputs peak at half the window', traces: traceEvidence([roomy('r1'), roomy('r2')]) },
    { name: 'traces: a looser bound admits 95%', traces: traceEvidence([crowded('r1')]), options: { maxUtilization: 0.96 } },
  ],
  fail: [
    { name: 'attested no', answer: 'no', note: 'long runs hit context_length_exceeded a few times a week' },
    { name: 'traces: every run comes within 5% of the window', traces: traceEvidence([crowded('r1'), crowded('r2')]) },
    {
      name: 'traces: a call failed on the context length',
      traces: traceEvidence([run('r1', call('r1-1', 90_000), call('r1-2', undefined, { status: 'error', error: { type: 'context_length_exceeded', message: 'maximum context length is 128000 tokens' } }))]),
    },
  ],
  other: [
    { name: 'always applies', answer: 'not-applicable', note: 'the window is large', outcome: 'insufficient-evidence', messageIncludes: 'always applies' },
    { name: 'traces: one of two runs is crowded', traces: traceEvidence([roomy('r1'), crowded('r2')]), outcome: 'partial', credit: 0.5, messageIncludes: '1 of 2 runs' },
    {
      name: 'traces: the window is unknown',
      traces: traceEvidence([run('r1', { id: 'x', kind: 'llm', name: 'chat', status: 'ok', inputTokens: 5000 })]),
      outcome: 'insufficient-evidence',
      messageIncludes: 'traces.contextWindows',
    },
  ],
});

describe('context-window-has-headroom from traces', () => {
  it('reports the largest and 95th-percentile utilization and points at the crowded call', () => {
    const finding = runCase(check, { name: 'measured', traces: traceEvidence([roomy('r1'), crowded('r2')]) });
    expect(finding.measured).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'largest utilization of the context window', value: 95, unit: '%' }),
        expect.objectContaining({ name: '95th percentile utilization of model calls', value: 95, sampleSize: 4 }),
      ]),
    );
    expect(finding.references.map((r) => r.id)).toEqual(['r2-2']);
  });
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
