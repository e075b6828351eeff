import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { LlmStep, ToolStep } from '../../src/model/index.js';
import { createOtlpJsonReader } from '../../src/evidence/trace/otlp/json-reader.js';
import { attributes, jsonLines, read, readText, request, runById, span, spanId, tempFile, traceId, type JsonValue } from './support.js';

/**
 * Every kind of damage the issue lists: the reader skips or repairs what it must, reports each
 * problem with its file and line (or byte offset), marks the runs it touched as damaged, and
 * never throws.
 */

const outcome = { name: 'gen_ai.evaluation.result', attrs: { 'gen_ai.evaluation.name': 'outcome', 'gen_ai.evaluation.score.label': 'success' } };

/** A complete, successful trace in two lines: its children, then its root. */
function goodTrace(name: string): [JsonValue[], JsonValue[]] {
  return [
    [span({ trace: name, id: `${name}-c`, parent: `${name}-r`, start: 5, attrs: { 'gen_ai.operation.name': 'chat' } })],
    [span({ trace: name, id: `${name}-r`, end: 200, attrs: { 'mimir.run.id': name }, events: [outcome] })],
  ];
}

function lines(...texts: string[]): string {
  return texts.join('\n') + '\n';
}

function line(spans: JsonValue[]): string {
  return JSON.stringify(request(spans));
}

