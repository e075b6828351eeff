import type { Run } from '../model/index.js';
import { wilsonRate } from './rate.js';
import { addExample, failureReason, isFailed, isInfrastructureFailure, runRef } from './support.js';
import type { Rate, RunAnalyzer, RunRef } from './basics.js';

export interface ReliabilityAnalysis {
  /** Tool and llm steps that did not fail (an error status or an error-looking tool result is a failure). */
  readonly steps: Rate;
  readonly toolSteps: Rate;
  readonly llmSteps: Rate;
  readonly byTool: Readonly<Record<string, Rate>>;
  readonly failedStepExamples: readonly RunRef[];
  /** Runs left out because they failed for infrastructure reasons: their failures are the harness's, not the agent's. */
  readonly excludedInfrastructureRuns: number;
}

interface Tally {
  ok: number;
  total: number;
}

/**
 * Per-step reliability p: the share of model and tool calls that did not fail, overall, by kind and
 * by tool, each with its Wilson interval. Approvals, checkpoints and other bookkeeping steps are not
 * work that can go wrong in the sense p^n needs, so they are left out. Steps of damaged runs count
 * as they were recorded; runs that failed for infrastructure reasons are left out and counted.
 */
export function createReliabilityAnalyzer(): RunAnalyzer<ReliabilityAnalysis> {
  const tool: Tally = { ok: 0, total: 0 };
  const llm: Tally = { ok: 0, total: 0 };
  const byTool = new Map<string, Tally>();
  const failedStepExamples: RunRef[] = [];
  let excludedInfrastructureRuns = 0;

  return {
    add(run: Run) {
      if (isInfrastructureFailure(run)) {
        excludedInfrastructureRuns++;
        return;
      }
      for (const step of run.steps) {
        if (step.kind !== 'tool' && step.kind !== 'llm') continue;
        const ok = isFailed(step) ? 0 : 1;
        const kindTally = step.kind === 'tool' ? tool : llm;
        kindTally.ok += ok;
        kindTally.total++;
        if (step.kind === 'tool') {
          const toolTally = byTool.get(step.toolName) ?? { ok: 0, total: 0 };
          toolTally.ok += ok;
          toolTally.total++;
          byTool.set(step.toolName, toolTally);
        }
        if (ok === 0) {
          const what = step.kind === 'tool' ? `tool ${step.toolName}` : `model call ${step.name}`;
          addExample(failedStepExamples, runRef(run, step.id, `${what} failed: ${failureReason(step.error)}`));
        }
      }
    },
    finish() {
      return {
        steps: wilsonRate(tool.ok + llm.ok, tool.total + llm.total),
        toolSteps: wilsonRate(tool.ok, tool.total),
        llmSteps: wilsonRate(llm.ok, llm.total),
        byTool: Object.fromEntries([...byTool.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, t]) => [name, wilsonRate(t.ok, t.total)])),
        failedStepExamples: [...failedStepExamples],
        excludedInfrastructureRuns,
      };
    },
  };
}
