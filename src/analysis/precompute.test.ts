import { describe, expect, it } from 'vitest';
import { generateSyntheticRuns, llmStep, makeRun, toolStep } from '../../test/support/synthetic-runs.js';
import type { Run } from '../model/index.js';
import { analyzeRuns, createTraceAnalyzer, precomputeRun } from './index.js';
import { precomputeValues, type RunPrecomputed } from './precompute.js';

/** Runs with message histories, tool results and values that travel between tasks. */
function withContent(): Run[] {
  const system = { role: 'system' as const, content: 'You are the support agent of Acme.' };
  return ['a', 'b', 'c'].map((id, index) => {
    const request = { role: 'user' as const, content: `refund order ORD-4412${index} for ann${index}@acme-mail.io` };
    const result = { role: 'tool' as const, content: `order ORD-4412${index}: 3 items, card 41111111111${index}` };
    return makeRun(
      `run-${id}`,
      [
        llmStep(`${id}-1`, { inputMessages: [system, request], outputMessages: [{ role: 'assistant', content: 'looking it up' }] }),
        toolStep(`${id}-2`, 'lookup_order', { order: `ORD-4412${index}` }, { result: result.content }),
        // The last run sees the first task's order: a leak isolation must find either way.
        llmStep(`${id}-3`, { inputMessages: [system, request, result, ...(index === 2 ? [{ role: 'assistant' as const, content: 'as for ORD-44120, done' }] : [])] }),
      ],
      { taskId: `task-${id}`, source: { file: 't.jsonl', line: index + 1 } },
    );
  });
}

/** Folds runs whose figures came precomputed, each through a structured clone as a worker's postMessage sends it. */
function foldPrecomputed(runs: readonly Run[], figures: (run: Run) => RunPrecomputed) {
  const analyzer = createTraceAnalyzer();
  for (const run of runs) analyzer.add(run, undefined, structuredClone(figures(run)));
  return analyzer.finish();
}

describe('precomputed per-run figures', () => {
  const runs = [...generateSyntheticRuns().runs, ...withContent()];
  const direct = analyzeRuns(runs);

  it('fold to exactly the analyses worked out in place, with or without the context figures', () => {
    expect(direct.context.callsWithContent).toBeGreaterThan(0);
    expect(direct.isolation.leakedValues).toBeGreaterThan(0);
    expect(foldPrecomputed(runs, (run) => precomputeRun(run))).toEqual(direct);
    expect(foldPrecomputed(runs, (run) => precomputeValues(run))).toEqual(direct);
  });

  it('are used instead of being worked out again', () => {
    // Figures that say something else show through: the analyzer did not recompute them.
    const empty: RunPrecomputed = { isolation: { scanned: false, obtained: new Map(), unexplained: new Map() } };
    expect(foldPrecomputed(runs, () => empty).isolation.runs).toBe(0);
    expect(direct.isolation.runs).toBeGreaterThan(0);
  });
});
