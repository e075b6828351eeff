import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { failedTool, llmStep, makeRun, toolStep } from '../../test/support/synthetic-runs.js';
import type { Run } from '../model/index.js';
import { createBudgetAnalyzer, QUANTILE_PRECISION, QuantileSketch } from './budgets.js';

function analyze(runs: readonly Run[]) {
  const analyzer = createBudgetAnalyzer();
  for (const run of runs) analyzer.add(run);
  return analyzer.finish();
}

const at = (seconds: number): string => new Date(Date.UTC(2026, 0, 1) + seconds * 1000).toISOString();

describe('budgets', () => {
  it('measures steps, tokens and duration per run', () => {
    const result = analyze([
      makeRun('small', [llmStep('l', { inputTokens: 100, outputTokens: 20 }), toolStep('t', 'x', {})], { startedAt: at(0), endedAt: at(30) }),
      makeRun('big', [llmStep('l1', { inputTokens: 5000, outputTokens: 500 }), llmStep('l2', { inputTokens: 7000 }), toolStep('t', 'x', {}), { kind: 'checkpoint', id: 'c', name: 'c', status: 'ok' }], {
        startedAt: at(0),
        endedAt: at(600),
      }),
      makeRun('untimed', [llmStep('l')]),
    ]);
    expect(result.runs).toBe(3);
    expect(result.steps).toEqual({ max: 3, p95: 3 });
    expect(result.tokens).toEqual({ max: 12_500, p95: 12_500 });
    expect(result.durationSeconds).toEqual({ max: 600, p95: 600 });
    expect(result.largestRuns.map((e) => [e.runId, e.value])).toEqual([
      ['big', 3],
      ['small', 2],
      ['untimed', 1],
    ]);
    expect(result.largestRunsByTokens.map((e) => e.runId)).toEqual(['big', 'small']);
    expect(result.longestRuns[0]).toMatchObject({ runId: 'big', value: 600, note: 'ran 600 s' });
  });

  it('has no token or time figures when none were recorded', () => {
    const result = analyze([makeRun('r', [llmStep('l'), toolStep('t', 'x', {})])]);
    expect(result.tokens).toBeNull();
    expect(result.durationSeconds).toBeNull();
    expect(result.toolCalls.seconds).toBeNull();
    expect(result.toolCalls.timed).toBe(0);
  });

  it('times tool calls, and counts timeouts, unended calls and calls a run was still waiting on', () => {
    const result = analyze([
      makeRun(
        'r1',
        [
          toolStep('fast', 'x', {}, { startedAt: at(0), endedAt: at(2) }),
          toolStep('slow', 'y', {}, { startedAt: at(10), endedAt: at(130) }),
          failedTool('to', 'z', {}, 'TimeoutError', { startedAt: at(200), endedAt: at(230) }),
          failedTool('dl', 'z', {}, 'grpc', { startedAt: at(300), endedAt: at(301), error: { type: 'grpc', message: 'DEADLINE_EXCEEDED' } }),
          toolStep('lost', 'x', {}, { startedAt: at(400) }),
        ],
        { startedAt: at(0), endedAt: at(500) },
      ),
      makeRun('stuck', [toolStep('hang', 'x', {}, { startedAt: at(0) })], { startedAt: at(0) }),
    ]);
    expect(result.toolCalls.timed).toBe(4);
    expect(result.toolCalls.seconds?.max).toBe(120);
    expect(result.toolCalls.timeouts).toBe(2);
    expect(result.toolCalls.unended).toBe(2);
    expect(result.toolCalls.hung).toBe(1);
    expect(result.toolCalls.hungExamples).toEqual([{ runId: 'stuck', spanId: 'hang', note: 'x never ended, nor did the run' }]);
    expect(result.toolCalls.slowest[0]).toMatchObject({ spanId: 'slow', value: 120, note: 'y took 120 s' });
  });
});

describe('QuantileSketch', () => {
  it('reports nearest-rank quantiles never below the truth and at most 1/64 above it, with the exact maximum', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 300 }), fc.double({ min: 0.01, max: 1, noNaN: true }), (values, q) => {
        const sketch = new QuantileSketch();
        for (const value of values) sketch.add(value);
        const sorted = [...values].sort((a, b) => a - b);
        const truth = sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1] ?? 0;
        const reported = sketch.quantile(q) ?? Number.NaN;
        return sketch.max === sorted[sorted.length - 1] && reported >= truth && reported <= truth * QUANTILE_PRECISION && reported <= sketch.max;
      }),
    );
  });

  it('puts a value in the bucket whose edges hold it, across powers of two', () => {
    for (const value of [1, 2, 3, 7.999999999999999, 8, 0.001, 1e9, 2 ** 40 - 1]) {
      const bucket = QuantileSketch.bucketOf(value);
      expect(QuantileSketch.upperEdge(bucket)).toBeGreaterThan(value);
      expect(QuantileSketch.upperEdge(bucket - 1)).toBeLessThanOrEqual(value);
    }
  });

  it('ignores negative and non-finite values, and reports zeros as zero', () => {
    const sketch = new QuantileSketch();
    for (const value of [-1, Number.NaN, Infinity, 0, 0, 5]) sketch.add(value);
    expect(sketch.count).toBe(3);
    expect(sketch.quantile(0.5)).toBe(0);
    expect(sketch.quantile(1)).toBe(5);
    expect(new QuantileSketch().extent()).toBeNull();
  });
});
