import { describe, expect, it } from 'vitest';
import type { Run } from '../../src/model/index.js';
import { createOtlpJsonReader } from '../../src/evidence/trace/otlp/json-reader.js';
import { jsonLines, readText, runById, span, spanId, traceId, type JsonValue } from './support.js';

/** A root and two children in trace `trace`. */
function trace(name: string, options: { rootStart?: number } = {}): { children: JsonValue[]; root: JsonValue } {
  const start = options.rootStart ?? 0;
  return {
    children: [
      span({ trace: name, id: `${name}-a`, parent: `${name}-root`, start: start + 10, end: start + 20, attrs: { 'gen_ai.operation.name': 'chat' } }),
      span({ trace: name, id: `${name}-b`, parent: `${name}-root`, start: start + 30, end: start + 40, attrs: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'x' } }),
    ],
    root: span({ trace: name, id: `${name}-root`, start, end: start + 50, attrs: { 'mimir.run.id': name } }),
  };
}

describe('assembling spans into runs', () => {
  it('assembles a trace whose spans arrive across lines, interleaved with other traces', async () => {
    const one = trace('one');
    const two = trace('two');
    const { runs, sink } = await readText(jsonLines([one.children[0]!, two.children[0]!], [two.children[1]!, one.children[1]!], [two.root], [one.root]));
    expect(sink.problems).toEqual([]);
    expect(runs.map((run) => run.id).sort()).toEqual(['one', 'two']);
    const run = runById(runs, 'one');
    expect(run.damaged).toBeUndefined();
    expect(run.steps.map((step) => step.id)).toEqual([spanId('one-a'), spanId('one-b')]);
    // Children of the root are the run's top-level steps.
    expect(run.steps.every((step) => step.parentId === undefined)).toBe(true);
    expect(run.source).toEqual({ file: expect.any(String) as string, line: 4, traceId: traceId('one') });
  });

  it('orders steps by start time and keeps nested parents', async () => {
    const { runs } = await readText(
      jsonLines([
        span({ id: 'late', parent: 'root', start: 50, end: 60 }),
        span({ id: 'inner', parent: 'early', start: 12, end: 14 }),
        span({ id: 'early', parent: 'root', start: 10, end: 20 }),
        span({ id: 'root', start: 0, end: 100 }),
      ]),
    );
    expect(runs[0]!.steps.map((step) => [step.id, step.parentId])).toEqual([
      [spanId('early'), undefined],
      [spanId('inner'), spanId('early')],
      [spanId('late'), undefined],
    ]);
  });

  it('keeps a root that is itself a model or tool call as a step', async () => {
    const { runs } = await readText(jsonLines([span({ id: 'solo', attrs: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'm' } })]));
    expect(runs[0]!.steps).toMatchObject([{ id: spanId('solo'), kind: 'llm', model: 'm' }]);
  });

  it('emits a complete trace before the end of the input, and holds it a few records for stragglers', async () => {
    const reader = createOtlpJsonReader({ graceRecords: 1 });
    const one = trace('one');
    const late = span({ trace: 'one', id: 'straggler', parent: 'one-root', start: 45, end: 70 });
    // The straggler arrives one record after the root: within the grace period, so it belongs.
    const { runs, sink } = await readText(jsonLines([...one.children, one.root], [late]), {}, 'a.jsonl', reader);
    expect(sink.problems).toEqual([]);
    expect(runs[0]!.steps).toHaveLength(3);
  });

  it('reports a span that arrives after its run was emitted, and counts that run damaged', async () => {
    const reader = createOtlpJsonReader({ graceRecords: 0 });
    const one = trace('one');
    const filler = trace('filler');
    const late = span({ trace: 'one', id: 'straggler', parent: 'one-root', start: 45, end: 70 });
    const { runs, sink } = await readText(jsonLines([...one.children, one.root], filler.children, [late], [filler.root]), {}, 'a.jsonl', reader);
    expect(runs.map((run) => run.id)).toEqual(['one', 'filler']);
    expect(sink.only('missing-parent')).toMatchObject([{ line: 3, spanId: spanId('straggler'), runId: 'one' }]);
    expect(sink.damagedRuns).toEqual(new Set(['one']));
    expect(sink.skippedRecords).toBe(1);
  });

  it('flushes the least recently touched trace when too many are in flight, as damaged when incomplete', async () => {
    const reader = createOtlpJsonReader({ maxTracesInFlight: 2 });
    const lines: JsonValue[][] = [];
    for (const name of ['t1', 't2', 't3', 't4']) lines.push(trace(name).children);
    for (const name of ['t1', 't2', 't3', 't4']) lines.push([trace(name).root]);
    const { runs, sink } = await readText(jsonLines(...lines), {}, 'a.jsonl', reader);
    // t1 and t2 were flushed without their roots; their roots then came alone.
    const flushed = runs.filter((run) => run.damaged === true);
    expect(flushed.length).toBeGreaterThanOrEqual(2);
    expect(sink.only('no-root')[0]!.message).toMatch(/flushed before it completed: more than 2 traces/);
    expect(runs.filter((run) => run.id === 't3' || run.id === 't4').every((run) => run.damaged === undefined && run.steps.length === 2)).toBe(true);
  });

  it('flushes by bytes in flight too; what arrives for a flushed trace later is reported, not made a second run', async () => {
    const reader = createOtlpJsonReader({ maxBytesInFlight: 1 });
    const one = trace('one');
    const { runs, sink } = await readText(jsonLines(one.children, [one.root]), {}, 'a.jsonl', reader);
    expect(runs).toMatchObject([{ id: traceId('one'), damaged: true }]);
    // The stand-in root, the other child's missing parent (at the flush), then the root arriving late.
    expect(sink.codes()).toEqual(['no-root', 'missing-parent', 'missing-parent']);
    expect(sink.skippedRecords).toBe(1);
  });
});

