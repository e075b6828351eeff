import type { Run } from '../model/index.js';
import { addExample, addTopExample, durationSeconds, increment, isFailed, isWorkStep, nearestRank, runRef, timeMs, wouldKeepTop } from './support.js';
import type { RunAnalyzer, RunRef } from './basics.js';

/** An example with the figure it is an example of (steps, tokens or seconds). */
export interface SizedExample extends RunRef {
  readonly value: number;
}

export interface Extent {
  readonly max: number;
  readonly p95: number;
}

export interface BudgetAnalysis {
  readonly runs: number;
  /** llm and tool steps per run: exact. */
  readonly steps: Extent | null;
  /** Input plus output tokens per run, over runs with at least one recorded token count. max exact; p95 see `QUANTILE_PRECISION`. */
  readonly tokens: Extent | null;
  /** Run start to end, over runs with both times. max exact; p95 see `QUANTILE_PRECISION`. */
  readonly durationSeconds: Extent | null;
  /** The runs with the most steps, most first. */
  readonly largestRuns: readonly SizedExample[];
  /** The runs that used the most tokens, most first. */
  readonly largestRunsByTokens: readonly SizedExample[];
  /** The longest runs, longest first. */
  readonly longestRuns: readonly SizedExample[];
  readonly toolCalls: ToolCallTimes;
  /** Runs whose timestamps were made up or interpolated (see `detectRecording`): no duration of theirs is measured. */
  readonly runsWithSyntheticTiming: number;
}

export interface ToolCallTimes {
  /** Tool steps with a start and an end time. */
  readonly timed: number;
  /** Duration of one tool call, over the timed ones. max exact; p95 see `QUANTILE_PRECISION`. */
  readonly seconds: Extent | null;
  /** Tool steps that failed with a timeout (error type or message says timeout, timed out or deadline). */
  readonly timeouts: number;
  /** The longest a timed-out call ran before its timeout ended it: about the longest timeout that fires. */
  readonly longestTimeoutSeconds: number | null;
  /** Tool steps with a start and no end. */
  readonly unended: number;
  /** Unended tool steps in runs that never ended either: the run was still waiting on the call. */
  readonly hung: number;
  /** The slowest calls, slowest first. */
  readonly slowest: readonly SizedExample[];
  readonly hungExamples: readonly RunRef[];
}

/**
 * A reported p95 of tokens or seconds is at least the true nearest-rank p95 and at most this factor
 * above it: those figures are kept in log-spaced buckets (64 per doubling) so memory stays bounded.
 */
export const QUANTILE_PRECISION = 1 + 1 / 64;

const TIMEOUT = /time[ds]?[\s_-]?out|deadline/i;

/**
 * What runs consume: steps, tokens, wall-clock time, and how long single tool calls take. Budgets are
 * set per run, so the figures are per run; checks compare the exact maxima with their limits.
 */
