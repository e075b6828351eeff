import type { ClaimedStatus } from '../model/index.js';
import type { Rate, RunRef } from './types.js';

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
    readonly gradedFailures: number;
    readonly unrecoveredToolFailures: number;
    /** Among runs that claimed success. */
    readonly rate: Rate;
    readonly examples: readonly RunRef[];
  };
}
