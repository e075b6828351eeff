import type { Run, Step, ToolStep } from '../model/index.js';

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
  /** `view`: what every analysis reads of the run, built once (run-view.ts); an analysis used on its own builds it. */
  add(run: Run, view?: RunView): void;
  finish(): Result;
}

/**
 * Whether a failed step leaves the agent stuck or tells it something (failure-kinds.ts says how
 * each is told apart).
 */
export type FailureKind = 'information' | 'blocking';

/**
 * What every analysis of one run reads, worked out once per run and handed to each of them (the
 * analysis kernel; run-view.ts builds it): the steps in run order, each tool call's identity (call
 * key), and each failed call's kind with the longest streak of blocking failures.
 */
export interface RunView {
  readonly run: Run;
  /** The steps in run order (run-order.ts): by start time when every step has one, else as recorded. */
  readonly ordered: readonly Step[];
  /** A tool call's identity (support.ts callKey): undefined when its arguments were not captured. */
  callKey(step: ToolStep): string | undefined;
  /** How a failed model or tool call failed, classified in `ordered`'s order; undefined for a step that did not fail or is not a call. */
  failureKind(step: Step): FailureKind | undefined;
  /** The longest streak of consecutive blocking failures in `ordered` (failure-kinds.ts defines a streak). */
  readonly longestBlockingStreak: number;
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
