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
    // The ping-pong's first round is new (get_customer had not been called before); a2 … a3 is not.
    expect(result.maxIdenticalCallsPerRun).toEqual({ 0: 1, 1: 1, 2: 2 });
    expect(result.examples.map((e) => [e.runId, e.calls, e.spanId])).toEqual([
      ['pingpong', 2, 'b1'],
      ['keys-in-any-order', 2, 'a'],
    ]);
    expect(result.examples[0]?.note).toBe('get_customer called 2 times with the same arguments and nothing new in between');
  });

  it('does not count a repeat after progress: a new call in between, or a different answer', () => {
    const test = { cmd: 'python reproduce_issue.py' };
    const result = analyze([
      // A coding agent re-runs its test after each edit: every edit is a call it had not made before.
      makeRun('edit-and-test', [
        toolStep('t1', 'bash', test, { result: 'AssertionError' }),
        toolStep('e1', 'bash', { cmd: "sed -i 's/a/b/' x.py" }),
        toolStep('t2', 'bash', test, { result: 'AssertionError' }),
        toolStep('e2', 'bash', { cmd: "sed -i 's/b/c/' x.py" }),
        toolStep('t3', 'bash', test, { result: 'OK' }),
      ]),
      // Polling whose answer changes: the world moved between the calls.
      makeRun('polling', [toolStep('p1', 'get_job', { id: 7 }, { result: 'queued' }), toolStep('p2', 'get_job', { id: 7 }, { result: 'running' }), toolStep('p3', 'get_job', { id: 7 }, { result: 'done' })]),
      // The same test, the same answer, nothing in between: a loop.
      makeRun('stuck', [toolStep('s1', 'bash', test, { result: 'AssertionError' }), toolStep('s2', 'bash', test, { result: 'AssertionError' }), toolStep('s3', 'bash', test, { result: 'AssertionError' })]),
    ]);
    expect(result.maxIdenticalCallsPerRun).toEqual({ 1: 2, 3: 1 });
    expect(result.examples.map((e) => e.runId)).toEqual(['stuck']);
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
