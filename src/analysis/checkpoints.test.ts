import { describe, expect, it } from 'vitest';
import { checkpointStep, llmStep, makeRun, toolStep } from '../../test/support/synthetic-runs.js';
import type { Run, Step } from '../model/index.js';
import { createCheckpointAnalyzer, MAX_REMEMBERED_ATTEMPTS } from './checkpoints.js';

function analyze(runs: readonly Run[]) {
  const analyzer = createCheckpointAnalyzer();
  for (const run of runs) analyzer.add(run);
  return analyzer.finish();
}

const write = (id: string, ticket: string): Step => toolStep(id, 'update_ticket', { ticket }, { risk: 'reversible-write' });
const read = (id: string, q: string): Step => toolStep(id, 'search', { q }, { risk: 'read-only' });

/** Updates ticket 1, checkpoints, updates ticket 2, and dies. */
const interrupted = (id: string): Run => makeRun(id, [llmStep('a1'), write('a2', '1'), checkpointStep('a3', 'cp-1'), llmStep('a4'), write('a5', '2')]);

describe('checkpoints', () => {
  it('measures the longest stretch of model and tool calls without a checkpoint, from start to end', () => {
    const result = analyze([
      makeRun('every-two', [llmStep('1'), read('2', 'a'), checkpointStep('c1'), llmStep('3'), read('4', 'b'), checkpointStep('c2'), llmStep('5')]),
      makeRun('never', [llmStep('1'), read('2', 'a'), llmStep('3'), read('4', 'b'), llmStep('5')]),
      makeRun('only-bookkeeping', [checkpointStep('c')]),
    ]);
    expect(result.runs).toBe(3);
    expect(result.runsWithCheckpoints).toBe(2);
    expect(result.longestStretchWithoutCheckpoint).toEqual({ 2: 1, 5: 1 });
    expect(result.longStretchExamples.map((e) => [e.runId, e.steps])).toEqual([
      ['never', 5],
      ['every-two', 2],
    ]);
  });

  it('passes a clean resume: the checkpoint is found, nothing done before is done again', () => {
    const result = analyze([interrupted('r'), makeRun('r', [llmStep('b1'), write('b2', '3')], { resumedFrom: 'cp-1' })]);
    expect(result).toMatchObject({ resumedRuns: 1, matchedResumes: 1, resumesAfterSideEffects: 1, repeatedSideEffects: { count: 0 }, startedOver: { count: 0 } });
  });

  it('finds side effects repeated after a resume, also those done after the checkpoint', () => {
    const result = analyze([interrupted('r'), makeRun('r', [llmStep('b1'), write('b2', '2'), read('b3', 'x'), write('b4', '3')], { resumedFrom: 'cp-1', source: { file: 't.jsonl', line: 9 } })]);
    expect(result.repeatedSideEffects.count).toBe(1);
    expect(result.repeatedSideEffects.examples).toEqual([
      { runId: 'r', spanId: 'b2', file: 't.jsonl', line: 9, note: 'repeats update_ticket, already done in span a5' },
    ]);
  });

  it('finds a resume that started over: it redid every call made before the checkpoint', () => {
    const result = analyze([interrupted('r'), makeRun('r', [write('b1', '1'), write('b2', '2'), write('b3', '3')], { resumedFrom: 'cp-1' })]);
    expect(result.startedOver.count).toBe(1);
    expect(result.repeatedSideEffects.count).toBe(2);
  });

  it('does not count read-only or unclassified calls, or failed ones, as side effects', () => {
    const first = makeRun('r', [read('a1', 'x'), toolStep('a2', 'mystery', { a: 1 }), toolStep('a3', 'update_ticket', { ticket: '9' }, { risk: 'reversible-write', status: 'error' }), checkpointStep('cp')]);
    const resume = makeRun('r', [read('b1', 'x'), toolStep('b2', 'mystery', { a: 1 }), toolStep('b3', 'update_ticket', { ticket: '9' }, { risk: 'reversible-write' })], { resumedFrom: 'cp' });
    const result = analyze([first, resume]);
    expect(result.matchedResumes).toBe(1);
    expect(result.resumesAfterSideEffects).toBe(0);
    expect(result.repeatedSideEffects.count).toBe(0);
  });

  it('follows a chain of resumes: what the first attempt did counts for the third', () => {
    const second = makeRun('r', [checkpointStep('b0', 'cp-2'), write('b1', '3')], { resumedFrom: 'cp-1' });
    const third = makeRun('r', [write('c1', '1')], { resumedFrom: 'cp-2' });
    const result = analyze([interrupted('r'), second, third]);
    expect(result.matchedResumes).toBe(2);
    expect(result.repeatedSideEffects.count).toBe(1);
  });

  it('finds the checkpoint by its id too, and in another run id; a resume of an unknown checkpoint cannot be judged', () => {
    const result = analyze([
      makeRun('first', [write('a1', '1'), checkpointStep('span-77', 'save')]),
      makeRun('second', [write('b1', '1')], { resumedFrom: 'span-77' }),
      makeRun('orphan', [write('c1', '1')], { resumedFrom: 'cp-never-seen' }),
    ]);
    expect(result.resumedRuns).toBe(2);
    expect(result.matchedResumes).toBe(1);
    expect(result.repeatedSideEffects.count).toBe(1);
  });

  it('remembers only the most recent attempts, so memory stays bounded', () => {
    const filler = Array.from({ length: MAX_REMEMBERED_ATTEMPTS }, (_, i) => makeRun(`f${i}`, [checkpointStep(`c${i}`, `cp-f${i}`)]));
    const result = analyze([interrupted('r'), ...filler, makeRun('r', [write('b', '2')], { resumedFrom: 'cp-1' })]);
    expect(result.resumedRuns).toBe(1);
    expect(result.matchedResumes).toBe(0);
  });
});