describe('trace integrity', () => {
  async function single(spans: JsonValue[]): Promise<{ run: Run; codes: string[]; sink: Awaited<ReturnType<typeof readText>>['sink'] }> {
    const { runs, sink } = await readText(jsonLines(spans));
    expect(runs).toHaveLength(1);
    return { run: runs[0]!, codes: sink.codes(), sink };
  }

  it('attaches an orphan to the root and reports its missing parent', async () => {
    const { run, sink } = await single([span({ id: 'orphan', parent: 'gone', start: 5 }), span({ id: 'root', end: 100 })]);
    expect(sink.only('missing-parent')).toMatchObject([{ spanId: spanId('orphan'), line: 1, runId: traceId() }]);
    expect(run.damaged).toBe(true);
    expect(run.steps).toMatchObject([{ id: spanId('orphan') }]);
    expect(run.steps[0]!.parentId).toBeUndefined();
  });

  it('breaks a parent cycle and reports it', async () => {
    const { run, sink } = await single([
      span({ id: 'a', parent: 'b', start: 5 }),
      span({ id: 'b', parent: 'a', start: 6 }),
      span({ id: 'self', parent: 'self', start: 7 }),
      span({ id: 'root', end: 100 }),
    ]);
    expect(sink.only('parent-cycle')).toHaveLength(2);
    expect(run.damaged).toBe(true);
    expect(run.steps).toHaveLength(3);
  });

  it('keeps the first of two spans with one id', async () => {
    const { run, sink } = await single([span({ id: 'dup', parent: 'root', name: 'first', start: 5 }), span({ id: 'dup', parent: 'root', name: 'second', start: 6 }), span({ id: 'root', end: 100 })]);
    expect(sink.only('duplicate-span-id')).toMatchObject([{ spanId: spanId('dup'), line: 1 }]);
    expect(run.steps).toMatchObject([{ name: 'first' }]);
    expect(run.damaged).toBe(true);
  });

  it('reports spans that never ended, at the end of the input', async () => {
    const { run, sink } = await single([span({ id: 'hung', parent: 'root', start: 5, end: null }), span({ id: 'root', end: 100 })]);
    expect(sink.only('unended-span')).toMatchObject([{ spanId: spanId('hung'), message: expect.stringMatching(/never ended at the end of the input/) as string }]);
    expect(run.damaged).toBe(true);
    expect(run.steps[0]!.endedAt).toBeUndefined();
  });

  it('picks a stand-in when there is no root, and the earliest when there are several', async () => {
    const none = await single([span({ id: 'x', parent: 'missing', start: 10 }), span({ id: 'y', parent: 'x', start: 20 })]);
    expect(none.codes).toEqual(['no-root']);
    expect(none.run.damaged).toBe(true);
    expect(none.run.steps).toMatchObject([{ id: spanId('y') }]);
    expect(none.run.steps[0]!.parentId).toBeUndefined();

    const two = await single([span({ id: 'r2', start: 50, attrs: { 'mimir.run.id': 'second' } }), span({ id: 'r1', start: 0, end: 200, attrs: { 'mimir.run.id': 'first' } })]);
    expect(two.codes).toEqual(['multiple-roots']);
    expect(two.run).toMatchObject({ id: 'first', damaged: true, steps: [{ id: spanId('r2') }] });
  });

  it('reports clock skew once per trace but does not damage the run for it', async () => {
    const { run, sink } = await single([
      span({ id: 'early', parent: 'root', start: -5000, end: 10 }),
      span({ id: 'late', parent: 'root', start: 10, end: 9000 }),
      span({ id: 'fine', parent: 'root', start: 10, end: 20 }),
      span({ id: 'root', start: 0, end: 100 }),
    ]);
    expect(sink.only('clock-skew')).toMatchObject([{ spanId: spanId('early'), message: expect.stringMatching(/^2 span\(s\)/) as string }]);
    expect(run.damaged).toBeUndefined();
  });
});
