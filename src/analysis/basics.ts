import type { Run, Step } from '../model/index.js';

/**
 * The building blocks every analysis shares (the analyzer interface, example references, rates,
 * histograms). Kept apart from types.ts, which gathers the analyses' result types, so that no
 * analysis imports a module that imports it back.
 */

/**
 * Measured analyses of trace evidence. Each is computed by a streaming analyzer that sees one
 * completed run at a time and keeps only aggregates plus a bounded list of example references, so
 * memory stays flat however large the corpus. Results carry raw figures (counts, histograms), not
 * verdicts: checks apply their own thresholds (per-check options) to them.
 */
export interface RunAnalyzer<Result> {
  /** `ordered`: the run's steps in run order (run-order.ts), when the caller has them already. */
  add(run: Run, ordered?: readonly Step[]): void;
  finish(): Result;
}

/** At most this many example references per figure: enough to follow, bounded in memory. */
export const MAX_EXAMPLES = 10;

/** A pointer to the proof: a run (and a span in it) a reader can open. */
export interface RunRef {
  readonly runId: string;
  readonly spanId?: string;
  readonly file?: string;
  readonly line?: number;
  /** Why this run is an example, in a few words ("claimed success; graded failure"). */
  readonly note?: string;
}

/** A proportion with its Wilson 95% interval; `rate` and `interval` are null when there are no trials. */
export interface Rate {
  readonly successes: number;
  readonly trials: number;
  readonly rate: number | null;
  readonly interval: readonly [number, number] | null;
}

/** count of items by an integer key (e.g. retries per failing call → number of calls). */
export type Histogram = Readonly<Record<number, number>>;
