import { describe, expect, it } from 'vitest';
import { llmStep, makeRun, stateWriteStep, toolStep } from '../../test/support/synthetic-runs.js';
import type { Run, StateWrite, Step } from '../model/index.js';
import { createStateWriteAnalyzer } from './state-writes.js';

function analyze(runs: readonly Run[]) {
  const analyzer = createStateWriteAnalyzer();
  for (const run of runs) analyzer.add(run);
  return analyzer.finish();
}

const T0 = Date.UTC(2026, 10, 24, 9, 0, 0);
const at = (ms: number): string => new Date(T0 + ms).toISOString();
/** A write that ran from `start` to `end` ms after T0. */
const write = (id: string, stateWrite: StateWrite, start: number, end: number, fields: Partial<Step> = {}): Step =>
  stateWriteStep(id, stateWrite, { startedAt: at(start), endedAt: at(end), ...(fields as object) });

describe('state writes', () => {
  it('passes a chain of compare-and-set writes: each based on the version the previous one wrote', () => {
    const result = analyze([
      makeRun('r', [
        llmStep('l'),
        write('w1', { key: 'case/7', baseVersion: 'v1', version: 'v2' }, 0, 10),
        write('w2', { key: 'case/7', baseVersion: 'v2', version: 'v3' }, 20, 30),
        write('w3', { key: 'notes', merge: 'append' }, 20, 30),
      ]),
    ]);
    expect(result).toMatchObject({ runsWithWrites: 1, writes: 3, keys: 2, versioned: 2, merged: 1, judged: 1, lostUpdates: { count: 0 }, blindConcurrentWrites: { count: 0 } });
  });

  it('finds a lost update: two branches read v1, the second write succeeds after the first wrote v2', () => {
    const result = analyze([
      makeRun('r', [
        write('a', { key: 'case/7', baseVersion: 'v1', version: 'v2' }, 0, 10),
        write('b', { key: 'case/7', baseVersion: 'v1', version: 'v2b' }, 5, 15),
      ], { source: { file: 't.jsonl', line: 3 } }),
    ]);
    expect(result.lostUpdates.count).toBe(1);
    expect(result.lostUpdates.examples).toEqual([
      { runId: 'r', spanId: 'b', file: 't.jsonl', line: 3, note: 'write to "case/7" based on version v1 succeeded after version v2 was written (written by span a)' },
    ]);
  });

  it('takes writes in the order they completed, not the order they were recorded', () => {
    const result = analyze([
      makeRun('r', [
        write('late', { key: 'k', baseVersion: 'v2', version: 'v3' }, 20, 30),
        write('early', { key: 'k', baseVersion: 'v1', version: 'v2' }, 0, 10),
      ]),
    ]);
    expect(result.lostUpdates.count).toBe(0);
    expect(result.judged).toBe(1);
  });

  it('counts a write refused on a conflict as a detected conflict, not a write', () => {
    const result = analyze([
      makeRun('r', [
        write('a', { key: 'k', baseVersion: 'v1', version: 'v2' }, 0, 10),
        write('b', { key: 'k', baseVersion: 'v1' }, 5, 15, { status: 'error', error: { type: 'ConflictError', message: 'etag mismatch' } }),
      ]),
    ]);
    expect(result).toMatchObject({ writes: 1, conflictsDetected: 1, lostUpdates: { count: 0 } });
  });

  it('finds blind overlapping writes to one key, but not sequential ones or writes to other keys', () => {
    const result = analyze([
      makeRun('overlap', [write('a', { key: 'k' }, 0, 10), write('b', { key: 'k' }, 5, 15), write('c', { key: 'other' }, 5, 15)]),
      makeRun('sequential', [write('a', { key: 'k' }, 0, 10), write('b', { key: 'k' }, 10, 20)]),
    ]);
    expect(result.blindConcurrentWrites.count).toBe(1);
    expect(result.blindConcurrentWrites.examples[0]).toMatchObject({ runId: 'overlap', spanId: 'b' });
    expect(result.plainExamples).toHaveLength(5);
    expect(result).toMatchObject({ writes: 5, keys: 3, versioned: 0, merged: 0 });
  });

  it('does not judge a write whose predecessor recorded no version', () => {
    const result = analyze([makeRun('r', [write('a', { key: 'k' }, 0, 10), write('b', { key: 'k', baseVersion: 'v9' }, 20, 30)])]);
    expect(result).toMatchObject({ versioned: 1, judged: 0, lostUpdates: { count: 0 } });
  });

  it('counts write-class tool calls that name no key, and state writes made by tool calls', () => {
    const result = analyze([
      makeRun('r', [
        toolStep('t1', 'update_ticket', { id: 1 }, { risk: 'reversible-write' }),
        toolStep('t2', 'search', { q: 'x' }, { risk: 'read-only' }),
        toolStep('t3', 'update_case', { id: 2 }, { risk: 'irreversible-write', stateWrite: { key: 'case/2', baseVersion: 'v1', version: 'v2' } }),
      ]),
    ]);
    expect(result).toMatchObject({ unkeyedWriteCalls: 1, writes: 1, versioned: 1 });
  });

  it('measures nothing in runs without state writes', () => {
    expect(analyze([makeRun('r', [llmStep('l')])])).toMatchObject({ runsWithWrites: 0, writes: 0, keys: 0 });
  });
});
