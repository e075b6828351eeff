import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeRun } from '../../test/support/synthetic-runs.js';
import type { Run } from '../model/index.js';
import { allKSucceed, createPassKAnalyzer, trialSucceeded } from './pass-k.js';

function analyze(runs: readonly Run[]) {
  const analyzer = createPassKAnalyzer();
  for (const run of runs) analyzer.add(run);
  return analyzer.finish();
}

function trials(taskId: string, outcomes: readonly boolean[]): Run[] {
  return outcomes.map((success, trial) => makeRun(`${taskId}-${trial}`, [], { taskId, trial, outcome: { status: success ? 'success' : 'failure', source: 'grader' } }));
}

describe('pass^k', () => {
  it('is the mean over tasks of C(c,k)/C(n,k), for k up to the smallest trial count', () => {
    // Task a: 3 of 4; task b: 1 of 3. k ≤ 3.
    const result = analyze([...trials('a', [true, true, false, true]), ...trials('b', [false, true, false])]);
    expect(result.tasks).toBe(2);
    expect(result.trialsPerTask).toEqual({ min: 3, max: 4 });
    expect(result.gradedTrials).toBe(7);
    expect(result.passK.map((p) => p.k)).toEqual([1, 2, 3]);
    expect(result.passK[0]?.value).toBeCloseTo((3 / 4 + 1 / 3) / 2, 12);
    expect(result.passK[1]?.value).toBeCloseTo((3 / 6 + 0) / 2, 12);
    expect(result.passK[2]?.value).toBeCloseTo((1 / 4 + 0) / 2, 12);
  });

  it('takes a score within 1e-6 of 1 as success, whatever the status says, as tau2-bench does', () => {
    const scored = (score: number, status: 'success' | 'failure'): Run => makeRun('r', [], { taskId: 't', outcome: { status, score, source: 'grader' } });
    expect(trialSucceeded(scored(1 - 1e-7, 'failure'))).toBe(true);
    expect(trialSucceeded(scored(0.99, 'success'))).toBe(false);
    expect(trialSucceeded(makeRun('r', [], { outcome: { status: 'success', source: 'labels' } }))).toBe(true);
    expect(trialSucceeded(makeRun('r', []))).toBeUndefined();
    expect(trialSucceeded(makeRun('r', [], { damaged: true, outcome: { status: 'success', source: 'labels' } }))).toBeUndefined();
    expect(trialSucceeded(makeRun('r', [], { damaged: true, outcome: { status: 'failure', source: 'labels' } }))).toBe(false);
  });

  it('leaves out and counts infrastructure failures, runs without a task and runs without a grade', () => {
    const result = analyze([
      ...trials('a', [true, true]),
      makeRun('infra', [], { taskId: 'a', infrastructureError: 'env reset failed', outcome: { status: 'failure', source: 'grader' } }),
      makeRun('no-task', [], { outcome: { status: 'success', source: 'grader' } }),
      makeRun('no-grade', [], { taskId: 'a' }),
      makeRun('damaged', [], { taskId: 'a', damaged: true, outcome: { status: 'success', source: 'grader' } }),
    ]);
    expect(result.excludedInfrastructure).toBe(1);
    expect(result.excludedUngraded).toBe(3);
    expect(result.trialsPerTask).toEqual({ min: 2, max: 2 });
    expect(result.passK).toEqual([
      { k: 1, value: 1 },
      { k: 2, value: 1 },
    ]);
  });

  it('has nothing to report without graded trials', () => {
    expect(analyze([])).toEqual({ tasks: 0, trialsPerTask: null, passK: [], excludedInfrastructure: 0, excludedUngraded: 0, gradedTrials: 0 });
  });

  it('agrees with the binomial ratio, and falls as k grows', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }).chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n }), fc.integer({ min: 1, max: n }))),
        ([n, c, k]) => {
          const binomial = (a: number, b: number): number => {
            let r = 1;
            for (let i = 0; i < b; i++) r = (r * (a - i)) / (i + 1);
            return b > a ? 0 : r;
          };
          const expected = binomial(c, k) / binomial(n, k);
          const value = allKSucceed(n, c, k);
          return Math.abs(value - expected) < 1e-9 && value >= 0 && value <= 1 && (k === n || allKSucceed(n, c, k + 1) <= value + 1e-15);
        },
      ),
    );
  });
});
