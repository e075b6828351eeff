import type { Run } from '../../model/index.js';
import { analyzeRuns } from '../../analysis/index.js';
import type { TraceEvidence, TraceProblemSummary } from '../../evidence/types.js';

const NO_PROBLEMS: TraceProblemSummary = { total: 0, byCode: {}, examples: [], damagedRuns: 0, skippedRecords: 0 };

/** Trace evidence from hand-built runs, as the loader would produce it from clean files. */
export function traceEvidence(runs: readonly Run[], problems: Partial<TraceProblemSummary> = {}): TraceEvidence {
  const summary = { ...NO_PROBLEMS, ...problems };
  return {
    runCount: runs.length,
    spanCount: runs.reduce((n, r) => n + r.steps.length + 1, 0),
    files: ['traces.jsonl'],
    analyses: analyzeRuns(runs),
    problems: summary,
    partial: summary.total > 0,
  };
}
