import type { Run, ToolStep } from '../model/index.js';
import { addTopExample, callKey, increment, isFailed, runRef, toHistogram } from './support.js';
import type { Histogram, RunAnalyzer, RunRef } from './types.js';

/** An example run with its most repeated call (examples are the runs that repeated one call most). */
export interface LoopExample extends RunRef {
  readonly calls: number;
  readonly tool: string;
}

export interface LoopAnalysis {
  /**
   * Per run, the most times one call (same tool, same canonical arguments) was made, retries of a
   * failed call not counted → number of runs. Repeats need not be back to back, so a ping-pong
   * (`get_order`, `get_customer`, `get_order`, …) counts. Key 0: runs with no tool call whose
   * arguments were captured.
   */
  readonly maxIdenticalCallsPerRun: Histogram;
  readonly examples: readonly LoopExample[];
}

/**
 * Loops: the same call made again and again in one run. A call that directly follows a failed
 * attempt of the same call is a retry, judged by the retry analysis, and is not counted here; every
 * other identical call is. Calls whose arguments were not captured cannot be compared and are skipped.
 */
export function createLoopAnalyzer(): RunAnalyzer<LoopAnalysis> {
  const histogram = new Map<number, number>();
  const examples: LoopExample[] = [];

  return {
    add(run: Run) {
      const counts = new Map<string, { calls: number; first: ToolStep }>();
      let previous: { key: string | undefined; failed: boolean } | undefined;
      for (const step of run.steps) {
        if (step.kind !== 'tool') continue;
        const key = callKey(step);
        const isRetry = previous !== undefined && previous.failed && key !== undefined && previous.key === key;
        previous = { key, failed: isFailed(step) };
        if (key === undefined || isRetry) continue;
        const entry = counts.get(key);
        if (entry) entry.calls++;
        else counts.set(key, { calls: 1, first: step });
      }
      let most: { calls: number; first: ToolStep } | undefined;
      for (const entry of counts.values()) if (most === undefined || entry.calls > most.calls) most = entry;
      increment(histogram, most?.calls ?? 0);
      if (most !== undefined && most.calls >= 2) {
        const note = `${most.first.toolName} called ${most.calls} times with the same arguments`;
        addTopExample(examples, { ...runRef(run, most.first.id, note), calls: most.calls, tool: most.first.toolName }, (e) => e.calls);
      }
    },
    finish() {
      return { maxIdenticalCallsPerRun: toHistogram(histogram), examples: [...examples] };
    },
  };
}
