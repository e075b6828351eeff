import { describe, expect, it } from 'vitest';
import { failedTool, llmStep, makeRun, toolStep } from '../../test/support/synthetic-runs.js';
import type { Run, Step, ToolStep } from '../model/index.js';
import { createRetryAnalyzer, hasBackoff } from './retries.js';

function analyze(runs: readonly Run[]) {
  const analyzer = createRetryAnalyzer();
  for (const run of runs) analyzer.add(run);
  return analyzer.finish();
}

const at = (seconds: number): string => new Date(Date.UTC(2026, 0, 1) + seconds * 1000).toISOString();

/** Attempts of one call, each lasting 1 s, starting at the given seconds; all fail unless the last is `ok`. */
function attempts(starts: readonly number[], lastOk: boolean, args: unknown = { id: 1 }): ToolStep[] {
  return starts.map((start, i) => {
    const times = { startedAt: at(start), endedAt: at(start + 1) };
    return i === starts.length - 1 && lastOk ? toolStep(`t${i}`, 'lookup', args, times) : failedTool(`t${i}`, 'lookup', args, 'unavailable', times);
  });
}

/** The model reads each error between attempts, as it does in a real loop. */
function withModelCalls(steps: readonly Step[]): Step[] {
  return steps.flatMap((step, i) => (i === 0 ? [step] : [llmStep(`l${i}`), step]));
}

describe('retries', () => {
  it('counts the retries of each failing call: same tool, same arguments, after a failure', () => {
    const result = analyze([
      makeRun('r1', withModelCalls([...attempts([0, 2, 4], true), failedTool('x', 'other', { a: 1 }), toolStep('y', 'other', { a: 2 })])),
      makeRun('r2', withModelCalls(attempts([0, 1, 2, 3, 4, 5], false))),
    ]);
    expect(result.failingCalls).toBe(3);
    expect(result.retriesPerFailingCall).toEqual({ 0: 1, 2: 1, 5: 1 });
    expect(result.recovered).toBe(1);
    expect(result.examples.map((e) => [e.runId, e.retries, e.recovered])).toEqual([
      ['r2', 5, false],
      ['r1', 2, true],
    ]);
    expect(result.examples[1]).toMatchObject({ spanId: 't0', tool: 'lookup', note: 'lookup failed and was retried 2 times, then succeeded' });
  });

  it('ends a sequence at a success or a different call; a repeat after a success is not a retry', () => {
    const args = { id: 1 };
    const result = analyze([
      makeRun('r', [failedTool('a', 'lookup', args), toolStep('b', 'lookup', args), toolStep('c', 'lookup', args), failedTool('d', 'lookup', args), failedTool('e', 'lookup', { id: 2 })]),
    ]);
    // a → b (one retry, recovered); c succeeded (no failing call); d failed, then e is another call.
    expect(result.retriesPerFailingCall).toEqual({ 0: 2, 1: 1 });
    expect(result.failingCalls).toBe(3);
  });

  it('judges backoff on the gaps between attempts of sequences with two or more retries', () => {
    const result = analyze([
      makeRun('growing', withModelCalls(attempts([0, 2, 5, 10], true))),
      makeRun('constant', withModelCalls(attempts([0, 2, 4, 6], false))),
      makeRun('untimed', [failedTool('a', 'lookup', { id: 1 }), failedTool('b', 'lookup', { id: 1 }), failedTool('c', 'lookup', { id: 1 })]),
      makeRun('one-retry', withModelCalls(attempts([0, 10], true))),
    ]);
    expect(result.retrySequences).toBe(3);
    expect(result.timedRetrySequences).toBe(2);
    expect(result.sequencesWithBackoff).toBe(1);
    expect(result.backoffByRetries).toEqual({ 3: { timed: 2, withBackoff: 1 } });
  });

  it('counts failing calls whose arguments were not captured apart: their retries cannot be told', () => {
    const result = analyze([makeRun('r', [failedTool('a', 'lookup', undefined), failedTool('b', 'lookup', undefined)])]);
    expect(result.failingCalls).toBe(2);
    expect(result.failingCallsWithoutArguments).toBe(2);
    expect(result.retriesPerFailingCall).toEqual({});
  });

  it('has nothing to count without failures', () => {
    expect(analyze([makeRun('r', [toolStep('a', 'x', {})])]).failingCalls).toBe(0);
  });
});

describe('hasBackoff', () => {
  it('needs growing gaps that never shrink, and times on every attempt', () => {
    expect(hasBackoff(attempts([0, 2, 5, 10], true))).toBe(true);
    expect(hasBackoff(attempts([0, 2, 4, 6], true))).toBe(false);
    expect(hasBackoff(attempts([0, 5, 7, 12], true))).toBe(false);
    expect(hasBackoff(attempts([0, 2], true))).toBeUndefined();
    expect(hasBackoff([failedTool('a', 'x', {}), failedTool('b', 'x', {}), failedTool('c', 'x', {})])).toBeUndefined();
  });
});
