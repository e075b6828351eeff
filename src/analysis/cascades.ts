import type { Run } from '../model/index.js';
import { addTopExample, isFailed, runRef } from './support.js';
import type { RunAnalyzer, RunRef } from './types.js';

/** What a run did once a streak of failures had happened. */
export type CascadeEnding = 'halted' | 'escalated' | 'continued';

export interface CascadeTally {
  readonly runs: number;
  readonly halted: number;
  readonly escalated: number;
  readonly continued: number;
}

/** An example run with its longest streak and what followed it (examples are the runs with the longest streaks). */
export interface CascadeExample extends RunRef {
  readonly streak: number;
  readonly after: CascadeEnding;
}

export interface CascadeAnalysis {
  /** By a run's longest streak of consecutive failing steps: what the run did after it. */
  readonly byLongestStreak: Readonly<Record<number, CascadeTally>>;
  /**
   * For each k: the runs that ever had k consecutive failing steps, by what they did after the k-th
   * failure of the first streak that reached k. A check with a threshold of k reads entry k: a run
   * that carried on after its first cascade is not excused by halting after a later one.
   */
  readonly reachingStreak: Readonly<Record<number, CascadeTally>>;
  readonly examples: readonly CascadeExample[];
}

/**
 * Cascades: consecutive failing steps. A streak counts failed model and tool calls; a successful
 * tool call ends it; a successful model call neither ends nor extends it, because in the usual loop
 * (model, tool, model, tool …) the model reads each error between the failing calls, and that is not
 * recovery. After a streak (or after its k-th failure) the run halted if it made at most one more
 * tool call, escalated if not but it ended with claimed status `escalated`, and otherwise continued.
 */
export function createCascadeAnalyzer(): RunAnalyzer<CascadeAnalysis> {
  const byLongest = new Map<number, Tally>();
  const reaching = new Map<number, Tally>();
  const examples: CascadeExample[] = [];

  return {
    add(run: Run) {
      // Tool calls after each step index, so "what followed" is one lookup.
      const toolCallsAfter = new Array<number>(run.steps.length).fill(0);
      for (let i = run.steps.length - 2, after = 0; i >= 0; i--) {
        if (run.steps[i + 1]?.kind === 'tool') after++;
        toolCallsAfter[i] = after;
      }
      const ending = (index: number): CascadeEnding =>
        (toolCallsAfter[index] ?? 0) <= 1 ? 'halted' : run.claimedStatus === 'escalated' ? 'escalated' : 'continued';

      let streak = 0;
      let streakStartId: string | undefined;
      let reached = 0;
      let longest: { length: number; endIndex: number; startId: string | undefined } | undefined;
      const endStreak = (endIndex: number): void => {
        if (streak > 0 && (longest === undefined || streak > longest.length)) longest = { length: streak, endIndex, startId: streakStartId };
        streak = 0;
      };
      let lastFailedIndex = -1;
      run.steps.forEach((step, index) => {
        if (step.kind !== 'tool' && step.kind !== 'llm') return;
        if (isFailed(step)) {
          if (streak === 0) streakStartId = step.id;
          streak++;
          lastFailedIndex = index;
          if (streak > reached) {
            reached = streak;
            tally(reaching, streak, ending(index));
          }
        } else if (step.kind === 'tool') {
          endStreak(lastFailedIndex);
        }
      });
      endStreak(lastFailedIndex);
      if (longest === undefined) return;
      const after = ending(longest.endIndex);
      tally(byLongest, longest.length, after);
      const note = `${longest.length} consecutive failing step${longest.length === 1 ? '' : 's'}, then ${after}`;
      addTopExample(examples, { ...runRef(run, longest.startId, note), streak: longest.length, after }, (e) => e.streak);
    },
    finish() {
      return { byLongestStreak: toRecord(byLongest), reachingStreak: toRecord(reaching), examples: [...examples] };
    },
  };
}

interface Tally {
  runs: number;
  halted: number;
  escalated: number;
  continued: number;
}

function tally(tallies: Map<number, Tally>, key: number, ending: CascadeEnding): void {
  const entry = tallies.get(key) ?? { runs: 0, halted: 0, escalated: 0, continued: 0 };
  entry.runs++;
  entry[ending]++;
  tallies.set(key, entry);
}

function toRecord(tallies: ReadonlyMap<number, Tally>): Readonly<Record<number, CascadeTally>> {
  return Object.fromEntries([...tallies.entries()].sort(([a], [b]) => a - b).map(([key, t]) => [key, { ...t }]));
}
