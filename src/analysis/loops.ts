import type { Run, ToolStep } from '../model/index.js';
import { addTopExample, increment, isFailed, runRef, textOf, toHistogram } from './support.js';
import { viewRun, type RunView } from './run-view.js';
import type { Histogram, RunAnalyzer, RunRef } from './basics.js';

/** An example run with its most repeated call (examples are the runs that repeated one call most). */
export interface LoopExample extends RunRef {
  readonly calls: number;
  readonly tool: string;
}

export interface LoopAnalysis {
  /**
   * Per run, the longest streak of one call (same tool, same canonical arguments) repeated with
   * nothing new in between, retries of a failed call not counted → number of runs. Repeats need not
   * be back to back, so a ping-pong (`get_order`, `get_customer`, `get_order`, …) counts once its
   * calls stop being new. Key 0: runs with no tool call whose arguments were captured.
   */
  readonly maxIdenticalCallsPerRun: Histogram;
  readonly examples: readonly LoopExample[];
}

/**
 * Loops: the same call made again and again in one run while nothing changes. A repeat after
 * progress starts a new streak: progress is a call the run had not made before (an edit between
 * two runs of the same test, a lookup of something new), or the repeated call answering differently
 * than last time (the world changed). A call that directly follows a failed attempt of the same call
 * is a retry, judged by the retry analysis, and is not counted here. Calls whose arguments were not
 * captured cannot be compared and are skipped.
 */
export function createLoopAnalyzer(): RunAnalyzer<LoopAnalysis> {
  const histogram = new Map<number, number>();
  const examples: LoopExample[] = [];

  return {
    add(run: Run, view: RunView = viewRun(run)) {
      const streaks = new Map<string, Streak>();
      // How many new calls (keys not seen before in this run) have been made so far.
      let newCalls = 0;
      let most: Streak | undefined;
      let previous: { key: string | undefined; failed: boolean } | undefined;
      for (const step of run.steps) {
        if (step.kind !== 'tool') continue;
        const key = view.callKey(step);
        const isRetry = previous !== undefined && previous.failed && key !== undefined && previous.key === key;
        previous = { key, failed: isFailed(step) };
        if (key === undefined || isRetry) continue;
        const result = textOf(step.result);
        let streak = streaks.get(key);
        if (streak === undefined) {
          newCalls++;
          streak = { calls: 1, longest: 1, first: step, newCallsBefore: newCalls, result };
          streaks.set(key, streak);
        } else {
          const progressed = newCalls > streak.newCallsBefore || result !== streak.result;
          streak.calls = progressed ? 1 : streak.calls + 1;
          if (streak.calls > streak.longest) streak.longest = streak.calls;
          streak.newCallsBefore = newCalls;
          streak.result = result;
        }
        if (most === undefined || streak.longest > most.longest) most = streak;
      }
      increment(histogram, most?.longest ?? 0);
      if (most !== undefined && most.longest >= 2) {
        const note = `${most.first.toolName} called ${most.longest} times with the same arguments and nothing new in between`;
        addTopExample(examples, { ...runRef(run, most.first.id, note), calls: most.longest, tool: most.first.toolName }, (e) => e.calls);
      }
    },
    finish() {
      return { maxIdenticalCallsPerRun: toHistogram(histogram), examples: [...examples] };
    },
  };
}

interface Streak {
  /** Identical calls since the last progress. */
  calls: number;
  longest: number;
  readonly first: ToolStep;
  /** The run's count of new calls when this call was last made. */
  newCallsBefore: number;
  /** What it answered last time, to tell a changed world from an unchanged one. */
  result: string | undefined;
}

