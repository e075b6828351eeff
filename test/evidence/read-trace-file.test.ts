import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { detectTraceFormat, readTraceFile, TRACE_READERS } from '../../src/evidence/trace/read-trace-file.js';
import { LineSplitter, type Line, type OversizedLine } from '../../src/evidence/trace/input/line-splitter.js';
import { firstInvalidUtf8 } from '../../src/evidence/trace/otlp/json-reader.js';
import type { TraceFormat, TraceReader } from '../../src/evidence/trace/types.js';
import { jsonLines, OPTIONS, read, span, tempFile, CollectingSink } from './support.js';

describe('recognizing a trace file by its content', () => {
  const cases: [string, string | Uint8Array, TraceFormat | undefined][] = [
    ['OTLP JSON Lines', jsonLines([span({ id: 'r' })]), 'otlp-json'],
    ['OTLP JSON, pretty, after a BOM and blank lines', `\ufeff\n\n${JSON.stringify({ resourceSpans: [] }, null, 2)}`, 'otlp-json'],
    ['OTLP JSON in snake_case', '{"resource_spans": []}', 'otlp-json'],
    ['an OpenAI Agents SDK export', JSON.stringify({ data: [{ object: 'trace', id: 'trace_1', workflow_name: 'w' }, { object: 'trace.span', id: 'span_1', trace_id: 'trace_1', span_data: { type: 'agent' } }] }), 'openai-agents'],
    ['OpenAI Agents items as JSON Lines', '{"object": "trace.span", "id": "span_1", "span_data": {"type": "function"}}\n', 'openai-agents'],
    ['LangSmith runs', '{"id": "r1", "name": "agent", "run_type": "chain", "trace_id": "r1", "parent_run_id": null}\n', 'langsmith'],
    ['JSON of no known shape (the OTLP reader explains)', '{"hello": 1}', 'otlp-json'],
    ['OTLP protobuf (field 1, length-delimited)', Uint8Array.from([0x0a, 0x02, 0x12, 0x00]), 'otlp-protobuf'],
    ['neither', Uint8Array.from([0x7f, 0x45, 0x4c, 0x46]), undefined],
    ['nothing', '   \n', undefined],
  ];
  it.each(cases)('%s', (_name, content, format) => {
    expect(detectTraceFormat(typeof content === 'string' ? Buffer.from(content) : content)).toBe(format);
  });

  it('looks inside gzip', async () => {
    const { runs, sink } = await read(tempFile('traces.dat', gzipSync(jsonLines([span({ id: 'r', attrs: { 'mimir.run.id': 'z' } })]))));
    expect(sink.problems).toEqual([]);
    expect(runs.map((run) => run.id)).toEqual(['z']);
  });

  it('hands each format to its reader', async () => {
    const seen: string[] = [];
    const formats = Object.keys(TRACE_READERS) as TraceFormat[];
    expect(formats.sort()).toEqual(['langsmith', 'openai-agents', 'otlp-json', 'otlp-protobuf']);
    for (const format of formats) {
      const reader: TraceReader = TRACE_READERS[format];
      expect(reader.format).toBe(format);
    }
    const path = tempFile('agents.json', JSON.stringify({ data: [] }).replace('{', '{"object": "trace", '));
    for await (const run of readTraceFile(path, OPTIONS, new CollectingSink())) seen.push(run.id);
    expect(seen).toEqual([]);
  });
});

describe('splitting lines', () => {
  function split(chunks: readonly string[], max = 1024): { lines: [number, number, string, boolean][]; oversized: OversizedLine[] } {
    const lines: [number, number, string, boolean][] = [];
    const oversized: OversizedLine[] = [];
    const splitter = new LineSplitter(
      {
        line: (line: Line) => lines.push([line.number, line.offset, line.bytes.toString(), line.terminated]),
        oversized: (line) => oversized.push(line),
      },
      max,
    );
    for (const chunk of chunks) splitter.push(Buffer.from(chunk));
    splitter.end();
    return { lines, oversized };
  }

  it('splits across chunk boundaries with exact line numbers and byte offsets', () => {
    expect(split(['ab', 'c\r\nde\n', '\nf', 'g']).lines).toEqual([
      [1, 0, 'abc', true],
      [2, 5, 'de', true],
      [3, 8, '', true],
      [4, 9, 'fg', false],
    ]);
  });

  it('skips a line over the limit without holding it, and goes on', () => {
    const result = split(['ok\n', 'x'.repeat(10), 'x'.repeat(10), 'y\nnext\n'], 16);
    expect(result.lines).toEqual([
      [1, 0, 'ok', true],
      [3, 25, 'next', true],
    ]);
    expect(result.oversized).toEqual([{ number: 2, offset: 3, bytes: 21 }]);
  });

  it('finds the first byte that breaks UTF-8', () => {
    expect(firstInvalidUtf8(Buffer.from('héllo'))).toBe(6);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc3]))).toBe(1);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xed, 0xa0, 0x80]))).toBe(1); // a surrogate
    expect(firstInvalidUtf8(Buffer.from([0x61, 0x62, 0xff]))).toBe(2);
  });
});
