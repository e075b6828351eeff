import { describe, expect, it } from 'vitest';
import { approvalStep, checkpointStep, failedTool, llmStep, makeRun, toolStep } from '../../test/support/synthetic-runs.js';
import { wilsonRate } from './rate.js';
import { createReliabilityAnalyzer } from './reliability.js';
import type { Run } from '../model/index.js';
import { MAX_EXAMPLES } from './types.js';

function analyze(runs: readonly Run[]) {
  const analyzer = createReliabilityAnalyzer();
  for (const run of runs) analyzer.add(run);
  return analyzer.finish();
}

describe('reliability', () => {
  it('counts model and tool calls, by kind and by tool, and leaves bookkeeping steps out', () => {
    const result = analyze([
      makeRun('r1', [
        llmStep('l1'),
        toolStep('t1', 'search', { q: 1 }),
        approvalStep('a1', 'c1', { status: 'error' }),
        checkpointStep('cp'),
        llmStep('l2', { status: 'error', error: { type: 'rate_limit' } }),
        failedTool('t2', 'refund', { id: 1 }),
      ]),
      makeRun('r2', [toolStep('t1', 'search', { q: 2 }), failedTool('t2', 'search', { q: 3 }), llmStep('l1')]),
    ]);
    expect(result.steps).toEqual(wilsonRate(4, 7));
    expect(result.toolSteps).toEqual(wilsonRate(2, 4));
    expect(result.llmSteps).toEqual(wilsonRate(2, 3));
    expect(result.byTool).toEqual({ refund: wilsonRate(0, 1), search: wilsonRate(2, 3) });
    expect(Object.keys(result.byTool)).toEqual(['refund', 'search']);
    expect(result.failedStepExamples.map((e) => [e.runId, e.spanId])).toEqual([
      ['r1', 'l2'],
      ['r1', 't2'],
      ['r2', 't2'],
    ]);
    expect(result.failedStepExamples[1]?.note).toBe('tool refund failed: tool_error');
  });

  it('leaves runs that failed for infrastructure reasons out, and counts them', () => {
    const result = analyze([makeRun('r1', [failedTool('t', 'x', {})], { infrastructureError: 'harness down' }), makeRun('r2', [toolStep('t', 'x', {})])]);
    expect(result.steps).toEqual(wilsonRate(1, 1));
    expect(result.excludedInfrastructureRuns).toBe(1);
  });

  it('has no rate without steps, and keeps at most MAX_EXAMPLES examples', () => {
    expect(analyze([]).steps.rate).toBeNull();
    const many = analyze([makeRun('r', Array.from({ length: 25 }, (_, i) => failedTool(`t${i}`, 'x', { i })))]);
    expect(many.failedStepExamples).toHaveLength(MAX_EXAMPLES);
    expect(many.toolSteps).toEqual(wilsonRate(0, 25));
  });

  it('returns results that later runs do not change', () => {
    const analyzer = createReliabilityAnalyzer();
    analyzer.add(makeRun('r1', [failedTool('t', 'x', {})]));
    const first = analyzer.finish();
    analyzer.add(makeRun('r2', [failedTool('t', 'x', {})]));
    expect(first.failedStepExamples).toHaveLength(1);
  });
});
