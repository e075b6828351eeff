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
/** A shell command that ran and exited non-zero, its output recorded: the agent's answer. */
const exits = (command: string, code = 1, output = ''): Step =>
  failedTool(`x${++n}`, 'bash', { command }, 'exit-code', { error: { type: 'exit-code', message: `exited with code ${code}` }, result: output });
/** A tool that answered with its own refusal (the error text is the result the agent read). */
const refuses = (args: unknown, answer: string, type = 'ToolError'): Step =>
  failedTool(`r${++n}`, 'update_reservation', args, type, { error: { type, message: answer }, result: answer });
const run = (id: string, steps: Step[], claimedStatus: ClaimedStatus = 'failure'): Run => makeRun(id, steps, { claimedStatus });

describe('cascades', () => {
  it('measures the longest streak; model calls between failing tool calls do not break it, failing ones extend it', () => {
    const result = analyze([run('r', [ok(), fail(), think(), fail(), thinkFails(), fail(), ok(), think(), ok()])]);
    expect(result.byLongestStreak).toEqual({ 4: 1 });
    expect(result.examples[0]).toMatchObject({ runId: 'r', streak: 4, after: ['continued', 'continued', 'continued', 'continued'] });
    expect(result.examples[0]?.note).toBe('4 consecutive blocking failures, the first: tool_error');
    expect(result.blockingFailures).toBe(4);
  });

  it('says what followed the k-th failure: halted (at most one more tool call), escalated, or continued', () => {
    const result = analyze([
      run('halted-now', [ok(), fail(), fail(), fail(), think()]),
      run('halted-after-one', [ok(), fail(), fail(), fail(), think(), ok()]),
      run('escalated', [fail(), fail(), fail(), ok(), ok(), ok()], 'escalated'),
      run('continued', [fail(), fail(), fail(), ok(), ok()], 'success'),
      run('no-failures', [ok(), think()]),
    ]);
    expect(result.byLongestStreak).toEqual({ 3: 4 });
    expect(result.reachingStreak[3]).toEqual({ runs: 4, halted: 2, escalated: 1, continued: 1 });
  });

  it('judges each threshold k after the first streak that reached it, counting from its k-th failure: one definition for check and table', () => {
    // A 2-streak the run carried on after, then a 4-streak it halted on.
    const result = analyze([run('r', [fail(), fail(), ok(), ok(), ok(), fail(), fail(), fail(), fail(), think()])]);
    expect(result.byLongestStreak).toEqual({ 4: 1 });
    expect(result.reachingStreak).toEqual({
      1: { runs: 1, halted: 0, escalated: 0, continued: 1 },
      2: { runs: 1, halted: 0, escalated: 0, continued: 1 },
      // After the 3rd failure of the 4-streak one more tool call came (the 4th failure): still halted.
      3: { runs: 1, halted: 1, escalated: 0, continued: 0 },
      4: { runs: 1, halted: 1, escalated: 0, continued: 0 },
    });
    expect(result.examples[0]?.after).toEqual(['continued', 'continued', 'halted', 'halted']);
  });

  it('a run that halts at the end of a long streak still kept going after its 3rd failure', () => {
    // 8 failures in a row, then nothing: the table used to say "halted" (after the 8th) while the check at 3 said "kept going".
    const result = analyze([run('r', [ok(), ...Array.from({ length: 8 }, fail), think()])]);
    expect(result.reachingStreak[3]).toEqual({ runs: 1, halted: 0, escalated: 0, continued: 1 });
    expect(result.reachingStreak[8]).toEqual({ runs: 1, halted: 1, escalated: 0, continued: 0 });
  });

  it('takes the first of equally long streaks', () => {
    const result = analyze([run('r', [fail(), fail(), ok(), ok(), ok(), fail(), fail()])]);
    expect(result.byLongestStreak).toEqual({ 2: 1 });
    expect(result.examples[0]?.spanId).toBe(`f${n - 6}`);
  });

  it('keeps the runs with the longest streaks as examples', () => {
    const runs = Array.from({ length: 15 }, (_, i) => run(`r${i}`, Array.from({ length: i + 1 }, fail)));
    const result = analyze(runs);
    expect(result.examples.map((e) => e.streak)).toEqual([15, 14, 13, 12, 11, 10, 9, 8, 7, 6]);
  });
});

