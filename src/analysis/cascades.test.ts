import { describe, expect, it } from 'vitest';
import { failedTool, llmStep, makeRun, toolStep } from '../../test/support/synthetic-runs.js';
import type { ClaimedStatus, Run, Step } from '../model/index.js';
import { createCascadeAnalyzer } from './cascades.js';

function analyze(runs: readonly Run[]) {
  const analyzer = createCascadeAnalyzer();
  for (const run of runs) analyzer.add(run);
  return analyzer.finish();
}

let n = 0;
const fail = (): Step => failedTool(`f${++n}`, 'x', { n });
const ok = (): Step => toolStep(`o${++n}`, 'y', { n });
const think = (): Step => llmStep(`l${++n}`);
const thinkFails = (): Step => llmStep(`e${++n}`, { status: 'error', error: { type: 'rate_limit' } });
const run = (id: string, steps: Step[], claimedStatus: ClaimedStatus = 'failure'): Run => makeRun(id, steps, { claimedStatus });

describe('cascades', () => {
  it('measures the longest streak; model calls between failing tool calls do not break it, failing ones extend it', () => {
    const result = analyze([run('r', [ok(), fail(), think(), fail(), thinkFails(), fail(), ok(), think(), ok()])]);
    expect(result.byLongestStreak).toEqual({ 4: { runs: 1, halted: 0, escalated: 0, continued: 1 } });
    expect(result.examples[0]).toMatchObject({ runId: 'r', streak: 4, after: 'continued', note: '4 consecutive failing steps, then continued' });
  });

  it('says what followed: halted (at most one more tool call), escalated, or continued', () => {
    const result = analyze([
      run('halted-now', [ok(), fail(), fail(), fail(), think()]),
      run('halted-after-one', [ok(), fail(), fail(), fail(), think(), ok()]),
      run('escalated', [fail(), fail(), fail(), ok(), ok(), ok()], 'escalated'),
      run('continued', [fail(), fail(), fail(), ok(), ok()], 'success'),
      run('no-failures', [ok(), think()]),
    ]);
    expect(result.byLongestStreak).toEqual({ 3: { runs: 4, halted: 2, escalated: 1, continued: 1 } });
  });

  it('judges each threshold k after the first streak that reached it, counting from its k-th failure', () => {
    // A 2-streak the run carried on after, then a 4-streak it halted on.
    const result = analyze([run('r', [fail(), fail(), ok(), ok(), ok(), fail(), fail(), fail(), fail(), think()])]);
    expect(result.byLongestStreak).toEqual({ 4: { runs: 1, halted: 1, escalated: 0, continued: 0 } });
    expect(result.reachingStreak).toEqual({
      1: { runs: 1, halted: 0, escalated: 0, continued: 1 },
      2: { runs: 1, halted: 0, escalated: 0, continued: 1 },
      // After the 3rd failure of the 4-streak one more tool call came (the 4th failure): still halted.
      3: { runs: 1, halted: 1, escalated: 0, continued: 0 },
      4: { runs: 1, halted: 1, escalated: 0, continued: 0 },
    });
  });

  it('takes the first of equally long streaks', () => {
    const result = analyze([run('r', [fail(), fail(), ok(), ok(), ok(), fail(), fail()])]);
    expect(result.byLongestStreak).toEqual({ 2: { runs: 1, halted: 0, escalated: 0, continued: 1 } });
  });

  it('keeps the runs with the longest streaks as examples', () => {
    const runs = Array.from({ length: 15 }, (_, i) => run(`r${i}`, Array.from({ length: i + 1 }, fail)));
    const result = analyze(runs);
    expect(result.examples.map((e) => e.streak)).toEqual([15, 14, 13, 12, 11, 10, 9, 8, 7, 6]);
  });
});
