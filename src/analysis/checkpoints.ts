import type { Run, ToolStep } from '../model/index.js';
import { addExample, addTopExample, increment, isFailed, isWorkStep, runRef, toHistogram } from './support.js';
import { viewRun, type RunView } from './run-view.js';
import type { Histogram, RunAnalyzer, RunRef } from './basics.js';

/** A run with its longest stretch of work without a checkpoint (examples are the longest stretches). */
export interface StretchExample extends RunRef {
  readonly steps: number;
}

export interface CheckpointAnalysis {
  readonly runs: number;
  readonly runsWithCheckpoints: number;
  readonly resumedRuns: number;
  /** Side-effecting calls (tool + arguments) repeated in a resumed run after being done before the resume. */
  readonly repeatedSideEffects: { readonly count: number; readonly examples: readonly RunRef[] };
  /**
   * Per run with at least one llm or tool step: the most such steps in a row with no checkpoint in
   * between (counting from the start, between checkpoints, and up to the end) → runs. That stretch
   * is the work a crash can lose.
   */
  readonly longestStretchWithoutCheckpoint: Histogram;
  readonly longStretchExamples: readonly StretchExample[];
  /** Resumed runs whose checkpoint was found in an earlier attempt in the corpus: only these can be judged. */
  readonly matchedResumes: number;
  /** Matched resumes whose earlier attempts had completed side-effecting calls, which the resume could have repeated. */
  readonly resumesAfterSideEffects: number;
  /** Matched resumes that redid every call the earlier attempt had made before the checkpoint: they started over. */
  readonly startedOver: { readonly count: number; readonly examples: readonly RunRef[] };
}

/** Earlier attempts remembered so a later resume can be matched with them; older ones are forgotten. */
export const MAX_REMEMBERED_ATTEMPTS = 256;
/** Calls remembered per attempt. */
export const MAX_CALLS_PER_ATTEMPT = 256;

interface Attempt {
  readonly runId: string;
  /** Completed side effects of this attempt and of the attempts it resumed: call key → where it was done. */
  readonly sideEffects: ReadonlyMap<string, { readonly runId: string; readonly spanId: string; readonly tool: string }>;
  /** This attempt's distinct call keys in order, and for each checkpoint how many of them came before it. */
  readonly calls: readonly string[];
  readonly callsBefore: ReadonlyMap<string, number>;
}

/**
 * Checkpoints and resumes. A checkpoint is a `checkpoint` step; it is known by its name or its id
 * (whichever `resumedFrom` names). A resumed run names the checkpoint it resumed from; the attempt that
 * wrote that checkpoint must come earlier in the corpus, and is looked up first among attempts of the
 * same run id, then among all. Side-effecting calls are tool steps with a risk class other than
 * read-only (an unclassified tool is not known to have side effects); one that completed (status ok)
 * before the resume and is called again with the same arguments after it is a repeated side effect.
 * Memory: the last MAX_REMEMBERED_ATTEMPTS attempts that wrote checkpoints, MAX_CALLS_PER_ATTEMPT calls each.
 */