describe('cascades: a failure that is information is no cascade', () => {
  it('commands that ran and exited non-zero are answers the agent reads, not a streak', () => {
    // grep without a match, a failing test, a missing file: exploration by a coding agent.
    const steps = [think(), exits('grep -rn foo src'), think(), exits('pytest tests/test_x.py', 1, 'FAILED'), think(), exits('cat missing.py', 1, 'No such file'), think(), ok()];
    const result = analyze([run('coder', steps, 'success')]);
    expect(result.reachingStreak).toEqual({});
    expect(result.informativeFailures).toEqual({ steps: 3, runs: 1 });
    expect(result.blockingFailures).toBe(0);
  });

  it('a tool that answers with its own refusal, the agent changing its arguments each time, is information', () => {
    const steps = [
      refuses({ payment: 'gift_1' }, 'Error: gift card balance is not enough'),
      refuses({ payment: 'certificate_1' }, 'Error: certificate cannot be used to update reservation'),
      refuses({ payment: 'gift_2' }, 'Error: gift card balance is not enough'),
      ok(),
    ];
    expect(analyze([run('adapting', steps)]).reachingStreak).toEqual({});
  });

  it('the same call failing again with the same answer blocks: nothing changed, nothing learned', () => {
    const same = { payment: 'gift_1' };
    const steps = [
      refuses(same, 'Error: gift card balance is not enough'),
      think(),
      refuses(same, 'Error: gift card balance is not enough'),
      think(),
      exits('python repro.py', 1, 'Traceback'),
      think(),
      exits('python repro.py', 1, 'Traceback'),
      ok(),
    ];
    const result = analyze([run('repeating', steps)]);
    // The repeats block; the informative failure between them (the first repro.py) ends the first streak.
    expect(result.byLongestStreak).toEqual({ 1: 1 });
    expect(result.blockingFailures).toBe(2);
    expect(result.informativeFailures.steps).toBe(2);
  });

  it('a successful call in between clears the memory: re-running a test after an edit is new information', () => {
    const steps = [exits('python repro.py', 1, 'Traceback'), ok(), exits('python repro.py', 1, 'Traceback'), ok()];
    expect(analyze([run('iterating', steps)]).informativeFailures.steps).toBe(2);
  });

  it('time-outs, unavailable tools, rate limits, killed commands and unrecorded answers block', () => {
    const steps = [
      ok(),
      failedTool('t1', 'bash', { command: 'pytest' }, 'timeout', { error: { type: 'timeout', message: 'command timed out after 60 s and was killed' }, result: 'The last command timed out' }),
      failedTool('t2', 'get_user', { id: 1 }, 'tool_error', { error: { type: 'tool_error', message: 'unavailable: backend is down' }, result: 'unavailable: get_user backend is down' }),
      failedTool('t3', 'get_user', { id: 2 }, 'ToolError', { result: 'Error: 429 Too Many Requests' }),
      exits('make test', 137, 'Killed'),
      failedTool('t5', 'get_order', { id: 3 }, 'StepError', { error: { type: 'StepError', message: 'Error: order o-1 not found' } }),
      think(),
      ok(),
      ok(),
    ];
    const result = analyze([run('down', steps)]);
    expect(result.byLongestStreak).toEqual({ 5: 1 });
    expect(result.reachingStreak[3]).toEqual({ runs: 1, halted: 0, escalated: 0, continued: 1 });
    expect(result.informativeFailures).toEqual({ steps: 0, runs: 0 });
  });

  it('an informative failure ends a blocking streak, as an answered call does', () => {
    const timeout = (i: number): Step => failedTool(`to${i}`, 'bash', { i }, 'timeout');
    const steps = [timeout(1), timeout(2), exits('ls'), timeout(3), timeout(4), ok(), ok()];
    const result = analyze([run('mixed', steps)]);
    expect(result.byLongestStreak).toEqual({ 2: 1 });
    expect(result.reachingStreak[3]).toBeUndefined();
  });
});

describe('cascades read the run in time order', () => {
  it('counts a streak as the steps happened, not as the file listed them, and agrees with the run view', () => {
    const at = (step: Step, second: number): Step => ({ ...step, startedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString() });
    // In time: ok, fail, fail, fail, then one more tool call. Listed with the last success between the
    // failures, the file's order would show a streak of 2, not 3.
    const inTime = [at(ok(), 0), at(fail(), 1), at(fail(), 2), at(fail(), 3), at(ok(), 4)];
    const listed = [inTime[0], inTime[1], inTime[4], inTime[2], inTime[3]].filter((step): step is Step => step !== undefined);
    const fromListed = analyze([run('r', listed)]);
    const fromTimeOrder = analyze([run('r', inTime)]);
    expect(fromListed.byLongestStreak).toEqual({ 3: 1 });
    expect(fromListed.reachingStreak).toEqual(fromTimeOrder.reachingStreak);
    expect(fromListed.examples[0]?.after).toEqual(['continued', 'continued', 'halted']);
  });
});
