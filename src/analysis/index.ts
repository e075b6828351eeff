import type { Run } from '../model/index.js';
import { createAssemblyAnalyzer } from './assembly.js';
import { createBudgetAnalyzer } from './budgets.js';
import { createCascadeAnalyzer } from './cascades.js';
import { createCheckpointAnalyzer } from './checkpoints.js';
import { createCompoundingAnalyzer } from './compounding.js';
import { createContextAnalyzer } from './context.js';
import { createContractAnalyzer } from './contracts.js';
import { createIsolationAnalyzer } from './isolation.js';
import { createLoopAnalyzer } from './loops.js';
import { createMemoryAnalyzer } from './memory.js';
import { createOutcomeAnalyzer } from './outcomes.js';
import { createOversightAnalyzer } from './oversight.js';
import { createPassKAnalyzer } from './pass-k.js';
import { createReliabilityAnalyzer } from './reliability.js';
import { createRetryAnalyzer } from './retries.js';
import { createStateWriteAnalyzer } from './state-writes.js';
import type { RunAnalyzer, TraceAnalyses } from './types.js';

export * from './types.js';
export * from './side-effects.js';

/**
 * Analyses that measure normal operation: a run mimir interfered with while probing (a fault fired,
 * an approval was refused) would count mimir's doing against the agent, so they never see one.
 */
const NORMAL_OPERATION_ONLY: ReadonlySet<string> = new Set(['reliability', 'passK', 'compounding']);

/** Every analysis at once: one pass over the runs, each run seen once and then let go. */
export function createTraceAnalyzer(): RunAnalyzer<TraceAnalyses> {
  const analyzers = {
    reliability: createReliabilityAnalyzer(),
    outcomes: createOutcomeAnalyzer(),
    passK: createPassKAnalyzer(),
    compounding: createCompoundingAnalyzer(),
    retries: createRetryAnalyzer(),
    loops: createLoopAnalyzer(),
    cascades: createCascadeAnalyzer(),
    budgets: createBudgetAnalyzer(),
    context: createContextAnalyzer(),
    oversight: createOversightAnalyzer(),
    checkpoints: createCheckpointAnalyzer(),
    contracts: createContractAnalyzer(),
    stateWrites: createStateWriteAnalyzer(),
    assembly: createAssemblyAnalyzer(),
    memory: createMemoryAnalyzer(),
    isolation: createIsolationAnalyzer(),
  };
  let runs = 0;
  let steps = 0;
  return {
    add(run) {
      runs++;
      steps += run.steps.length;
      const interfered = run.probe?.interfered === true;
      for (const [name, analyzer] of Object.entries(analyzers)) if (!(interfered && NORMAL_OPERATION_ONLY.has(name))) analyzer.add(run);
    },
    finish() {
      return {
        runs,
        steps,
        reliability: analyzers.reliability.finish(),
        outcomes: analyzers.outcomes.finish(),
        passK: analyzers.passK.finish(),
        compounding: analyzers.compounding.finish(),
        retries: analyzers.retries.finish(),
        loops: analyzers.loops.finish(),
        cascades: analyzers.cascades.finish(),
        budgets: analyzers.budgets.finish(),
        context: analyzers.context.finish(),
        oversight: analyzers.oversight.finish(),
        checkpoints: analyzers.checkpoints.finish(),
        contracts: analyzers.contracts.finish(),
        stateWrites: analyzers.stateWrites.finish(),
        assembly: analyzers.assembly.finish(),
        memory: analyzers.memory.finish(),
        isolation: analyzers.isolation.finish(),
      };
    },
  };
}

/** Convenience for tests and small corpora already in memory. */
export function analyzeRuns(runs: Iterable<Run>): TraceAnalyses {
  const analyzer = createTraceAnalyzer();
  for (const run of runs) analyzer.add(run);
  return analyzer.finish();
}
