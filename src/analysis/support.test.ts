import { describe, expect, it } from 'vitest';
import { makeRun, toolStep } from '../../test/support/synthetic-runs.js';
import { addTopExample, callKey, countAbove, durationSeconds, failureReason, nearestRank, runRef, toHistogram, toReferences } from './support.js';
import { MAX_EXAMPLES } from './types.js';

describe('callKey', () => {
  it('ignores key order and tells tools apart', () => {
    expect(callKey(toolStep('a', 'search', { q: 'x', page: 1 }))).toBe(callKey(toolStep('b', 'search', { page: 1, q: 'x' })));
    expect(callKey(toolStep('a', 'search', { q: 'x' }))).not.toBe(callKey(toolStep('b', 'lookup', { q: 'x' })));
  });

  it('is unknown when the arguments were not captured', () => {
    expect(callKey(toolStep('a', 'search', undefined))).toBeUndefined();
  });
});

describe('durationSeconds', () => {
  it('needs both times, in order', () => {
    expect(durationSeconds('2026-01-01T00:00:00Z', '2026-01-01T00:00:01.500Z')).toBe(1.5);
    expect(durationSeconds('2026-01-01T00:00:02Z', '2026-01-01T00:00:01Z')).toBeUndefined();
    expect(durationSeconds(undefined, '2026-01-01T00:00:01Z')).toBeUndefined();
    expect(durationSeconds('not a time', '2026-01-01T00:00:01Z')).toBeUndefined();
  });
});

describe('addTopExample', () => {
  it('keeps the largest, largest first, earlier first among equals, never more than MAX_EXAMPLES', () => {
    const kept: { id: number; size: number }[] = [];
    const sizes = [3, 9, 1, 9, 4, 7, 7, 2, 8, 5, 6, 0, 10, 3];
    for (const [id, size] of sizes.entries()) addTopExample(kept, { id, size }, (e) => e.size);
    expect(kept).toHaveLength(MAX_EXAMPLES);
    expect(kept.map((e) => e.size)).toEqual([10, 9, 9, 8, 7, 7, 6, 5, 4, 3]);
    expect(kept.filter((e) => e.size === 9).map((e) => e.id)).toEqual([1, 3]);
    expect(kept.at(-1)?.id).toBe(0);
  });
});

describe('histograms', () => {
  it('nearest rank is an observed value', () => {
    const counts = new Map([
      [3, 2],
      [10, 1],
      [4, 1],
    ]);
    expect(nearestRank(counts, 0.5)).toBe(3);
    expect(nearestRank(counts, 0.75)).toBe(4);
    expect(nearestRank(counts, 0.9)).toBe(10);
    expect(nearestRank(counts, 1)).toBe(10);
    expect(nearestRank(new Map(), 0.5)).toBeUndefined();
  });

  it('counts above a threshold', () => {
    const histogram = toHistogram(
      new Map([
        [5, 2],
        [1, 4],
        [3, 1],
      ]),
    );
    expect(Object.keys(histogram)).toEqual(['1', '3', '5']);
    expect(countAbove(histogram, 3)).toBe(2);
    expect(countAbove(histogram, 0)).toBe(7);
  });
});

describe('references', () => {
  it('point at the span with the run named, or at the run, with the file and line', () => {
    const run = makeRun('run-7', [], { source: { file: 'traces.jsonl', line: 12 } });
    expect(toReferences([runRef(run, 'span-1', 'tool failed'), runRef(run)])).toEqual([
      { kind: 'span', id: 'span-1', label: 'tool failed (run run-7)', file: 'traces.jsonl', line: 12 },
      { kind: 'run', id: 'run-7', file: 'traces.jsonl', line: 12 },
    ]);
    expect(toReferences([runRef(makeRun('r', []), 's')])).toEqual([{ kind: 'span', id: 's', label: 'in run r' }]);
  });
});

describe('failureReason', () => {
  it('gives the recorded message with its type, leaving out the catch-all _OTHER', () => {
    expect(failureReason({ type: '_OTHER', message: 'upstream timed out' })).toBe('upstream timed out');
    expect(failureReason({ type: 'timeout', message: ' upstream timed out ' })).toBe('upstream timed out (timeout)');
    expect(failureReason({ type: 'error-result' })).toBe('error-result');
    expect(failureReason({ type: '_OTHER' })).toBe('no reason recorded');
    expect(failureReason(undefined)).toBe('no reason recorded');
    expect(failureReason({ type: 'x', message: 'y'.repeat(200) })).toBe(`${'y'.repeat(79)}… (x)`);
  });
});
