import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { elementLines } from '../../src/evidence/trace/openai-agents/reader.js';
import { jsonLines, read, readText, request, span, tempFile, type ReadResult } from './support.js';

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
