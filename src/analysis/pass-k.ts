
export interface PassKAnalysis {
  readonly tasks: number;
  /** Fewest and most gradable trials of one task. */
  readonly trialsPerTask: { readonly min: number; readonly max: number } | null;
  /** pass^k for k = 1 … the smallest trial count (tau2-bench): mean over tasks of C(c,k)/C(n,k). */
  readonly passK: readonly { readonly k: number; readonly value: number }[];
  readonly excludedInfrastructure: number;
  /** Runs without a task id or without a verified outcome, which cannot count. */
  readonly excludedUngraded: number;
}
