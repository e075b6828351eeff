import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/shared/errors.js';
import { readLabelsFile } from '../../src/evidence/trace/labels.js';
import { CollectingSink, tempFile } from './support.js';

describe('the labels file', () => {
  it('reads one label per line, by run id, trace id or conversation id, with an optional score', async () => {
    const sink = new CollectingSink();
    const path = tempFile(
      'labels.jsonl',
      [
        '{"run": "run-1", "outcome": "success", "score": 0.9}',
        '',
        '{"run": "4bf92f3577b34da6a3ce929d0e0e4736", "outcome": "failure"}',
        '{"run": "conv-7", "outcome": "SUCCESS", "traceId": "0af7651916cd43dd8448eb211c80319c"}',
      ].join('\n'),
    );
    const labels = await readLabelsFile(path, sink);
    expect(sink.problems).toEqual([]);
    expect(Object.fromEntries(labels)).toEqual({
      'run-1': { outcome: 'success', score: 0.9, line: 1 },
      '4bf92f3577b34da6a3ce929d0e0e4736': { outcome: 'failure', line: 3 },
      'conv-7': { outcome: 'success', line: 4 },
      '0af7651916cd43dd8448eb211c80319c': { outcome: 'success', line: 4, aliasOf: 'conv-7' },
    });
  });

  it('reports every bad line with its line and offset, and keeps the good ones', async () => {
    const sink = new CollectingSink();
    const lines = [
      '{"run": "ok", "outcome": "failure"}',
      '{"run": "x", "outcome": "success"',
      '["run", "y"]',
      '{"outcome": "success"}',
      '{"run": "z", "outcome": "passed"}',
      '{"run": "w", "outcome": "success", "score": 1.5}',
      '{"run": "ok", "outcome": "success"}',
    ];
    const labels = await readLabelsFile(tempFile('labels.jsonl', lines.join('\n')), sink);
    expect([...labels.keys()]).toEqual(['ok']);
    expect(labels.get('ok')?.outcome).toBe('failure');
    const offsets = lines.map((_, index) => lines.slice(0, index).reduce((sum, line) => sum + line.length + 1, 0));
    expect(sink.problems.map((problem) => [problem.code, problem.line, problem.byteOffset])).toEqual([
      ['invalid-label', 2, offsets[1]],
      ['invalid-label', 3, offsets[2]],
      ['invalid-label', 4, offsets[3]],
      ['invalid-label', 5, offsets[4]],
      ['invalid-label', 6, offsets[5]],
      ['invalid-label', 7, offsets[6]],
    ]);
    expect(sink.problems[5]!.message).toMatch(/labels run ok again \(first labelled at line 1\)/);
    expect(sink.skippedRecords).toBe(6);
  });

  it('reads gzip, and makes a missing file a user error', async () => {
    const sink = new CollectingSink();
    const labels = await readLabelsFile(tempFile('labels.jsonl.gz', gzipSync('{"run":"a","outcome":"success"}\n')), sink);
    expect(labels.get('a')?.outcome).toBe('success');
    await expect(readLabelsFile('/nonexistent/labels.jsonl', sink)).rejects.toBeInstanceOf(UserError);
  });
});
