import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { elementLines } from '../../src/evidence/trace/openai-agents/items.js';
import { jsonLines, read, readText, request, span, spanId, tempFile, type ReadResult } from './support.js';

/**
 * Issue 12, point 4: nothing the readers lose passes unseen. Each case here read as a whole, clean
 * input before: no problem, or a problem nobody could find in the file, or a damaged run counted
 * as a success.
 */

function expectLocated({ sink }: ReadResult): void {
  for (const problem of sink.problems) expect(problem.line !== undefined || problem.byteOffset !== undefined, `${problem.code}: ${problem.message}`).toBe(true);
}

const CORPUS = jsonLines([span({ id: 'root', name: 'invoke_agent', end: 500 }), span({ id: 'tool', parent: 'root', name: 'execute_tool lookup', start: 10, end: 20 })]);

describe('a gzip file cut in its first bytes', () => {
  const compressed = gzipSync(Buffer.from(CORPUS));

  it('is a truncated file, located at where it stops, never "no runs and no problem"', async () => {
    for (let cut = 1; cut < 64; cut++) {
      const result = await read(tempFile('cut.jsonl.gz', compressed.subarray(0, cut)));
      expect(result.runs.filter((run) => run.damaged !== true), `cut at ${cut}`).toEqual([]);
      expect(result.sink.problems.length, `cut at ${cut}`).toBeGreaterThan(0);
      expect(result.sink.skippedRecords, `cut at ${cut}`).toBeGreaterThan(0);
      expectLocated(result);
    }
  });

  it('an empty but whole gzip file is simply empty', async () => {
    const result = await read(tempFile('empty.jsonl.gz', gzipSync(Buffer.alloc(0))));
    expect(result.sink.problems).toEqual([]);
    expect(result.runs).toEqual([]);
  });
});

describe('misspelt OTLP container keys', () => {
  const spans = [span({ id: 'root', end: 100 })];

  it('a misspelt scopeSpans is reported with a suggestion, and the loss counted', async () => {
    const document = { resourceSpans: [{ resource: {}, scoqeSpans: [{ spans }] }] };
    const result = await readText(JSON.stringify(document) + '\n');
    expect(result.sink.codes()).toEqual(['invalid-document']);
    expect(result.sink.problems[0]?.message).toContain('did you mean "scopeSpans"?');
    expect(result.sink.problems[0]?.line).toBe(1);
    expect(result.sink.skippedRecords).toBe(1);
  });

  it('a misspelt spans list is reported', async () => {
    const document = { resourceSpans: [{ scopeSpans: [{ scope: {}, spanz: spans }] }] };
    const result = await readText(JSON.stringify(document) + '\n');
    expect(result.sink.problems[0]?.message).toContain('did you mean "spans"?');
  });

  it('a misspelt resourceSpans is reported', async () => {
    const result = await readText(JSON.stringify({ resourceSpanz: [] }) + '\n');
    expect(result.sink.problems[0]?.message).toContain('did you mean "resourceSpans"?');
  });

  it('a container that is merely empty is no problem', async () => {
    const result = await readText(JSON.stringify({ resourceSpans: [{ resource: {}, schemaUrl: 'x' }] }) + '\n');
    expect(result.sink.problems).toEqual([]);
  });
});

describe('a span kind of the wrong type', () => {
  it('is reported at its line and damages the run', async () => {
    const root = { ...(span({ id: 'root', end: 100 }) as object), kind: { evil: true } };
    const result = await readText(JSON.stringify(request([root])) + '\n');
    expect(result.sink.codes()).toEqual(['wrong-attribute-type']);
    expect(result.sink.problems[0]?.line).toBe(1);
    expect(result.runs[0]?.damaged).toBe(true);
  });

  it('named kinds (the protobuf JSON enum names) are read', async () => {
    const root = { ...(span({ id: 'root', end: 100 }) as object), kind: 'SPAN_KIND_SERVER' };
    const result = await readText(JSON.stringify(request([root])) + '\n');
    expect(result.sink.problems).toEqual([]);
  });
});

describe('a root that ends before it starts', () => {
  it('OTLP: the run is damaged, never a success', async () => {
    const root = span({ id: 'root', start: 500, end: 100, events: [{ name: 'gen_ai.evaluation.result', attrs: { 'gen_ai.evaluation.name': 'outcome', 'gen_ai.evaluation.score.label': 'success' } }] });
    const result = await readText(jsonLines([root]));
    expect(result.runs[0]?.damaged).toBe(true);
    expect(result.sink.damagedRuns.size).toBe(1);
    expect(result.sink.codes()).toContain('clock-skew');
  });

  it('LangSmith: the run is damaged', async () => {
    const record = { id: 'r1', trace_id: 'r1', parent_run_id: null, name: 'agent', run_type: 'chain', start_time: '2025-01-01T00:00:05', end_time: '2025-01-01T00:00:01', inputs: {}, outputs: {}, error: null, extra: { metadata: {} } };
    const result = await readText(JSON.stringify(record) + '\n', {}, 'ls.jsonl');
    expect(result.runs[0]?.damaged).toBe(true);
  });

  it('OpenAI Agents: the run is damaged', async () => {
    const items = [
      { object: 'trace', id: 'trace_1', workflow_name: 'w' },
      { object: 'trace.span', id: 'span_1', trace_id: 'trace_1', parent_id: null, started_at: '2025-01-01T00:00:05Z', ended_at: '2025-01-01T00:00:01Z', span_data: { type: 'agent', name: 'a' } },
    ];
    const result = await readText(JSON.stringify({ data: items }, null, 2), {}, 'agents.json');
    expect(result.runs[0]?.damaged).toBe(true);
  });
});

