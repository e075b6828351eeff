import type { Run } from '../model/index.js';
import { createAssemblyAnalyzer } from './assembly.js';
import { createBudgetAnalyzer } from './budgets.js';
import { createCascadeAnalyzer } from './cascades.js';
import { createCheckpointAnalyzer } from './checkpoints.js';
import { createCompoundingAnalyzer } from './compounding.js';
import { contextFiguresOf, createContextAnalyzer } from './context.js';
import { createContractAnalyzer } from './contracts.js';
import { createIsolationAnalyzer, followRunValues } from './isolation.js';
import { createLoopAnalyzer } from './loops.js';
import { createMemoryAnalyzer } from './memory.js';
import { createOutcomeAnalyzer } from './outcomes.js';
import { createOversightAnalyzer } from './oversight.js';
import { createPassKAnalyzer } from './pass-k.js';
import { createReliabilityAnalyzer } from './reliability.js';
import { viewRun } from './run-view.js';
import { createRetryAnalyzer } from './retries.js';
import { createStateWriteAnalyzer } from './state-writes.js';
import type { RunPrecomputed } from './precompute.js';
import type { RunAnalyzer, RunView, TraceAnalyses } from './types.js';

export * from './types.js';
export * from './side-effects.js';
export { precomputeValues, type RunPrecomputed } from './precompute.js';

/** The analyses, each by its factory: one list, in report order. */
type AnalysisId = Exclude<keyof TraceAnalyses, 'runs' | 'steps'>;
/** What a run brought precomputed (precompute.ts), while it is being added; the two costly analyses read it. */
interface Precomputed {
  current: RunPrecomputed | undefined;
}
const ANALYZERS: { readonly [K in AnalysisId]: (precomputed: Precomputed) => RunAnalyzer<TraceAnalyses[K]> } = {
  reliability: createReliabilityAnalyzer,
  outcomes: createOutcomeAnalyzer,
  passK: createPassKAnalyzer,
  compounding: createCompoundingAnalyzer,
  retries: createRetryAnalyzer,
  loops: createLoopAnalyzer,
  cascades: createCascadeAnalyzer,
  budgets: createBudgetAnalyzer,
  context: (precomputed) => createContextAnalyzer((run, view) => precomputed.current?.context ?? contextFiguresOf(run, view)),
  oversight: createOversightAnalyzer,
  checkpoints: createCheckpointAnalyzer,
  contracts: createContractAnalyzer,
  stateWrites: createStateWriteAnalyzer,
  assembly: createAssemblyAnalyzer,
  memory: createMemoryAnalyzer,
  isolation: (precomputed) => createIsolationAnalyzer((run, view) => precomputed.current?.isolation ?? followRunValues(run, view)),
};

/**
 * Analyses that measure normal operation: a run mimir interfered with while probing (a fault fired,
 * an approval was refused) would count mimir's doing against the agent, so they never see one.
 */
const NORMAL_OPERATION_ONLY: ReadonlySet<AnalysisId> = new Set<AnalysisId>(['reliability', 'passK', 'compounding']);

/**
 * Every analysis at once. `add` may bring the run's precomputed figures (precomputeRun, worked out
 * on the thread that read the run): the costly per-run half is then not done again here, and the
 * result is the same.
 */
export interface TraceAnalyzer extends RunAnalyzer<TraceAnalyses> {
  add(run: Run, view?: RunView, precomputed?: RunPrecomputed): void;
}

/** Every analysis at once: one pass over the runs, each run seen once and then let go. */
export function createTraceAnalyzer(): TraceAnalyzer {
  const precomputed: Precomputed = { current: undefined };
  const analyzers = (Object.keys(ANALYZERS) as AnalysisId[]).map((id) => [id, ANALYZERS[id](precomputed)] as const);
  let runs = 0;
  let steps = 0;
  return {
    add(run, given, precomputedFigures) {
      runs++;
      steps += run.steps.length;
      // Ordered, keyed and classified once here for every analysis (run-view.ts).
      const view = given ?? viewRun(run);
      const interfered = run.probe?.interfered === true;
      precomputed.current = precomputedFigures;
      try {
        for (const [id, analyzer] of analyzers) if (!(interfered && NORMAL_OPERATION_ONLY.has(id))) analyzer.add(run, view);
      } finally {
        precomputed.current = undefined;
      }
    },
    finish() {
      // Each entry's result has its own analysis type; the record is put together from the same list.
      const results = Object.fromEntries(analyzers.map(([id, analyzer]) => [id, analyzer.finish()])) as Omit<TraceAnalyses, 'runs' | 'steps'>;
      return { runs, steps, ...results };
    },
  };
}

/** Both costly per-run parts, the context figures and the isolation values (precompute.ts), worked out ahead of the fold. */
export function precomputeRun(run: Run, view: RunView = viewRun(run)): RunPrecomputed {
  return { context: contextFiguresOf(run, view), isolation: followRunValues(run, view) };
}

/** Convenience for tests and small corpora already in memory. */
export function analyzeRuns(runs: Iterable<Run>): TraceAnalyses {
  const analyzer = createTraceAnalyzer();
  for (const run of runs) analyzer.add(run);
  return analyzer.finish();
}