describe('damaged lines', () => {
  it('a truncated last line: reported as truncated at its line and offset, its trace damaged', async () => {
    const [aChildren, aRoot] = goodTrace('a');
    const [bChildren, bRoot] = goodTrace('b');
    const first = line([...aChildren, ...bChildren]);
    // Cut just after b's trace id, which is how it is known which run lost a span.
    const text = `${first}\n${line(aRoot)}\n${line(bRoot).slice(0, line(bRoot).indexOf('"spanId"') + 4)}`;
    const { runs, sink } = await readText(text);
    expect(sink.problems).toMatchObject([
      { code: 'truncated', line: 3, byteOffset: first.length + 1 + line(aRoot).length + 1, file: expect.stringMatching(/traces\.jsonl$/) as string },
      // b's root was in the cut line: b has none.
      { code: 'no-root', line: 1, spanId: spanId('b-c') },
    ]);
    expect(sink.skippedRecords).toBe(1);
    // What followed the cut is unknown, so every trace still held (a waits out its grace period) is damaged too.
    expect(runById(runs, 'a').damaged).toBe(true);
    // b's root was in the cut line: b is damaged and has no root.
    const b = runs.find((run) => run.source?.traceId === traceId('b'));
    expect(b?.damaged).toBe(true);
    expect(sink.damagedRuns.has(b!.id)).toBe(true);
  });

  it('a line cut short in the middle of the file: truncated, the lines after it still read, and no run near it passes as whole', async () => {
    const [children, root] = goodTrace('a');
    const [other, otherRoot] = goodTrace('z');
    const [next, nextRoot] = goodTrace('n');
    const cut = line(other).slice(0, line(other).indexOf('"spanId"'));
    const { runs, sink } = await readText(lines(line(children), cut, line(root), line(otherRoot), line(next), line(nextRoot)));
    expect(sink.problems).toMatchObject([{ code: 'truncated', line: 2 }]);
    // The cut line named z; whatever followed the cut could have belonged to a trace in flight (a)
    // or to one first seen soon after (n): all are damaged.
    expect(runById(runs, 'z').damaged).toBe(true);
    expect(runById(runs, 'a').damaged).toBe(true);
    expect(runById(runs, 'n').damaged).toBe(true);
  });

  it('after the straggler window, traces are no longer suspected', async () => {
    const reader = createOtlpJsonReader({ stragglerRecords: 1 });
    const [children, root] = goodTrace('a');
    const [later, laterRoot] = goodTrace('l');
    const { runs } = await readText(lines('{"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId', line(children), line(root), line(later), line(laterRoot)), {}, 'a.jsonl', reader);
    expect(runById(runs, 'a').damaged).toBe(true);
    expect(runById(runs, 'l').damaged).toBeUndefined();
  });

  it('invalid JSON: reported with its line; only the traces it named are damaged', async () => {
    const [aChildren, aRoot] = goodTrace('a');
    const [bChildren, bRoot] = goodTrace('b');
    const garbled = line(bChildren).replace('"spans":[', '"spans":[,,');
    const { runs, sink } = await readText(lines(line(aChildren), garbled, line(aRoot), line(bRoot)));
    expect(sink.problems).toMatchObject([{ code: 'invalid-json', line: 2, byteOffset: line(aChildren).length + 1 }]);
    expect(runById(runs, 'a').damaged).toBeUndefined();
    expect(runById(runs, 'b')).toMatchObject({ damaged: true, steps: [] });
  });

  it('invalid JSON naming no trace: every trace in flight is damaged', async () => {
    const [aChildren, aRoot] = goodTrace('a');
    const { runs, sink } = await readText(lines(line(aChildren), '{not json at all', line(aRoot)));
    expect(sink.codes()).toEqual(['invalid-json']);
    expect(runById(runs, 'a').damaged).toBe(true);
  });

  it('non-UTF-8 bytes: replaced, reported at the first bad byte, the spans kept and their run damaged', async () => {
    const [children, root] = goodTrace('a');
    const good = Buffer.from(line(children).replace('"name":"a-c"', '"name":"a-c\u00e9X"'));
    const at = good.indexOf('X');
    good[at - 2] = 0xff; // the é's first byte becomes invalid
    const text = Buffer.concat([good, Buffer.from(`\n${line(root)}\n`)]);
    const { runs, sink } = await readText(text);
    expect(sink.problems).toMatchObject([{ code: 'invalid-utf8', line: 1, byteOffset: at - 2 }]);
    expect(runById(runs, 'a')).toMatchObject({ damaged: true, steps: [{ name: 'a-c\ufffd\ufffdX' }] });
  });

  it('a byte order mark and CRLF line ends are not damage', async () => {
    const [children, root] = goodTrace('a');
    const { runs, sink } = await readText(`\ufeff${line(children)}\r\n${line(root)}\r\n`);
    expect(sink.problems).toEqual([]);
    expect(runs).toMatchObject([{ id: 'a', steps: [{ id: spanId('a-c') }] }]);
  });

  it('a line over the length limit is skipped without being held in memory', async () => {
    const reader = createOtlpJsonReader({ maxLineBytes: 2048 });
    const [children, root] = goodTrace('a');
    const huge = line([span({ trace: 'b', id: 'big', attrs: { blob: 'x'.repeat(10_000) } })]);
    const { runs, sink } = await readText(lines(line(children), huge, line(root)), {}, 'a.jsonl', reader);
    expect(sink.problems).toMatchObject([{ code: 'oversized-value', line: 2, byteOffset: line(children).length + 1 }]);
    expect(sink.skippedRecords).toBe(1);
    expect(runById(runs, 'a').damaged).toBe(true);
  });
});

