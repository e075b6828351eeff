import type { Run } from '../model/index.js';
import { viewRun, type RunView } from './run-view.js';
import { addTopExample, failureReason, increment, runRef, toHistogram } from './support.js';
import type { Histogram, RunAnalyzer, RunRef } from './basics.js';

/** What a run did once it had k consecutive blocking failures. */
export type CascadeEnding = 'halted' | 'escalated' | 'continued';

export interface CascadeTally {
  readonly runs: number;
  readonly halted: number;
  readonly escalated: number;
  readonly continued: number;
}

/** An example run with its longest streak (examples are the runs with the longest streaks). */
export interface CascadeExample extends RunRef {
  readonly streak: number;
  /** Entry k − 1: what the run did after the k-th failure of the first streak that reached k. */
  readonly after: readonly CascadeEnding[];
}

export interface CascadeAnalysis {
  /** Runs by their longest streak of consecutive blocking failures; runs without one are not counted. */
  readonly byLongestStreak: Histogram;
  /**
   * For each k: the runs that ever had k consecutive blocking failures, by what they did after the
   * k-th failure of the first streak that reached k. The one definition the check (at its threshold)
   * and the report (every k) both read: a run that carried on after its first cascade is not
   * excused by halting after a later one.
   */
  readonly reachingStreak: Readonly<Record<number, CascadeTally>>;
  /**
   * Failed tool calls that were information, not blockage (see failure-kinds.ts): a command that ran
   * and exited non-zero, a tool's own refusal. They are left out of streaks; counted so a reader
   * sees how many failures were set aside and why.
   */
  readonly informativeFailures: { readonly steps: number; readonly runs: number };
  /** Failed model and tool calls that blocked: the ones streaks are made of. */
  readonly blockingFailures: number;
  readonly examples: readonly CascadeExample[];
}

/**
 * Cascades: consecutive blocking failures. A failing step either blocks (no answer the agent can act
 * on: a failed model call, a time-out, an unavailable tool, the same call failing the same way again)
 * or is information (a tool that ran and answered, such as a command's non-zero exit): only blocking
 * ones make a streak (failure-kinds.ts states both, and how a streak runs). After the k-th failure of
 * a streak the run halted if it made at most one more tool call, escalated if not but it ended with
 * claimed status `escalated`, and otherwise continued.
 */
export function createCascadeAnalyzer(): RunAnalyzer<CascadeAnalysis> {
  const byLongest = new Map<number, number>();
  const reaching = new Map<number, Tally>();
  const examples: CascadeExample[] = [];
  let informativeSteps = 0;
  let informativeRuns = 0;
  let blocking = 0;

  return {
    add(run: Run, given?: RunView) {
      // In run order, as every other analysis and the view's own longest streak read it: a streak is
      // consecutive in time, and "what followed" is what came later, whatever order the file listed.
      const view = given ?? viewRun(run);
      const steps = view.ordered;
      // Tool calls after each step index, so "what followed" is one lookup.
      const toolCallsAfter = new Array<number>(steps.length).fill(0);
      for (let i = steps.length - 2, after = 0; i >= 0; i--) {
        if (steps[i + 1]?.kind === 'tool') after++;
        toolCallsAfter[i] = after;
      }
      const ending = (index: number): CascadeEnding =>
        (toolCallsAfter[index] ?? 0) <= 1 ? 'halted' : run.claimedStatus === 'escalated' ? 'escalated' : 'continued';

      let streak = 0;
      let streakStart: { id: string; reason: string } | undefined;
      const endings: CascadeEnding[] = [];
      let longest: { length: number; start: { id: string; reason: string } | undefined } | undefined;
      let informative = 0;
      steps.forEach((step, index) => {
        if (step.kind !== 'tool' && step.kind !== 'llm') return;
        // As failure-kinds.ts counts a streak: a blocking failure extends it, a tool call that answered ends it.
        const kind = view.failureKind(step);
        if (kind === 'blocking') streak++;
        else if (step.kind === 'tool') streak = 0;
        if (kind === 'information') informative++;
        if (kind !== 'blocking') return;
        blocking++;
        if (streak === 1) streakStart = { id: step.id, reason: failureReason(step.error) };
        if (longest === undefined || streak > longest.length) longest = { length: streak, start: streakStart };
        if (streak > endings.length) {
          const after = ending(index);
          endings.push(after);
          tally(reaching, streak, after);
        }
      });
      if (informative > 0) {
        informativeSteps += informative;
        informativeRuns++;
      }
      if (longest === undefined) return;
      increment(byLongest, longest.length);
      const note = `${longest.length} consecutive blocking failure${longest.length === 1 ? '' : 's'}, the first: ${longest.start?.reason ?? 'no reason recorded'}`;
      addTopExample(examples, { ...runRef(run, longest.start?.id, note), streak: longest.length, after: [...endings] }, (e) => e.streak);
    },
    finish() {
      return {
        byLongestStreak: toHistogram(byLongest),
        reachingStreak: toRecord(reaching),
        informativeFailures: { steps: informativeSteps, runs: informativeRuns },
        blockingFailures: blocking,
        examples: [...examples],
      };
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
