import type { Run, Step, ToolStep } from '../model/index.js';
import type { FailureKind, RunView } from './basics.js';
import { createFailureClassifier } from './failure-kinds.js';
import { inRunOrder } from './run-order.js';
import { callKey as computeCallKey } from './support.js';

/**
 * Builds the RunView (basics.ts) of a run: ordered once, every call keyed once, every failure
 * classified once. Before, each analysis ordered the run, keyed its calls and classified its
 * failures again; now the trace analyzer builds one view per run (index.ts) and hands it to all.
 */
export type { RunView } from './basics.js';

/**
 * The view of a run. `ordered` defaults to the run order; a caller that reads the run as recorded
 * (the cascade analysis) passes `run.steps`, and failure kinds then follow that order.
 */
export function viewRun(run: Run, ordered: readonly Step[] = inRunOrder(run.steps)): RunView {
  const keys = new Map<ToolStep, string | undefined>();
  const keyOf = (step: ToolStep): string | undefined => {
    if (keys.has(step)) return keys.get(step);
    const key = computeCallKey(step);
    keys.set(step, key);
    return key;
  };
  const kinds = new Map<Step, FailureKind>();
  const classifier = createFailureClassifier(keyOf);
  let streak = 0;
  let longest = 0;
  for (const step of ordered) {
    if (step.kind !== 'tool' && step.kind !== 'llm') continue;
    const kind = classifier.kind(step);
    if (kind !== undefined) kinds.set(step, kind);
    // As createStreakCounter counts: a blocking failure extends the streak, a tool call that answered ends it.
    if (kind === 'blocking') streak++;
    else if (step.kind === 'tool') streak = 0;
    longest = Math.max(longest, streak);
  }
  return {
    run,
    ordered,
    callKey: keyOf,
    failureKind: (step) => kinds.get(step),
    longestBlockingStreak: longest,
  };
}
