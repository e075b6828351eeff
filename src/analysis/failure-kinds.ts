import type { Step, ToolStep } from '../model/index.js';
import type { FailureKind } from './basics.js';
import { callKey, isFailed, textOf } from './support.js';

/**
 * Whether a failed step leaves the agent stuck or tells it something.
 *
 * - **information**: a tool that ran and answered. A shell command that exited non-zero (grep with no
 *   match, a failing test while iterating), or a tool that returned its own refusal ("gift card
 *   balance is not enough"): the trace records the answer the agent got (an exit code or a result),
 *   and the answer says nothing about the tool being unable to work. A coding agent lives on such
 *   answers; they are exploration, not a cascade.
 * - **blocking**: the step did not produce an answer the agent can act on: a failed model call; a
 *   tool that timed out, was unavailable, unreachable, rate-limited, refused permission, was killed,
 *   or answered garbage; a failed call whose answer the trace does not record (nothing shows the
 *   agent got one); and the same call failing again with the same answer since the last successful
 *   tool call: nothing changed in between, so the repeat teaches nothing.
 *
 * Both directions are stated from what the trace records, so a reader can check each one.
 */
export type { FailureKind } from './basics.js';

/**
 * Words that say a tool could not do its work, in an error's type, its message or the first line of
 * a result: time-outs, unavailable or unreachable services, transport errors, rate limits, refused
 * credentials, killed processes, garbled output. A business refusal ("not enough seats", "order not
 * found") has none of them.
 */
const CANNOT_WORK =
  /time[ds]?[\s_-]?out|unavailable|unreachable|connect|network|transport|refused|econn|socket|rate[\s_-]?limit|throttl|quota|too many requests|permission denied|forbidden|unauthori[sz]ed|access denied|not authori[sz]ed|internal server error|bad gateway|service down|backend is down|is down\b|malformed|truncat|killed|crash|\b(?:429|50[0-4])\b/i;

/** Exit codes that mean the process did not finish on its own: 124 (timeout(1)) and death by a signal (128 + n). */
function killedExitCode(message: string | undefined): boolean {
  const code = /exited with code (\d+)/.exec(message ?? '')?.[1];
  return code !== undefined && (Number(code) === 124 || Number(code) > 128);
}

/** The first line of a result's text, where a tool's own error message usually is. */
function firstLine(text: string): string {
  const end = text.indexOf('\n');
  return (end === -1 ? text : text.slice(0, end)).slice(0, 300);
}


/**
 * Classifies the failed steps of one run, in order. Create one per run; call `kind` for every work
 * step (model and tool calls) in run order, successful ones too: a successful tool call clears the
 * memory of failed calls, since the world may have changed.
 */
export function createFailureClassifier(keyOf: (step: ToolStep) => string | undefined = callKey): { kind(step: Step): FailureKind | undefined } {
  // Identity and answer of each call that failed since the last successful tool call.
  const failedSinceSuccess = new Set<string>();
  return {
    kind(step) {
      if (!isFailed(step)) {
        if (step.kind === 'tool') failedSinceSuccess.clear();
        return undefined;
      }
      if (step.kind !== 'tool') return 'blocking';
      const answer = textOf(step.result);
      const error = step.error;
      const key = keyOf(step);
      const identity = key === undefined ? undefined : `${key}\u0000${answer ?? ''}`;
      const repeat = identity !== undefined && failedSinceSuccess.has(identity);
      if (identity !== undefined) failedSinceSuccess.add(identity);
      if (repeat) return 'blocking';
      // An exit code is the command's own answer, even with no output (grep without a match prints nothing).
      if (error?.type === 'exit-code') return killedExitCode(error.message) ? 'blocking' : 'information';
      if (answer === undefined || answer.trim() === '') return 'blocking';
      const said = `${error?.type ?? ''}\n${error?.message ?? ''}\n${firstLine(answer)}`;
      return CANNOT_WORK.test(said) ? 'blocking' : 'information';
    },
  };
}

/**
 * Streaks of consecutive blocking failures, the one definition the cascade and oversight analyses
 * share: a blocking failure extends the streak; a tool call that answered (successfully, or with
 * information) ends it; a successful model call neither ends nor extends it, because in the usual
 * loop (model, tool, model, tool …) the model reads each error between the failing calls, and that
 * is not recovery. Create one per run and feed it every step in run order.
 */
export function createStreakCounter(): { step(step: Step): { readonly kind: FailureKind | undefined; readonly streak: number } } {
  const classifier = createFailureClassifier();
  let streak = 0;
  return {
    step(step) {
      if (step.kind !== 'tool' && step.kind !== 'llm') return { kind: undefined, streak };
      const kind = classifier.kind(step);
      if (kind === 'blocking') streak++;
      else if (step.kind === 'tool') streak = 0;
      return { kind, streak };
    },
  };
}

/** The longest streak of consecutive blocking failures in a run's steps. */
export function longestBlockingStreak(steps: readonly Step[]): number {
  const counter = createStreakCounter();
  let longest = 0;
  for (const step of steps) longest = Math.max(longest, counter.step(step).streak);
  return longest;
}
