import { describe, expect, it } from 'vitest';
import { failedTool, generateSyntheticRuns, llmStep, makeRun, toolStep } from '../../test/support/synthetic-runs.js';
import { createFailureClassifier, longestBlockingStreak } from './failure-kinds.js';
import { inRunOrder } from './run-order.js';
import { viewRun } from './run-view.js';
import { callKey } from './support.js';

describe('RunView', () => {
  it('classifies, keys and streaks exactly as the standalone helpers do, on every synthetic run', () => {
    const { runs } = generateSyntheticRuns();
    expect(runs.length).toBeGreaterThan(0);
    let failures = 0;
    for (const run of runs) {
      const view = viewRun(run);
      const ordered = inRunOrder(run.steps);
      expect(view.ordered).toEqual(ordered);
      const classifier = createFailureClassifier();
      for (const step of ordered) {
        if (step.kind !== 'tool' && step.kind !== 'llm') continue;
        const kind = classifier.kind(step);
        if (kind !== undefined) failures++;
        expect(view.failureKind(step)).toBe(kind);
        if (step.kind === 'tool') expect(view.callKey(step)).toBe(callKey(step));
      }
      expect(view.longestBlockingStreak).toBe(longestBlockingStreak(ordered));
    }
    expect(failures).toBeGreaterThan(0);
  });

  it('a repeat of the same failing call is blocking in the order the view was built in', () => {
    const timeout = (id: string, at: string) => failedTool(id, 'lookup', { q: 1 }, 'ToolError', { error: { type: 'ToolError', message: 'nope' }, result: 'order not found', startedAt: at });
    // Recorded out of time order: the view orders by start time, a view over run.steps keeps the record.
    const steps = [timeout('b', '2026-01-01T00:00:02.000Z'), llmStep('m', { startedAt: '2026-01-01T00:00:01.500Z' }), timeout('a', '2026-01-01T00:00:01.000Z'), toolStep('c', 'lookup', { q: 2 }, { startedAt: '2026-01-01T00:00:03.000Z' })];
    const run = makeRun('r', steps);
    const [b, , a] = steps;
    const byTime = viewRun(run);
    expect(byTime.ordered.map((s) => s.id)).toEqual(['a', 'm', 'b', 'c']);
    expect([byTime.failureKind(a!), byTime.failureKind(b!)]).toEqual(['information', 'blocking']);
    const asRecorded = viewRun(run, run.steps);
    expect([asRecorded.failureKind(b!), asRecorded.failureKind(a!)]).toEqual(['information', 'blocking']);
    expect(byTime.longestBlockingStreak).toBe(1);
  });
});
