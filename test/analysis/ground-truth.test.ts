import { describe, expect, it } from 'vitest';
import { analyzeRuns } from '../../src/analysis/index.js';
import { QUANTILE_PRECISION } from '../../src/analysis/budgets.js';
import { wilsonRate } from '../../src/analysis/rate.js';
import { MAX_EXAMPLES, type Rate } from '../../src/analysis/types.js';
import { DEFAULT_SYNTHETIC_SPEC, generateSyntheticRuns, type SyntheticSpec } from '../support/synthetic-runs.js';

/**
 * Every figure the analyses measure, against the truth the synthetic corpus was built with. The
 * corpus is seeded, so the test is deterministic; counts must match exactly, fractions to rounding,
 * quantiles kept in buckets within their stated precision, and the per-step reliability's Wilson
 * interval must hold the planted success rate.
 */

/** A larger corpus for the interval: about 200 tasks, mostly noise steps. */
const LARGE_SPEC: SyntheticSpec = {
  ...DEFAULT_SYNTHETIC_SPEC,
  seed: 7,
  trialsPerTask: Array.from({ length: 200 }, (_, i) => 3 + (i % 4)),
  successesPerTask: Array.from({ length: 200 }, (_, i) => i % (4 + (i % 4))),
  stepErrorRate: 0.12,
  blocksPerRun: [2, 8],
};

function expectRate(measured: Rate, successes: number, trials: number): void {
  expect(measured).toEqual(wilsonRate(successes, trials));
  expect(measured.successes).toBe(successes);
  expect(measured.trials).toBe(trials);
}

/** Nearest rank over a plain list: an implementation independent of the analyses' histograms. */
function nearestRank(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1] ?? Number.NaN;
}

/** Many failures, runs with no work blocks, short cascades escalating, no noise-free slack. */
const HARSH_SPEC: SyntheticSpec = {
  ...DEFAULT_SYNTHETIC_SPEC,
  seed: 99,
  stepErrorRate: 0.3,
  blocksPerRun: [0, 3],
  cascades: { length: 2, halted: 4, escalated: 6, continued: 1 },
  loops: [{ calls: 9, count: 1 }],
  retrySequences: [{ retries: 2, backoff: false, recovered: false, count: 5 }],
  infrastructureFailures: 0,
  damagedSuccesses: 0,
};

