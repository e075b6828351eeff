import type { Run, ToolStep } from '../model/index.js';
import { addTopExample, increment, isFailed, runRef, timeMs, toHistogram } from './support.js';
import { viewRun, type RunView } from './run-view.js';
import type { Histogram, RunAnalyzer, RunRef } from './basics.js';

/** An example failing call, with how many retries followed it (examples are the calls retried most). */
export interface RetryExample extends RunRef {
  readonly retries: number;
  readonly tool: string;
  readonly recovered: boolean;
  /** Whether the waits between attempts grew; null with fewer than two retries or without times. */
  readonly backoff: boolean | null;
}

export interface RetryAnalysis {
  /** Distinct failing calls (a tool call that failed, with the retries of the same tool and arguments after it). */
  readonly failingCalls: number;
  /**
   * Retries per failing call → how many failing calls. Only calls whose arguments were captured:
   * a retry is recognised by its arguments, so the others are counted apart.
   */
  readonly retriesPerFailingCall: Histogram;
  /** Failing calls whose arguments were not captured: whether they were retried cannot be told. */
  readonly failingCallsWithoutArguments: number;
  /** Failing calls whose last attempt succeeded. */
  readonly recovered: number;
  /** Sequences with at least two retries, and among them those whose gaps grew (backoff). */
  readonly retrySequences: number;
  readonly sequencesWithBackoff: number;
  /** Sequences with at least two retries whose every attempt has start and end times (backoff can only be judged on these). */
  readonly timedRetrySequences: number;
  /** By retries per call (2 and up): timed sequences, and those with backoff, so a check can judge backoff within its own cap. */
  readonly backoffByRetries: Readonly<Record<number, { readonly timed: number; readonly withBackoff: number }>>;
  readonly examples: readonly RetryExample[];
}

/**
 * Retries: after a tool call fails, the later calls of the same tool with the same (canonical JSON)
 * arguments, each following a failed attempt, with nothing but other kinds of step (the model
 * reading the error, say) in between. A different tool call, or a success, ends the sequence; an
 * identical call after a success is a repeat, judged by the loop analysis. Backoff: the gaps between
 * attempts (end of one to start of the next) never shrink and the last is longer than the first.
 */
export function createRetryAnalyzer(): RunAnalyzer<RetryAnalysis> {
  let failingCalls = 0;
  let failingCallsWithoutArguments = 0;
  let recovered = 0;
  let retrySequences = 0;
  let timedRetrySequences = 0;
  let sequencesWithBackoff = 0;
  const histogram = new Map<number, number>();
  const backoffByRetries = new Map<number, { timed: number; withBackoff: number }>();
  const examples: RetryExample[] = [];

  function record(run: Run, attempts: readonly ToolStep[], key: string | undefined): void {
    const first = attempts[0];
    const last = attempts[attempts.length - 1];
    if (first === undefined || last === undefined) return;
    failingCalls++;
    const didRecover = !isFailed(last);
    if (didRecover) recovered++;
    if (key === undefined) {
      failingCallsWithoutArguments++;
      return;
    }
    const retries = attempts.length - 1;
    increment(histogram, retries);
    const backoff = retries >= 2 ? hasBackoff(attempts) : undefined;
    if (retries >= 2) {
      retrySequences++;
      if (backoff !== undefined) {
        timedRetrySequences++;
        if (backoff) sequencesWithBackoff++;
        const entry = backoffByRetries.get(retries) ?? { timed: 0, withBackoff: 0 };
        entry.timed++;
        if (backoff) entry.withBackoff++;
        backoffByRetries.set(retries, entry);
      }
    }
    if (retries > 0) {
      const note = `${first.toolName} failed and was retried ${retries} time${retries === 1 ? '' : 's'}${didRecover ? ', then succeeded' : ', never succeeding'}`;
      addTopExample(examples, { ...runRef(run, first.id, note), retries, tool: first.toolName, recovered: didRecover, backoff: backoff ?? null }, (e) => e.retries);
    }
  }

  return {
    add(run: Run, view: RunView = viewRun(run)) {
      let attempts: ToolStep[] = [];
      let key: string | undefined;
      for (const step of run.steps) {
        if (step.kind !== 'tool') continue;
        const stepKey = view.callKey(step);
        const previous = attempts[attempts.length - 1];
        if (previous !== undefined && key !== undefined && stepKey === key && isFailed(previous)) {
          attempts.push(step);
          continue;
        }
        record(run, attempts, key);
        attempts = isFailed(step) ? [step] : [];
        key = stepKey;
      }
      record(run, attempts, key);
    },
    finish() {
      return {
        failingCalls,
        retriesPerFailingCall: toHistogram(histogram),
        failingCallsWithoutArguments,
        recovered,
        retrySequences,
        sequencesWithBackoff,
        timedRetrySequences,
        backoffByRetries: Object.fromEntries([...backoffByRetries.entries()].sort(([a], [b]) => a - b).map(([r, e]) => [r, { ...e }])),
        examples: [...examples],
      };
    },
  };
}

/**
 * Whether the waits between attempts grew: undefined when any attempt lacks a start or end time,
 * or there are fewer than two gaps to compare.
 */
export function hasBackoff(attempts: readonly ToolStep[]): boolean | undefined {
  const gaps: number[] = [];
  for (let i = 1; i < attempts.length; i++) {
    const end = timeMs(attempts[i - 1]?.endedAt);
    const start = timeMs(attempts[i]?.startedAt);
    if (end === undefined || start === undefined) return undefined;
    gaps.push(start - end);
  }
  if (gaps.length < 2 || attempts.some((a) => timeMs(a.startedAt) === undefined || timeMs(a.endedAt) === undefined)) return undefined;
  const first = gaps[0] ?? 0;
  const last = gaps[gaps.length - 1] ?? 0;
  return gaps.every((gap, i) => i === 0 || gap >= (gaps[i - 1] ?? Infinity)) && last > first;
}
