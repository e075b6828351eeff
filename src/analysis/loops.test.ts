import { describe, expect, it } from 'vitest';
import { failedTool, llmStep, makeRun, toolStep } from '../../test/support/synthetic-runs.js';
import type { Run } from '../model/index.js';
import { createLoopAnalyzer } from './loops.js';

function analyze(runs: readonly Run[]) {
  const analyzer = createLoopAnalyzer();
  for (const run of runs) analyzer.add(run);
  return analyzer.finish();
}

describe('loops', () => {
  it('counts the most identical calls per run, back to back or not (ping-pong)', () => {
    const result = analyze([
      makeRun('pingpong', [
        toolStep('a1', 'get_order', { id: 1 }),
        llmStep('l1'),
        toolStep('b1', 'get_customer', { id: 9 }),
        toolStep('a2', 'get_order', { id: 1 }),
        toolStep('b2', 'get_customer', { id: 9 }),
        toolStep('a3', 'get_order', { id: 1 }),
      ]),
      makeRun('distinct', [toolStep('a', 'search', { q: 'a' }), toolStep('b', 'search', { q: 'b' })]),
      makeRun('keys-in-any-order', [toolStep('a', 'search', { q: 'a', page: 1 }), toolStep('b', 'search', { page: 1, q: 'a' })]),
      makeRun('no-tools', [llmStep('l')]),
    ]);
    expect(result.maxIdenticalCallsPerRun).toEqual({ 0: 1, 1: 1, 2: 1, 3: 1 });
    expect(result.examples.map((e) => [e.runId, e.calls, e.spanId])).toEqual([
      ['pingpong', 3, 'a1'],
      ['keys-in-any-order', 2, 'a'],
    ]);
    expect(result.examples[0]?.note).toBe('get_order called 3 times with the same arguments');
  });

  it('leaves retries of a failed call to the retry analysis', () => {
    const args = { id: 1 };
    const result = analyze([makeRun('retry', [failedTool('a', 'x', args), failedTool('b', 'x', args), toolStep('c', 'x', args), toolStep('d', 'x', args)])]);
    // a counts; b and c follow a failed attempt of the same call; d follows a success, so it is a repeat.
    expect(result.maxIdenticalCallsPerRun).toEqual({ 2: 1 });
  });

  it('cannot compare calls whose arguments were not captured', () => {
    const result = analyze([makeRun('r', [toolStep('a', 'x', undefined), toolStep('b', 'x', undefined)])]);
    expect(result.maxIdenticalCallsPerRun).toEqual({ 0: 1 });
  });
});