describe('damaged spans and attributes', () => {
  it('wrong attribute types: reported per attribute, the value left unknown, the step kept, the run damaged', async () => {
    const spans: JsonValue[] = [
      {
        ...(span({ id: 'chat', parent: 'root', start: 5, attrs: { 'gen_ai.operation.name': 'chat', 'gen_ai.usage.input_tokens': 'many', 'mimir.confidence': 7 } }) as Record<string, JsonValue>),
        startTimeUnixNano: 'yesterday',
      },
      {
        ...(span({ id: 'tool', parent: 'root', start: 6, attrs: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 't' } }) as Record<string, JsonValue>),
        attributes: [...attributes({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 't' }), { key: 'x', value: { intValue: 'twelve' } }, { value: { stringValue: 'no key' } }, { key: 'y', value: { weird: 1 } }],
        status: { code: 9 },
      },
      span({ id: 'root', end: 100, attrs: { 'mimir.run.id': 'r', 'mimir.trial': true, 'mimir.run.claimed_status': 'done-ish', 'mimir.tool.risk': 'scary' } }),
    ];
    const { runs, sink } = await readText(jsonLines(spans));
    const problems = sink.only('wrong-attribute-type');
    expect(problems.map((problem) => [problem.spanId, problem.message.split(' is ')[0]])).toEqual([
      [spanId('chat'), 'span field startTimeUnixNano'],
      [spanId('chat'), 'attribute gen_ai.usage.input_tokens'],
      [spanId('chat'), 'attribute mimir.confidence'],
      [spanId('tool'), 'span field status.code'],
      [spanId('tool'), 'attribute x has an invalid value an object with intValue: dropped'],
      [spanId('tool'), 'attributes: an entry'],
      [spanId('tool'), 'attribute y has an invalid value an object with weird: dropped'],
      [spanId('root'), 'attribute mimir.trial'],
      [spanId('root'), 'attribute mimir.run.claimed_status'],
    ]);
    expect(problems.every((problem) => problem.line === 1)).toBe(true);
    const run = runById(runs, 'r');
    expect(run).toMatchObject({ damaged: true, claimedStatus: 'unknown' });
    expect(run.trial).toBeUndefined();
    const chat = run.steps.find((step) => step.id === spanId('chat')) as LlmStep;
    expect(chat.inputTokens).toBeUndefined();
    expect(chat.confidence).toBeUndefined();
    expect(chat.startedAt).toBeUndefined();
    expect((run.steps.find((step) => step.id === spanId('tool')) as ToolStep).toolName).toBe('t');
  });

  it('spans without a valid trace or span id are skipped and reported; the trace that lost one is damaged', async () => {
    const [children, root] = goodTrace('a');
    const noTrace = { ...(span({ id: 'x' }) as Record<string, JsonValue>), traceId: 'not-an-id' };
    const noSpan = { ...(span({ trace: 'a', id: 'y', parent: 'a-r' }) as Record<string, JsonValue>), spanId: '' };
    const { runs, sink } = await readText(jsonLines([...children, noSpan], [noTrace], root));
    expect(sink.problems).toMatchObject([
      { code: 'invalid-document', line: 1, message: expect.stringMatching(/without a valid spanId/) as string },
      { code: 'invalid-document', line: 2, message: expect.stringMatching(/without a valid traceId/) as string },
    ]);
    expect(sink.skippedRecords).toBe(2);
    expect(runById(runs, 'a').damaged).toBe(true);
  });

  it('accepts base64 ids (protobuf-to-JSON tools) as well as hex', async () => {
    const hexTrace = traceId('b64');
    const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
    const child = { ...(span({ id: 'c', start: 5 }) as Record<string, JsonValue>), traceId: b64(hexTrace), spanId: b64(spanId('c')), parentSpanId: b64(spanId('r')) };
    const root = { ...(span({ id: 'r', end: 100 }) as Record<string, JsonValue>), traceId: hexTrace.toUpperCase() };
    const { runs, sink } = await readText(jsonLines([child, root]));
    expect(sink.problems).toEqual([]);
    expect(runs).toMatchObject([{ id: hexTrace, steps: [{ id: spanId('c') }] }]);
  });

  it('a 50 MB attribute value is truncated to maxAttributeBytes and reported; the run is damaged', async () => {
    const big = 'é'.repeat(25 * 1024 * 1024); // 50 MiB of UTF-8
    const text = jsonLines([
      span({ id: 'tool', parent: 'root', start: 5, attrs: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'dump', 'gen_ai.tool.call.result': big } }),
      span({ id: 'root', end: 100 }),
    ]);
    const { runs, sink } = await readText(text, { maxAttributeBytes: 4096 });
    expect(sink.problems).toMatchObject([
      { code: 'oversized-value', line: 1, spanId: spanId('tool'), message: expect.stringMatching(/gen_ai\.tool\.call\.result is 52428800 bytes, over the 4096-byte limit/) as string },
    ]);
    const result = (runs[0]!.steps[0] as ToolStep).result as string;
    expect(Buffer.byteLength(result)).toBe(4096);
    expect(result).toBe('é'.repeat(2048));
    expect(runs[0]!.damaged).toBe(true);
  }, 60_000);
});

