import type { Run } from '../model/index.js';
import { isInfrastructureFailure } from './support.js';
import type { RunAnalyzer } from './basics.js';

export interface PassKAnalysis {
  readonly tasks: number;
  /** Fewest and most gradable trials of one task. */
  readonly trialsPerTask: { readonly min: number; readonly max: number } | null;
  /** pass^k for k = 1 … the smallest trial count (tau2-bench): mean over tasks of C(c,k)/C(n,k). */
  readonly passK: readonly { readonly k: number; readonly value: number }[];
  readonly excludedInfrastructure: number;
  /** Runs without a task id or without a verified outcome, which cannot count. */
  readonly excludedUngraded: number;
  /** Gradable trials over all tasks (the n's summed). */
  readonly gradedTrials: number;
}

/** A reward within this of 1 is a success: tau2-bench's `is_successful`. */
export const SUCCESS_TOLERANCE = 1e-6;

/**
 * Whether a graded run succeeded, as tau2-bench decides: a score within 1e-6 of 1 when the grader
 * gave a score, else the verified status. Undefined when the run cannot be graded: no verified
 * outcome, or a damaged run that would count as a success (a damaged run never does).
 */
export function trialSucceeded(run: Run): boolean | undefined {
  if (run.outcome.status === 'unknown') return undefined;
  const score = run.outcome.score;
  const success = score !== undefined && Number.isFinite(score) ? Math.abs(score - 1) <= SUCCESS_TOLERANCE : run.outcome.status === 'success';
  if (success && run.damaged === true) return undefined;
  return success;
}

/**
 * pass^k: the chance that k independent trials of the same task all succeed, estimated without bias
 * per task as C(c,k)/C(n,k) and averaged over tasks (tau-bench, Yao et al. 2024). Unequal trial
 * counts are handled as tau2-bench does: each task uses its own n, and k runs only up to the smallest
 * n. Runs that failed for infrastructure reasons are left out and counted, also as tau2-bench does.
 * Memory: one (n, c) pair per task.
 */
export function createPassKAnalyzer(): RunAnalyzer<PassKAnalysis> {
  const byTask = new Map<string, { trials: number; successes: number }>();
  let excludedInfrastructure = 0;
  let excludedUngraded = 0;

  return {
    add(run: Run) {
      if (isInfrastructureFailure(run)) {
        excludedInfrastructure++;
        return;
      }
      const success = trialSucceeded(run);
      if (run.taskId === undefined || success === undefined) {
        excludedUngraded++;
        return;
      }
      const task = byTask.get(run.taskId) ?? { trials: 0, successes: 0 };
      task.trials++;
      if (success) task.successes++;
      byTask.set(run.taskId, task);
    },
    finish() {
      const tasks = [...byTask.values()];
      const counts = tasks.map((t) => t.trials);
      // reduce, not Math.min(...counts): spreading a large task list would overflow the stack.
      const minTrials = counts.length > 0 ? counts.reduce((a, b) => Math.min(a, b)) : 0;
      const passK: { k: number; value: number }[] = [];
      for (let k = 1; k <= minTrials; k++) {
        const sum = tasks.reduce((total, t) => total + allKSucceed(t.trials, t.successes, k), 0);
        passK.push({ k, value: sum / tasks.length });
      }
      return {
        tasks: tasks.length,
        trialsPerTask: counts.length > 0 ? { min: minTrials, max: counts.reduce((a, b) => Math.max(a, b)) } : null,
        passK,
        excludedInfrastructure,
        excludedUngraded,
        gradedTrials: counts.reduce((a, b) => a + b, 0),
      };
    },
  };
}

/** C(c,k)/C(n,k) as the product of (c−i)/(n−i): no factorials, so no overflow for large n. */
export function allKSucceed(trials: number, successes: number, k: number): number {
  if (successes < k) return 0;
  let value = 1;
  for (let i = 0; i < k; i++) value *= (successes - i) / (trials - i);
  return value;
}