export function createBudgetAnalyzer(): RunAnalyzer<BudgetAnalysis> {
  let runs = 0;
  const stepCounts = new Map<number, number>();
  const tokens = new QuantileSketch();
  const durations = new QuantileSketch();
  const toolSeconds = new QuantileSketch();
  const largestRuns: SizedExample[] = [];
  const largestRunsByTokens: SizedExample[] = [];
  const longestRuns: SizedExample[] = [];
  const slowest: SizedExample[] = [];
  const hungExamples: RunRef[] = [];
  let timeouts = 0;
  let unended = 0;
  let hung = 0;
  let runsWithSyntheticTiming = 0;
  let longestTimeout: number | undefined;
  const bySize = (e: SizedExample): number => e.value;

  return {
    add(run: Run) {
      runs++;
      // Made-up timestamps measure nothing: such a run's durations are left out, and counted.
      const timed = run.recording?.timing === undefined || run.recording.timing === 'recorded';
      if (!timed) runsWithSyntheticTiming++;
      let steps = 0;
      let runTokens: number | undefined;
      const runEnded = timeMs(run.endedAt) !== undefined;
      for (const step of run.steps) {
        if (!isWorkStep(step)) continue;
        steps++;
        if (step.kind === 'llm') {
          if (step.inputTokens !== undefined || step.outputTokens !== undefined) {
            runTokens = (runTokens ?? 0) + (step.inputTokens ?? 0) + (step.outputTokens ?? 0);
          }
          continue;
        }
        const timedOut = isFailed(step) && step.error !== undefined && (TIMEOUT.test(step.error.type) || TIMEOUT.test(step.error.message ?? ''));
        if (timedOut) timeouts++;
        const seconds = timed ? durationSeconds(step.startedAt, step.endedAt) : undefined;
        if (timedOut && seconds !== undefined) longestTimeout = Math.max(longestTimeout ?? 0, seconds);
        if (seconds !== undefined) {
          toolSeconds.add(seconds);
          // Checked first so the note is only formatted for a call that makes the list.
          if (wouldKeepTop(slowest, seconds, bySize)) addTopExample(slowest, { ...runRef(run, step.id, `${step.toolName} took ${round(seconds)} s`), value: seconds }, bySize);
        } else if (timeMs(step.startedAt) !== undefined && timeMs(step.endedAt) === undefined) {
          unended++;
          if (!runEnded) {
            hung++;
            addExample(hungExamples, runRef(run, step.id, `${step.toolName} never ended, nor did the run`));
          }
        }
      }
      increment(stepCounts, steps);
      addTopExample(largestRuns, { ...runRef(run, undefined, `${steps} model and tool calls`), value: steps }, bySize);
      if (runTokens !== undefined) {
        tokens.add(runTokens);
        addTopExample(largestRunsByTokens, { ...runRef(run, undefined, `${runTokens} tokens`), value: runTokens }, bySize);
      }
      const seconds = timed ? durationSeconds(run.startedAt, run.endedAt) : undefined;
      if (seconds !== undefined) {
        durations.add(seconds);
        addTopExample(longestRuns, { ...runRef(run, undefined, `ran ${round(seconds)} s`), value: seconds }, bySize);
      }
    },
    finish() {
      const stepsMax = nearestRank(stepCounts, 1);
      const stepsP95 = nearestRank(stepCounts, 0.95);
      return {
        runs,
        steps: stepsMax !== undefined && stepsP95 !== undefined ? { max: stepsMax, p95: stepsP95 } : null,
        tokens: tokens.extent(),
        durationSeconds: durations.extent(),
        largestRuns: [...largestRuns],
        largestRunsByTokens: [...largestRunsByTokens],
        longestRuns: [...longestRuns],
        runsWithSyntheticTiming,
        toolCalls: { timed: toolSeconds.count, seconds: toolSeconds.extent(), timeouts, longestTimeoutSeconds: longestTimeout ?? null, unended, hung, slowest: [...slowest], hungExamples: [...hungExamples] },
      };
    },
  };
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

/**
 * Non-negative values in log-linear buckets (64 per power of two, as HDR histograms do): the count per
 * bucket, the exact maximum, and nearest-rank quantiles reported as the bucket's upper edge (capped
 * at the maximum), so a quantile is never understated and at most 1/64 above the truth. Memory is a
 * few thousand counters at most, whatever the number of values.
 */
export class QuantileSketch {
  static readonly SUB_BUCKETS = 64;
  private readonly buckets = new Map<number, number>();
  private zeros = 0;
  count = 0;
  max = -Infinity;

  add(value: number): void {
    if (!Number.isFinite(value) || value < 0) return;
    this.count++;
    this.max = Math.max(this.max, value);
    if (value === 0) this.zeros++;
    else increment(this.buckets, QuantileSketch.bucketOf(value));
  }

  /** Nearest-rank quantile: the upper edge of the bucket holding the ⌈q·N⌉-th smallest value, capped at the maximum. */
  quantile(q: number): number | undefined {
    if (this.count === 0) return undefined;
    const rank = Math.max(1, Math.ceil(q * this.count));
    if (rank <= this.zeros) return 0;
    let seen = this.zeros;
    for (const bucket of [...this.buckets.keys()].sort((a, b) => a - b)) {
      seen += this.buckets.get(bucket) ?? 0;
      if (seen >= rank) return Math.min(QuantileSketch.upperEdge(bucket), this.max);
    }
    return this.max;
  }

  extent(): Extent | null {
    const p95 = this.quantile(0.95);
    return p95 === undefined ? null : { max: this.max, p95 };
  }

  static bucketOf(value: number): number {
    let exponent = Math.floor(Math.log2(value));
    // log2 can round across a power of two; settle the exponent so the mantissa is in [1, 2).
    if (value < 2 ** exponent) exponent--;
    if (value >= 2 ** (exponent + 1)) exponent++;
    const sub = Math.min(QuantileSketch.SUB_BUCKETS - 1, Math.floor((value / 2 ** exponent - 1) * QuantileSketch.SUB_BUCKETS));
    return exponent * QuantileSketch.SUB_BUCKETS + sub;
  }

  static upperEdge(bucket: number): number {
    const exponent = Math.floor(bucket / QuantileSketch.SUB_BUCKETS);
    const sub = bucket - exponent * QuantileSketch.SUB_BUCKETS;
    return 2 ** exponent * (1 + (sub + 1) / QuantileSketch.SUB_BUCKETS);
  }
}