describe('damaged files', () => {
  it('gzip cut short: the lines before the cut are read, the cut reported once, traces in flight damaged', async () => {
    const [aChildren, aRoot] = goodTrace('a');
    const [bChildren, bRoot] = goodTrace('b');
    const filler = Array.from({ length: 200 }, (_, index) => line(goodTrace(`f${index}`).flat()));
    const text = lines(line(aChildren), line(aRoot), ...filler, line(bChildren), line(bRoot));
    const zipped = gzipSync(text);
    const { runs, sink } = await read(tempFile('cut.jsonl.gz', zipped.subarray(0, Math.floor(zipped.length * 0.8))));
    expect(runById(runs, 'a').damaged).toBeUndefined();
    const cuts = sink.only('truncated');
    expect(cuts).toHaveLength(1);
    expect(cuts[0]!.line).toBeGreaterThan(2);
    expect(runs.length).toBeLessThan(202);
    expect(runs.some((run) => run.damaged === true)).toBe(true);
    // No damaged run passes as complete.
    for (const run of runs) if (run.damaged === true) expect(sink.damagedRuns.has(run.id)).toBe(true);
  });

  it('a whole gzip file reads like the plain one', async () => {
    const [children, root] = goodTrace('a');
    const { runs, sink } = await read(tempFile('ok.json.gz', gzipSync(lines(line(children), line(root)))));
    expect(sink.problems).toEqual([]);
    expect(runs).toMatchObject([{ id: 'a', outcome: { status: 'success' } }]);
  });

  it('corrupt gzip data is reported as unreadable from where it breaks', async () => {
    const [children, root] = goodTrace('a');
    const zipped = gzipSync(lines(line(children), line(root), ...Array.from({ length: 50 }, (_, i) => line(goodTrace(`f${i}`).flat()))));
    const broken = Buffer.from(zipped);
    for (let index = 200; index < 260; index++) broken[index] = 0xaa;
    const { sink } = await read(tempFile('bad.jsonl.gz', broken));
    expect(sink.codes()).toContain('unreadable');
  });

  it('a pretty-printed single document cut short: one problem, located by line', async () => {
    const [children, root] = goodTrace('a');
    const text = JSON.stringify(request([...children, ...root]), null, 2);
    const cutAt = text.indexOf('"mimir.run.id"');
    const { runs, sink } = await readText(text.slice(0, cutAt), {}, 'doc.json');
    expect(runs).toEqual([]);
    expect(sink.problems).toMatchObject([{ code: 'truncated', line: 1 }]);
    expect(sink.skippedRecords).toBe(1);
  });

  it('JSON Lines whose first two lines are damaged are still read as JSON Lines', async () => {
    const [children, root] = goodTrace('a');
    const { runs, sink } = await readText(lines('{"resourceSpans": [', 'garbage', line(children), line(root)));
    expect(sink.problems.map((problem) => [problem.code, problem.line])).toEqual([
      ['truncated', 1],
      ['invalid-json', 2],
    ]);
    expect(runs).toMatchObject([{ id: 'a' }]);
  });

  it('JSON that is not OTLP, binary that is not protobuf, and a missing file', async () => {
    const notOtlp = await readText('{"hello": "world"}\n');
    expect(notOtlp.sink.problems).toMatchObject([{ code: 'invalid-document', line: 1 }]);
    const binary = await readText(Buffer.from([0xde, 0xad, 0xbe, 0xef]), {}, 'x.bin');
    expect(binary.sink.problems).toMatchObject([{ code: 'unknown-format', byteOffset: 0 }]);
    const missing = await read('/nonexistent/traces.jsonl');
    expect(missing.sink.problems).toMatchObject([{ code: 'unreadable', file: '/nonexistent/traces.jsonl' }]);
    for (const result of [notOtlp, binary, missing]) expect(result.sink.skippedRecords).toBe(1);
  });

  it('an empty file is not damage', async () => {
    const { runs, sink } = await readText('');
    expect(runs).toEqual([]);
    expect(sink.problems).toEqual([]);
  });
});