describe('LangSmith status', () => {
  it('status "error" with error null is a failed step', async () => {
    const root = { id: 'r1', trace_id: 'r1', parent_run_id: null, name: 'agent', run_type: 'chain', start_time: '2025-01-01T00:00:00', end_time: '2025-01-01T00:00:05', inputs: {}, outputs: {}, error: null, extra: { metadata: {} } };
    const tool = { ...root, id: 't1', parent_run_id: 'r1', name: 'lookup', run_type: 'tool', status: 'error', start_time: '2025-01-01T00:00:01', end_time: '2025-01-01T00:00:02' };
    const result = await readText([root, tool].map((r) => JSON.stringify(r)).join('\n') + '\n', {}, 'ls.jsonl');
    const step = result.runs[0]?.steps.find((s) => s.name === 'lookup');
    expect(step?.status).toBe('error');
  });

  it('a LangSmith gzip cut mid-stream damages the open runs and says where', async () => {
    const lines = Array.from({ length: 200 }, (_, i) => JSON.stringify({ id: `r${i}`, trace_id: 'r0', parent_run_id: i === 0 ? null : 'r0', name: `n${i}`, run_type: 'tool', start_time: '2025-01-01T00:00:00', end_time: '2025-01-01T00:00:05', inputs: { padding: 'x'.repeat(i) }, outputs: {}, error: null }));
    const compressed = gzipSync(Buffer.from(lines.join('\n') + '\n'));
    const result = await read(tempFile('ls.jsonl.gz', compressed.subarray(0, Math.floor(compressed.length * 0.7))));
    expect(result.sink.codes()).toContain('truncated');
    expect(result.runs.every((run) => run.damaged === true)).toBe(true);
    expectLocated(result);
  });
});

describe('every problem is located', () => {
  it('OpenAI Agents whole-file documents locate each item at its line', async () => {
    const text = '{\n  "data": [\n    {"object": "trace", "id": "t"},\n    {\n      "object": "trace.span", "id": "s,]"\n    },\n    "bad"\n  ]\n}';
    expect(elementLines(text)).toEqual([3, 4, 7]);
    const result = await readText(text, {}, 'agents.json');
    const bad = result.sink.problems.find((problem) => problem.message.includes('not an object'));
    expect(bad?.line).toBe(7);
    expectLocated(result);
  });

  it('run-level problems (trial, claimed status, outcome) point at the root', async () => {
    const root = { id: 'r1', trace_id: 'r1', parent_run_id: null, name: 'agent', run_type: 'chain', start_time: '2025-01-01T00:00:00', end_time: '2025-01-01T00:00:05', inputs: {}, outputs: {}, error: null, extra: { metadata: { 'mimir.trial': 'x', 'mimir.run.claimed_status': 'great', 'mimir.outcome': 'maybe' } } };
    const result = await readText('\n' + JSON.stringify(root) + '\n', {}, 'ls.jsonl');
    expect(result.sink.problems.length).toBe(3);
    for (const problem of result.sink.problems) expect(problem.line).toBe(2);
  });

  it('an unreadable file is located at its first byte', async () => {
    const result = await read('/nonexistent/trace.jsonl');
    expect(result.sink.problems[0]?.byteOffset).toBe(0);
  });
});

/**
 * Issue 16 / issue 12: a misspelt key is reported where it is, with the key it was meant to be,
 * and the run counted partial; a key that is merely unknown (an extension) is not a problem.
 */