export function createCheckpointAnalyzer(): RunAnalyzer<CheckpointAnalysis> {
  let runs = 0;
  let runsWithCheckpoints = 0;
  let resumedRuns = 0;
  let matchedResumes = 0;
  let resumesAfterSideEffects = 0;
  let repeated = 0;
  let startedOver = 0;
  const repeatedExamples: RunRef[] = [];
  const startedOverExamples: RunRef[] = [];
  const stretches = new Map<number, number>();
  const longStretchExamples: StretchExample[] = [];
  // Insertion-ordered, so the first entry is the oldest attempt to forget.
  const attempts = new Map<number, { attempt: Attempt; keys: readonly string[] }>();
  const byKey = new Map<string, number>();
  let nextAttempt = 0;

  function remember(attempt: Attempt, checkpointIds: readonly string[]): void {
    const keys = checkpointIds.flatMap((id) => [`${attempt.runId}\u0000${id}`, `\u0000${id}`]);
    const number = nextAttempt++;
    attempts.set(number, { attempt, keys });
    for (const key of keys) byKey.set(key, number);
    if (attempts.size > MAX_REMEMBERED_ATTEMPTS) {
      const [oldest, entry] = attempts.entries().next().value ?? [];
      if (oldest === undefined || entry === undefined) return;
      attempts.delete(oldest);
      for (const key of entry.keys) if (byKey.get(key) === oldest) byKey.delete(key);
    }
  }

  function lookUp(runId: string, checkpointId: string): Attempt | undefined {
    const number = byKey.get(`${runId}\u0000${checkpointId}`) ?? byKey.get(`\u0000${checkpointId}`);
    return number === undefined ? undefined : attempts.get(number)?.attempt;
  }

  return {
    add(run: Run, view: RunView = viewRun(run)) {
      runs++;
      const checkpointIds: string[] = [];
      const callsBefore = new Map<string, number>();
      const calls: string[] = [];
      const seenCalls = new Set<string>();
      let stretch = 0;
      let longest = 0;
      let workSteps = 0;
      const toolSteps: ToolStep[] = [];
      for (const step of run.steps) {
        if (step.kind === 'checkpoint') {
          longest = Math.max(longest, stretch);
          stretch = 0;
          for (const id of new Set([step.name, step.id])) {
            checkpointIds.push(id);
            callsBefore.set(id, calls.length);
          }
          continue;
        }
        if (!isWorkStep(step)) continue;
        workSteps++;
        stretch++;
        if (step.kind !== 'tool') continue;
        toolSteps.push(step);
        const key = view.callKey(step);
        if (key !== undefined && !seenCalls.has(key)) {
          seenCalls.add(key);
          if (calls.length < MAX_CALLS_PER_ATTEMPT) calls.push(key);
        }
      }
      longest = Math.max(longest, stretch);
      if (checkpointIds.length > 0) runsWithCheckpoints++;
      if (workSteps > 0) {
        increment(stretches, longest);
        const note = `${longest} model and tool calls without a checkpoint`;
        addTopExample(longStretchExamples, { ...runRef(run, undefined, note), steps: longest }, (e) => e.steps);
      }

      let inherited: Attempt['sideEffects'] = new Map();
      if (run.resumedFrom !== undefined) {
        resumedRuns++;
        const earlier = lookUp(run.id, run.resumedFrom);
        if (earlier !== undefined) {
          matchedResumes++;
          inherited = earlier.sideEffects;
          if (earlier.sideEffects.size > 0) resumesAfterSideEffects++;
          for (const step of toolSteps) {
            const key = isSideEffecting(step) ? view.callKey(step) : undefined;
            const before = key === undefined ? undefined : earlier.sideEffects.get(key);
            if (before === undefined) continue;
            repeated++;
            const where = before.runId === run.id ? `span ${before.spanId}` : `span ${before.spanId} of run ${before.runId}`;
            addExample(repeatedExamples, runRef(run, step.id, `repeats ${before.tool}, already done in ${where}`));
          }
          const redo = earlier.calls.slice(0, earlier.callsBefore.get(run.resumedFrom) ?? 0);
          if (redo.length > 0 && redo.every((key) => seenCalls.has(key))) {
            startedOver++;
            addExample(startedOverExamples, runRef(run, undefined, `resumed from ${run.resumedFrom} but redid all ${redo.length} earlier calls`));
          }
        }
      }

      if (checkpointIds.length === 0) return;
      const sideEffects = new Map(inherited);
      for (const step of toolSteps) {
        const key = isSideEffecting(step) && !isFailed(step) ? view.callKey(step) : undefined;
        if (key !== undefined && !sideEffects.has(key) && sideEffects.size < MAX_CALLS_PER_ATTEMPT) {
          sideEffects.set(key, { runId: run.id, spanId: step.id, tool: step.toolName });
        }
      }
      remember({ runId: run.id, sideEffects, calls, callsBefore }, checkpointIds);
    },
    finish() {
      return {
        runs,
        runsWithCheckpoints,
        resumedRuns,
        repeatedSideEffects: { count: repeated, examples: [...repeatedExamples] },
        longestStretchWithoutCheckpoint: toHistogram(stretches),
        longStretchExamples: [...longStretchExamples],
        matchedResumes,
        resumesAfterSideEffects,
        startedOver: { count: startedOver, examples: [...startedOverExamples] },
      };
    },
  };
}

function isSideEffecting(step: ToolStep): boolean {
  return step.risk !== undefined && step.risk !== 'read-only';
}
