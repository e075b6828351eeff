import { describe, expect, it } from 'vitest';
import { failedTool, llmStep, makeRun, toolStep } from '../../test/support/synthetic-runs.js';
import type { ClaimedStatus, Run, VerifiedOutcome } from '../model/index.js';
import { createOutcomeAnalyzer, unrecoveredToolFailures } from './outcomes.js';
import { wilsonRate } from './rate.js';

function analyze(runs: readonly Run[]) {
  const analyzer = createOutcomeAnalyzer();
  for (const run of runs) analyzer.add(run);
  return analyzer.finish();
}

const graded = (id: string, claimed: ClaimedStatus, outcome: VerifiedOutcome, extra: Partial<Run> = {}): Run =>
  makeRun(id, [llmStep(`${id}-l`)], { claimedStatus: claimed, outcome: { status: outcome, source: 'labels' }, ...extra });

describe('outcomes', () => {
  it('grades end-to-end success from verified outcomes, and counts claims', () => {
    const result = analyze([
      graded('a', 'success', 'success'),
      graded('b', 'success', 'failure'),
      graded('c', 'failure', 'failure'),
      graded('d', 'escalated', 'unknown'),
      graded('e', 'unknown', 'success'),
    ]);
    expect(result.runs).toBe(5);
    expect(result.graded).toBe(4);
    expect(result.endToEnd).toEqual(wilsonRate(2, 4));
    expect(result.claimed).toEqual({ success: 2, failure: 1, escalated: 1, unknown: 1 });
  });

  it('finds silent failures: claimed success but graded failure', () => {
    const result = analyze([graded('ok', 'success', 'success'), graded('silent', 'success', 'failure', { source: { file: 'f.jsonl', line: 3 } }), graded('honest', 'failure', 'failure')]);
    expect(result.silentFailures.count).toBe(1);
    expect(result.silentFailures.gradedFailures).toBe(1);
    expect(result.silentFailures.unrecoveredToolFailures).toBe(0);
    // Among the two claimed successes whose result is known, one failed; among the two failed runs, one claimed success.
    expect(result.silentFailures.rate).toEqual(wilsonRate(1, 2));
    expect(result.silentFailures.amongFailedRuns).toEqual(wilsonRate(1, 2));
    expect(result.silentFailures.examples).toEqual([{ runId: 'silent', file: 'f.jsonl', line: 3, note: 'claimed success; graded failure' }]);
  });

  it('finds silent failures: claimed success with a tool that failed and never recovered, where no grader said success', () => {
    const steps = [toolStep('t1', 'search', { q: 1 }), failedTool('t2', 'refund', { id: 1 }), llmStep('l')];
    const result = analyze([
      makeRun('ungraded', steps, { claimedStatus: 'success' }),
      makeRun('graded-ok', steps, { claimedStatus: 'success', outcome: { status: 'success', source: 'labels' } }),
      makeRun('claims-failure', steps, { claimedStatus: 'failure' }),
      makeRun('unknown-claim', steps),
    ]);
    expect(result.silentFailures.count).toBe(1);
    expect(result.silentFailures.unrecoveredToolFailures).toBe(1);
    expect(result.silentFailures.examples[0]).toMatchObject({ runId: 'ungraded', spanId: 't2', note: 'claimed success; tool refund failed and never recovered' });
    // The run graded success counts as an honest success; the unknown claim is not counted.
    expect(result.silentFailures.rate).toEqual(wilsonRate(1, 2));
    expect(result.silentFailures.amongFailedRuns).toEqual(wilsonRate(1, 2));
  });

  it('counts a run that is both a graded failure and an unrecovered failure once, as graded: the parts add up', () => {
    const result = analyze([makeRun('both', [failedTool('t', 'refund', {})], { claimedStatus: 'success', outcome: { status: 'failure', source: 'labels' } })]);
    expect(result.silentFailures).toMatchObject({ count: 1, gradedFailures: 1, unrecoveredToolFailures: 0, failedRuns: 1 });
  });

  it('never counts a damaged run as a success, and leaves infrastructure failures out', () => {
    const result = analyze([graded('damaged', 'success', 'success', { damaged: true }), graded('infra', 'success', 'failure', { infrastructureError: 'sandbox died' })]);
    expect(result.graded).toBe(0);
    expect(result.endToEnd.rate).toBeNull();
    expect(result.infrastructureFailures).toBe(1);
    expect(result.silentFailures.count).toBe(0);
    expect(result.claimed.success).toBe(2);
  });

  it('has no rates without grades', () => {
    const result = analyze([graded('a', 'success', 'unknown')]);
    expect(result.silentFailures.rate.rate).toBeNull();
    expect(result.silentFailures.amongFailedRuns.rate).toBeNull();
  });
});

describe('unrecoveredToolFailures', () => {
  it('is the failed last call of each tool; a later success of the same tool recovers, whatever its arguments', () => {
    const run = makeRun('r', [failedTool('a1', 'a', { x: 1 }), toolStep('a2', 'a', { x: 2 }), failedTool('b1', 'b', {}), toolStep('c1', 'c', {}), failedTool('c2', 'c', {})]);
    expect(unrecoveredToolFailures(run).map((s) => s.id)).toEqual(['b1', 'c2']);
  });
});