describe.each([
  ['the default corpus', DEFAULT_SYNTHETIC_SPEC],
  ['a large corpus', LARGE_SPEC],
  ['a harsh corpus', HARSH_SPEC],
] as const)('ground truth: %s', (_name, spec) => {
  const { runs, truth } = generateSyntheticRuns(spec);
  const a = analyzeRuns(runs);

  it('is deterministic for a seed', () => {
    expect(generateSyntheticRuns(spec).runs).toEqual(runs);
    expect(a.runs).toBe(truth.runs);
  });

  it('per-step reliability: exact counts, and a Wilson interval that holds the planted rate', () => {
    const r = a.reliability;
    expectRate(r.steps, truth.reliability.steps.ok, truth.reliability.steps.total);
    expectRate(r.toolSteps, truth.reliability.toolSteps.ok, truth.reliability.toolSteps.total);
    expectRate(r.llmSteps, truth.reliability.llmSteps.ok, truth.reliability.llmSteps.total);
    expect(Object.keys(r.byTool).sort()).toEqual(Object.keys(truth.reliability.byTool).sort());
    for (const [tool, t] of Object.entries(truth.reliability.byTool)) expectRate(r.byTool[tool]!, t.ok, t.total);
    expect(r.excludedInfrastructureRuns).toBe(truth.reliability.excludedInfrastructureRuns);
    expect(r.failedStepExamples).toHaveLength(Math.min(MAX_EXAMPLES, truth.reliability.steps.total - truth.reliability.steps.ok));

    const [low, high] = r.steps.interval!;
    expect(low).toBeLessThanOrEqual(truth.reliability.expectedStepSuccessRate);
    expect(high).toBeGreaterThanOrEqual(truth.reliability.expectedStepSuccessRate);
  });

  it('outcomes and silent failures', () => {
    const o = a.outcomes;
    const t = truth.outcomes;
    expect(o.runs).toBe(t.runs);
    expect(o.graded).toBe(t.graded);
    expectRate(o.endToEnd, t.gradedSuccesses, t.graded);
    expect(o.claimed).toEqual(t.claimed);
    expect(o.infrastructureFailures).toBe(t.infrastructureFailures);
    expect(o.silentFailures.count).toBe(spec.silentFailures.gradedFailure + spec.silentFailures.unrecoveredToolFailure + spec.silentFailures.both);
    expect(o.silentFailures.count).toBe(t.silent.count);
    expect(o.silentFailures.gradedFailures).toBe(spec.silentFailures.gradedFailure + spec.silentFailures.both);
    // Each silent failure once: a run that is both is counted as graded, so the parts add up.
    expect(o.silentFailures.unrecoveredToolFailures).toBe(spec.silentFailures.unrecoveredToolFailure);
    expect(o.silentFailures.gradedFailures + o.silentFailures.unrecoveredToolFailures).toBe(o.silentFailures.count);
    expectRate(o.silentFailures.rate, t.silent.count, t.claimedSuccessJudged);
    expectRate(o.silentFailures.amongFailedRuns, t.silent.count, t.failedWithKnownClaim);
    expect(o.silentFailures.examples).toHaveLength(Math.min(MAX_EXAMPLES, t.silent.count));
  });

  it('pass^k over unequal trial counts, infrastructure failures left out', () => {
    const p = a.passK;
    expect(p.tasks).toBe(truth.passK.tasks);
    expect(p.trialsPerTask).toEqual(truth.passK.trialsPerTask);
    expect(p.passK.map((entry) => entry.k)).toEqual(truth.passK.values.map((_, i) => i + 1));
    for (const [i, entry] of p.passK.entries()) expect(entry.value).toBeCloseTo(truth.passK.values[i]!, 12);
    expect(p.excludedInfrastructure).toBe(spec.infrastructureFailures);
    expect(p.excludedInfrastructure).toBe(truth.passK.excludedInfrastructure);
    expect(p.excludedUngraded).toBe(truth.passK.excludedUngraded);
    expect(p.gradedTrials).toBe(truth.passK.gradedTrials);
  });

  it('compounding: projection from p and the real step counts beside the observed success', () => {
    const c = a.compounding;
    const steps = truth.compounding.stepCounts;
    const p = truth.reliability.steps.ok / truth.reliability.steps.total;
    expectRate(c.perStep, truth.reliability.steps.ok, truth.reliability.steps.total);
    expect(c.stepCounts).toEqual({
      runs: steps.length,
      mean: steps.reduce((x, y) => x + y, 0) / steps.length,
      median: nearestRank(steps, 0.5),
      p90: nearestRank(steps, 0.9),
      max: Math.max(...steps),
    });
    expectRate(c.observed, truth.outcomes.gradedSuccesses, truth.outcomes.graded);
    expect(c.projectedAtMedian).toBeCloseTo(p ** nearestRank(steps, 0.5), 12);
    expect(c.curve.map((point) => point.steps)).toEqual([...new Set(steps)].sort((x, y) => x - y));
    for (const point of c.curve) {
      expect(point.projected).toBeCloseTo(p ** point.steps, 12);
      const graded = truth.compounding.gradedByStepCount[point.steps];
      if (graded === undefined) expect(point.observed).toBeNull();
      else expectRate(point.observed!, graded.successes, graded.trials);
    }
    let n = 1;
    while (p ** n >= 0.5) n++;
    expect(c.stepsBelowHalf).toBe(n);
  });

  it('retries: per failing call, capped or not, with and without backoff', () => {
    const r = a.retries;
    const t = truth.retries;
    expect(r.failingCalls).toBe(t.failingCalls);
    expect(r.retriesPerFailingCall).toEqual(t.histogram);
    expect(r.failingCallsWithoutArguments).toBe(0);
    expect(r.recovered).toBe(t.recovered);
    expect(r.retrySequences).toBe(t.retrySequences);
    expect(r.timedRetrySequences).toBe(t.timedRetrySequences);
    expect(r.sequencesWithBackoff).toBe(t.sequencesWithBackoff);
    expect(r.backoffByRetries).toEqual(t.backoffByRetries);
    // The planted sequences, by retries, are all there.
    for (const planted of spec.retrySequences) expect(r.retriesPerFailingCall[planted.retries]).toBeGreaterThanOrEqual(planted.count);
  });

  it('loops', () => {
    expect(a.loops.maxIdenticalCallsPerRun).toEqual(truth.loops.histogram);
    for (const loop of spec.loops) expect(a.loops.maxIdenticalCallsPerRun[loop.calls]).toBe(loop.count);
  });

  it('cascades: longest streaks, what followed, and the halted/escalated/continued split', () => {
    expect(a.cascades.byLongestStreak).toEqual(Object.fromEntries(Object.entries(truth.cascades.byLongestStreak).map(([k, t]) => [k, t.runs])));
    expect(a.cascades.reachingStreak).toEqual(truth.cascades.reachingStreak);
    // Every planted failure blocks (no answer recorded): none is set aside as information.
    expect(a.cascades.informativeFailures).toEqual({ steps: 0, runs: 0 });
    const planted = spec.cascades;
    const atLength = a.cascades.reachingStreak[planted.length]!;
    // Retries can reach the same length; the cascades are the ones that halted or escalated, plus the continued.
    expect(atLength.halted).toBe(planted.halted);
    expect(atLength.escalated).toBe(planted.escalated);
    expect(atLength.continued).toBeGreaterThanOrEqual(planted.continued);
  });

  it('budgets: steps exact, tokens and durations within the stated precision', () => {
    const b = a.budgets;
    const t = truth.budgets;
    expect(b.runs).toBe(t.runs);
    expect(b.steps).toEqual({ max: Math.max(...t.stepsPerRun), p95: nearestRank(t.stepsPerRun, 0.95) });
    const within = (measured: { max: number; p95: number } | null, values: readonly number[]): void => {
      expect(measured).not.toBeNull();
      expect(measured!.max).toBeCloseTo(Math.max(...values), 9);
      const p95 = nearestRank(values, 0.95);
      expect(measured!.p95).toBeGreaterThanOrEqual(p95 - 1e-9);
      expect(measured!.p95).toBeLessThanOrEqual(p95 * QUANTILE_PRECISION + 1e-9);
    };
    within(b.tokens, t.tokensPerRun);
    within(b.durationSeconds, t.secondsPerRun);
    expect(b.toolCalls.timed).toBe(t.toolCalls.timed);
    expect(b.toolCalls.seconds!.max).toBe(t.toolCalls.maxSeconds);
    expect(b.toolCalls.seconds!.max).toBe(spec.toolTiming.slowSeconds);
    expect(b.toolCalls.timeouts).toBe(spec.toolTiming.timeouts);
    expect(b.toolCalls.unended).toBe(t.toolCalls.unended);
    expect(b.toolCalls.hung).toBe(spec.toolTiming.hungRuns);
    expect(b.largestRuns[0]?.value).toBe(Math.max(...t.stepsPerRun));
  });

  it('checkpoints and resumes', () => {
    const c = a.checkpoints;
    const t = truth.checkpoints;
    expect(c.runs).toBe(t.runs);
    expect(c.runsWithCheckpoints).toBe(t.runsWithCheckpoints);
    expect(c.resumedRuns).toBe(spec.resumes.clean + spec.resumes.repeatingSideEffect + spec.resumes.startingOver);
    expect(c.matchedResumes).toBe(t.matchedResumes);
    expect(c.resumesAfterSideEffects).toBe(t.resumesAfterSideEffects);
    expect(c.repeatedSideEffects.count).toBe(t.repeatedSideEffects);
    expect(c.startedOver.count).toBe(spec.resumes.startingOver);
    expect(c.longestStretchWithoutCheckpoint).toEqual(t.longestStretch);
  });

  it('contracts: argument and result validation', () => {
    const c = a.contracts;
    const t = truth.contracts;
    expect(c.callsInRunsWithDefinitions).toBe(t.callsInRunsWithDefinitions);
    expect(c.callsWithSchema).toBe(t.callsWithSchema);
    expect(c.validatedCalls).toBe(t.validatedCalls);
    expect(c.callsWithUnusableSchema).toBe(0);
    expect(c.argumentViolations.count).toBe(spec.contracts.invalidArgumentsRan + spec.contracts.invalidArgumentsRejected);
    expect(c.argumentViolations.ran).toBe(spec.contracts.invalidArgumentsRan);
    expect(c.results).toEqual({ structured: t.structuredResults, freeText: t.freeTextResults });
    expect(c.resultsWithSchema).toBe(t.resultsWithSchema);
    expect(c.malformedResults.count).toBe(spec.contracts.malformedActedOn + spec.contracts.malformedRejected);
    expect(c.malformedResults.actedOn).toBe(spec.contracts.malformedActedOn);
  });

  it('oversight: unapproved high-risk calls', () => {
    expect(a.oversight.unapproved.count).toBe(spec.highRiskCalls.unapproved);
    expect(a.oversight.highRiskCalls).toBe(truth.oversight.highRiskCalls);
    expect(a.oversight.approvedBefore).toBe(truth.oversight.approvedBefore);
  });
});
