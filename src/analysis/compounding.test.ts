import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { failedTool, llmStep, makeRun, toolStep } from '../../test/support/synthetic-runs.js';
import type { Run, Step } from '../model/index.js';
import { createCompoundingAnalyzer, stepsBelowHalf } from './compounding.js';
import { wilsonRate } from './rate.js';

function analyze(runs: readonly Run[]) {
  const analyzer = createCompoundingAnalyzer();
  for (const run of runs) analyzer.add(run);
  return analyzer.finish();
}

const work = (prefix: string, ok: number, failed = 0): Step[] => [
  ...Array.from({ length: ok }, (_, i) => (i % 2 === 0 ? llmStep(`${prefix}-l${i}`) : toolStep(`${prefix}-t${i}`, 'x', { i }))),
  ...Array.from({ length: failed }, (_, i) => failedTool(`${prefix}-f${i}`, 'x', { f: i })),
];

describe('compounding', () => {
  it('projects p^n at the real step counts beside the observed success of runs of that length', () => {
    const result = analyze([
      makeRun('a', work('a', 4), { outcome: { status: 'success', source: 'g' } }),
      makeRun('b', work('b', 3, 1), { outcome: { status: 'failure', source: 'g' } }),
      makeRun('c', work('c', 6), { outcome: { status: 'success', source: 'g' } }),
      makeRun('d', work('d', 9, 1)),
    ]);
    const p = 22 / 24;
    expect(result.perStep).toEqual(wilsonRate(22, 24));
    expect(result.stepCounts).toEqual({ runs: 4, mean: 6, median: 4, p90: 10, max: 10 });
    expect(result.observed).toEqual(wilsonRate(2, 3));
    expect(result.projectedAtMedian).toBeCloseTo(p ** 4, 12);
    expect(result.curve).toEqual([
      { steps: 4, projected: p ** 4, observed: wilsonRate(1, 2) },
      { steps: 6, projected: p ** 6, observed: wilsonRate(1, 1) },
      { steps: 10, projected: p ** 10, observed: null },
    ]);
    expect(result.stepsBelowHalf).toBe(8);
  });

  it('leaves infrastructure failures out and never counts a damaged run as a success', () => {
    const result = analyze([
      makeRun('infra', work('i', 0, 5), { infrastructureError: 'down' }),
      makeRun('damaged', work('d', 2), { damaged: true, outcome: { status: 'success', source: 'g' } }),
    ]);
    expect(result.perStep).toEqual(wilsonRate(2, 2));
    expect(result.observed.trials).toBe(0);
    expect(result.stepCounts?.runs).toBe(1);
  });

  it('has nothing to project without steps', () => {
    const result = analyze([]);
    expect(result).toMatchObject({ stepCounts: null, projectedAtMedian: null, curve: [], stepsBelowHalf: null });
  });
});

describe('stepsBelowHalf', () => {
  it('is the first n with p^n < 0.5', () => {
    expect(stepsBelowHalf(0.85)).toBe(5);
    expect(stepsBelowHalf(0.5)).toBe(2);
    expect(stepsBelowHalf(0.4)).toBe(1);
    expect(stepsBelowHalf(1)).toBeNull();
    expect(stepsBelowHalf(Math.SQRT1_2)).toBe(3);
  });

  it('agrees with counting up, for any p', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.5, max: 0.9999, noNaN: true }), (p) => {
        const n = stepsBelowHalf(p);
        return n !== null && p ** n < 0.5 && p ** (n - 1) >= 0.5;
      }),
    );
  });
});