describe('misspelt fields are reported, not dropped', () => {
  const root = span({ id: 'root', end: 500 }) as Record<string, unknown>;
  const child = span({ id: 'child', parent: 'root', start: 10, end: 20, attrs: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'lookup' } }) as Record<string, unknown>;
  const rename = (record: Record<string, unknown>, from: string, to: string): Record<string, unknown> =>
    Object.fromEntries(Object.entries(record).map(([key, value]) => [key === from ? to : key, value]));

  it('a misspelt list beside the real one (resourceSpan beside resourceSpans) is a counted loss', async () => {
    const document = { resourceSpans: [{ scopeSpans: [{ spans: [root] }] }], resourceSpan: [{ scopeSpans: [{ spans: [child] }] }] };
    const result = await readText(JSON.stringify(document) + '\n');
    expect(result.sink.codes()).toEqual(['invalid-document']);
    expect(result.sink.problems[0]?.message).toContain('"resourceSpan" (did you mean "resourceSpans"?)');
    expect(result.sink.problems[0]?.line).toBe(1);
    expect(result.sink.skippedRecords).toBe(1);
    expect(result.runs.every((run) => run.damaged === true)).toBe(true);
  });

  for (const [from, to] of [
    ['parentSpanId', 'parentSpanID'],
    ['attributes', 'atributes'],
    ['endTimeUnixNano', 'endTimeUnixNanos'],
  ] as const) {
    it(`a span's ${to} is reported at the span, and damages the run`, async () => {
      const result = await readText(jsonLines([root, rename(child, from, to)] as never));
      const problem = result.sink.problems.find((p) => p.message.includes(`"${to}" (did you mean "${from}"?)`));
      expect(problem, result.sink.problems.map((p) => p.message).join('\n')).toMatchObject({ code: 'wrong-attribute-type', line: 1, spanId: spanId('child') });
      expect(problem?.message).toContain('rename the key');
      expect(result.runs.length).toBeGreaterThan(0);
      expect(result.runs.every((run) => run.damaged === true)).toBe(true);
    });
  }

  it('a span field of the wrong type (kind as a string, a time as an object) is reported', async () => {
    const wrong = { ...child, kind: 'internal', startTimeUnixNano: { nanos: 1 } };
    const result = await readText(jsonLines([root, wrong] as never));
    expect(result.sink.problems.map((p) => p.message)).toEqual([
      expect.stringContaining('span field kind is the string "internal"'),
      expect.stringContaining('span field startTimeUnixNano is an object with nanos'),
    ]);
    expect(result.runs[0]?.damaged).toBe(true);
  });

  it('a misspelt attribute value or status code is reported, not read as empty', async () => {
    const entry = { ...child, attributes: [{ key: 'gen_ai.tool.name', vaule: { stringValue: 'lookup' } }], status: { cod: 2 } };
    const result = await readText(jsonLines([root, entry] as never));
    expect(result.sink.problems.map((p) => p.message)).toEqual([
      expect.stringContaining('"cod" (did you mean "code"?)'),
      expect.stringContaining('"vaule" (did you mean "value"?)'),
    ]);
  });

  it('an unknown key that resembles nothing is not a problem', async () => {
    const result = await readText(jsonLines([root, { ...child, vendorExtension: true }] as never));
    expect(result.sink.problems).toEqual([]);
  });

  it('LangSmith: a misspelt key of a run record is reported at its line; a real field is not', async () => {
    const record = { id: 'r1', trace_id: 'r1', parent_run_id: null, name: 'agent', run_type: 'chain', start_time: '2025-01-01T00:00:00', end_time: '2025-01-01T00:00:05', inputs: {}, outputs: {}, error: null, extra: { metadata: {} } };
    const tool = { ...record, id: 't1', parent_run_ids: ['r1'], name: 'lookup', run_type: 'tool', start_time: '2025-01-01T00:00:01', end_time: '2025-01-01T00:00:02' };
    const misspelt = rename(rename(tool, 'extra', 'extras'), 'parent_run_id', 'parent_run_idd');
    const clean = await readText([record, { ...tool, parent_run_id: 'r1' }].map((r) => JSON.stringify(r)).join('\n') + '\n', {}, 'ls.jsonl');
    expect(clean.sink.problems).toEqual([]);
    const result = await readText([record, misspelt].map((r) => JSON.stringify(r)).join('\n') + '\n', {}, 'ls.jsonl');
    const problem = result.sink.problems.find((p) => p.code === 'invalid-document');
    expect(problem?.line).toBe(2);
    expect(problem?.message).toContain('"parent_run_idd" (did you mean "parent_run_id"?)');
    expect(problem?.message).toContain('"extras" (did you mean "extra"?)');
    expect(result.runs.every((run) => run.damaged === true)).toBe(true);
  });

  it('OpenAI Agents: a misspelt key of an export item is reported at its line', async () => {
    const items = [
      { object: 'trace', id: 'trace_1', workflow_name: 'w', metdata: { 'mimir.task.id': 't' } },
      { object: 'trace.span', id: 'span_1', trace_id: 'trace_1', parent_id: null, started_at: '2025-01-01T00:00:01Z', ended_at: '2025-01-01T00:00:02Z', span_data: { type: 'agent', name: 'a' } },
    ];
    const result = await readText(JSON.stringify({ data: items }, null, 2), {}, 'agents.json');
    expect(result.sink.problems).toHaveLength(1);
    expect(result.sink.problems[0]).toMatchObject({ code: 'invalid-document', line: 3 });
    expect(result.sink.problems[0]?.message).toContain('"metdata" (did you mean "metadata"?)');
    expect(result.runs[0]?.damaged).toBe(true);
  });
});
