import type { Run } from '../model/index.js';
import { wilsonRate } from './rate.js';
import { increment, isFailed, isInfrastructureFailure, isWorkStep, nearestRank } from './support.js';
import type { Rate, RunAnalyzer } from './basics.js';

export interface CompoundingAnalysis {
  readonly perStep: Rate;
  /** llm and tool steps per run; median and p90 by nearest rank, so they are step counts that occurred. */
  readonly stepCounts: { readonly runs: number; readonly mean: number; readonly median: number; readonly p90: number; readonly max: number } | null;
  readonly observed: Rate;
  /** p^n at the median step count. */
  readonly projectedAtMedian: number | null;
  /** Projected p^n beside the observed success of runs with about n steps. */
  readonly curve: readonly { readonly steps: number; readonly projected: number; readonly observed: Rate | null }[];
  /** The smallest step count at which p^n falls below 50%. */
  readonly stepsBelowHalf: number | null;
}

/**
 * Errors compound: with per-step reliability p, an n-step run succeeds about p^n of the time. This
 * puts the projection for the runs' real step counts beside the observed end-to-end success of runs
 * of that length, so a reader sees whether p explains the failures. n counts model and tool calls,
 * the same steps p is measured over. Runs that failed for infrastructure reasons are left out; the
 * observed success uses graded runs only (a damaged run is never a success, so not graded success).
 * Memory: one counter per distinct step count.
 */
export function createCompoundingAnalyzer(): RunAnalyzer<CompoundingAnalysis> {
  let okSteps = 0;
  let workSteps = 0;
  let runs = 0;
  let totalSteps = 0;
  const runsBySteps = new Map<number, number>();
  const gradedBySteps = new Map<number, { successes: number; trials: number }>();

  return {
    add(run: Run) {
      if (isInfrastructureFailure(run)) return;
      let n = 0;
      for (const step of run.steps) {
        if (!isWorkStep(step)) continue;
        n++;
        if (!isFailed(step)) okSteps++;
      }
      workSteps += n;
      runs++;
      totalSteps += n;
      increment(runsBySteps, n);
      const success = run.outcome.status === 'success' && run.damaged !== true;
      if (success || run.outcome.status === 'failure') {
        const graded = gradedBySteps.get(n) ?? { successes: 0, trials: 0 };
        graded.trials++;
        if (success) graded.successes++;
        gradedBySteps.set(n, graded);
      }
    },
    finish() {
      const perStep = wilsonRate(okSteps, workSteps);
      const p = perStep.rate;
      const median = nearestRank(runsBySteps, 0.5);
      const p90 = nearestRank(runsBySteps, 0.9);
      const max = nearestRank(runsBySteps, 1);
      const graded = [...gradedBySteps.values()];
      const stepCountList = [...runsBySteps.keys()].sort((a, b) => a - b);
      return {
        perStep,
        stepCounts:
          runs > 0 && median !== undefined && p90 !== undefined && max !== undefined ? { runs, mean: totalSteps / runs, median, p90, max } : null,
        observed: wilsonRate(
          graded.reduce((sum, g) => sum + g.successes, 0),
          graded.reduce((sum, g) => sum + g.trials, 0),
        ),
        projectedAtMedian: p !== null && median !== undefined ? p ** median : null,
        curve:
          p === null
            ? []
            : stepCountList.map((steps) => {
                const g = gradedBySteps.get(steps);
                return { steps, projected: p ** steps, observed: g ? wilsonRate(g.successes, g.trials) : null };
              }),
        stepsBelowHalf: p === null ? null : stepsBelowHalf(p),
      };
    },
  };
}

/** The smallest whole n with p^n < 0.5; null when p = 1 (never). */
export function stepsBelowHalf(p: number): number | null {
  if (p >= 1) return null;
  if (p < 0.5) return 1;
  // n > ln 0.5 / ln p; the closed form can land one off when the ratio is (nearly) whole, so settle it by the power itself.
  let n = Math.floor(Math.log(0.5) / Math.log(p)) + 1;
  while (n > 1 && p ** (n - 1) < 0.5) n--;
  while (p ** n >= 0.5) n++;
  return n;
}
