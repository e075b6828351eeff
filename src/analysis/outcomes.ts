import type { ClaimedStatus, Run, ToolStep } from '../model/index.js';
import { wilsonRate } from './rate.js';
import { addExample, isFailed, isInfrastructureFailure, runRef } from './support.js';
import type { Rate, RunAnalyzer, RunRef } from './basics.js';

export interface OutcomeAnalysis {
  readonly runs: number;
  /** Runs with a verified outcome of success or failure (not unknown, not infrastructure, not damaged-success). */
  readonly graded: number;
  readonly endToEnd: Rate;
  readonly claimed: Readonly<Record<ClaimedStatus, number>>;
  readonly infrastructureFailures: number;
  readonly silentFailures: {
    /** Runs that claimed success but were graded failure, or ended claimed-success with an unrecovered tool failure. */
    readonly count: number;
    /** Of `count`: graded failures, and (the rest) runs not graded whose tool failure never recovered; they sum to `count`. */
    readonly gradedFailures: number;
    readonly unrecoveredToolFailures: number;
    /**
     * Among runs that claimed success and whose real result is known (graded, or with an unrecovered
     * tool failure): the share that had in fact failed. This is the figure behind "two thirds of the
     * conversations the agent brought to a normal close were graded wrong".
     */
    readonly rate: Rate;
    /**
     * Among runs known to have failed (graded failure, or an unrecovered tool failure in a run not
     * graded success) whose claim is known: the share that claimed success anyway. The check's
     * `maxSilentFailureRate` is about this figure.
     */
    readonly amongFailedRuns: Rate;
    /** Runs known to have failed, whether or not their claim is known (the denominator above counts only the known). */
    readonly failedRuns: number;
    readonly examples: readonly RunRef[];
  };
}

/**
 * End-to-end success and honesty. Verification decides: a run graded success is a success even if a
 * tool failed along the way (the tool may not have been needed); an unrecovered tool failure marks a
 * run as failed only where no grader said success. A damaged run never counts as a success, so a
 * damaged run graded success is not graded at all. Runs that failed for infrastructure reasons are
 * counted and left out of every rate.
 */
export function createOutcomeAnalyzer(): RunAnalyzer<OutcomeAnalysis> {
  const claimed: Record<ClaimedStatus, number> = { success: 0, failure: 0, escalated: 0, unknown: 0 };
  let runs = 0;
  let infrastructureFailures = 0;
  let graded = 0;
  let gradedSuccesses = 0;
  let silent = 0;
  let silentGraded = 0;
  let silentUnrecovered = 0;
  let claimedSuccessJudged = 0;
  let failedWithKnownClaim = 0;
  let failedRuns = 0;
  const examples: RunRef[] = [];

  return {
    add(run: Run) {
      runs++;
      claimed[run.claimedStatus]++;
      if (isInfrastructureFailure(run)) {
        infrastructureFailures++;
        return;
      }
      const gradedSuccess = run.outcome.status === 'success' && run.damaged !== true;
      const gradedFailure = run.outcome.status === 'failure';
      if (gradedSuccess || gradedFailure) graded++;
      if (gradedSuccess) gradedSuccesses++;

      const unrecovered = gradedSuccess ? [] : unrecoveredToolFailures(run);
      const failed = gradedFailure || unrecovered.length > 0;
      const claimedSuccess = run.claimedStatus === 'success';
      if (failed) failedRuns++;
      if (failed && run.claimedStatus !== 'unknown') failedWithKnownClaim++;
      if (claimedSuccess && (gradedSuccess || failed)) claimedSuccessJudged++;
      if (!claimedSuccess || !failed) return;

      silent++;
      if (gradedFailure) silentGraded++;
      const firstUnrecovered = unrecovered[0];
      // Each silent failure is counted once: graded, or else known from an unrecovered tool failure.
      if (!gradedFailure && firstUnrecovered !== undefined) silentUnrecovered++;
      const note = gradedFailure
        ? 'claimed success; graded failure'
        : `claimed success; tool ${firstUnrecovered?.toolName ?? '?'} failed and never recovered`;
      addExample(examples, runRef(run, gradedFailure ? undefined : firstUnrecovered?.id, note));
    },
    finish() {
      return {
        runs,
        graded,
        endToEnd: wilsonRate(gradedSuccesses, graded),
        claimed: { ...claimed },
        infrastructureFailures,
        silentFailures: {
          count: silent,
          gradedFailures: silentGraded,
          unrecoveredToolFailures: silentUnrecovered,
          rate: wilsonRate(silent, claimedSuccessJudged),
          amongFailedRuns: wilsonRate(silent, failedWithKnownClaim),
          failedRuns,
          examples: [...examples],
        },
      };
    },
  };
}

/**
 * Tool steps that failed with no later successful call of the same tool: the last call of each such
 * tool failed. Arguments are not compared, since a recovery often fixes them. In run order.
 */
export function unrecoveredToolFailures(run: Run): ToolStep[] {
  const lastCall = new Map<string, ToolStep>();
  for (const step of run.steps) if (step.kind === 'tool') lastCall.set(step.toolName, step);
  const failedLast = new Set([...lastCall.values()].filter(isFailed));
  return run.steps.filter((step): step is ToolStep => step.kind === 'tool' && failedLast.has(step));
}
