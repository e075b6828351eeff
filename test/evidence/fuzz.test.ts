import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Run } from '../../src/model/index.js';
import { tracesDataType } from '../../src/evidence/trace/otlp/protobuf-schema.js';
import { runsToOtlpLines, spanIdFor, traceIdFor } from '../support/otlp-writer.js';
import { generateSyntheticRuns } from '../support/synthetic-runs.js';
import { read, tempFile, type ReadResult } from './support.js';

/**
 * Fuzzing the readers: whatever the bytes, a read ends (bounded in time), never throws, reports
 * every record it skips, tells the sink about every run it marks damaged, and yields well-formed
 * runs. And under damage it can see (cut lines, garbage lines, a cut file), a run it does not mark
 * damaged is exactly the run that was written: damage never passes as a whole run.
 */

const ORIGINAL = generateSyntheticRuns().runs.slice(0, 30);
const CORPUS = [...runsToOtlpLines(ORIGINAL, { spansPerLine: 3, interleave: 3 })];
const TEXT = Buffer.from(CORPUS.join('\n') + '\n');
/** A generous bound: a read of this corpus takes milliseconds; a hang would take forever. */
const READ_LIMIT_MS = 10_000;

async function boundedRead(bytes: Uint8Array, name: string): Promise<ReadResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`read did not finish within ${READ_LIMIT_MS} ms`));
    }, READ_LIMIT_MS);
  });
  try {
    return await Promise.race([read(tempFile(name, bytes)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** What every read must satisfy, whatever its input. */
function expectSound({ runs, sink }: ReadResult): void {
  // Every skipped record was reported (a report may concern a record repaired, not skipped).
  expect(sink.problems.length).toBeGreaterThanOrEqual(sink.skippedRecords);
  for (const problem of sink.problems) {
    expect(problem.file).toMatch(/\.(jsonl|gz|json|pb)$/);
    // Every problem can be found in its file: a line or a byte offset, always.
    expect(problem.line !== undefined || problem.byteOffset !== undefined, `${problem.code}: ${problem.message}`).toBe(true);
  }
  for (const run of runs) {
    if (run.damaged === true) expect(sink.damagedRuns.has(run.id)).toBe(true);
    const ids = new Set(run.steps.map((step) => step.id));
    expect(ids.size).toBe(run.steps.length);
    for (const step of run.steps) if (step.parentId !== undefined) expect(ids.has(step.parentId)).toBe(true);
    const starts = run.steps.map((step) => step.startedAt).filter((start) => start !== undefined).map((start) => Date.parse(start));
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
  }
}

const mutation = fc.record({
  kind: fc.constantFrom('flip', 'insert', 'delete', 'truncate', 'newline', 'duplicate'),
  at: fc.nat(),
  byte: fc.integer({ min: 0, max: 255 }),
  length: fc.integer({ min: 1, max: 64 }),
});

interface Mutation {
  readonly kind: string;
  readonly at: number;
  readonly byte: number;
  readonly length: number;
}

function mutate(bytes: Buffer, mutations: readonly Mutation[]): Buffer {
  let out = Buffer.from(bytes);
  for (const { kind, at: rawAt, byte, length } of mutations) {
    const at = out.length === 0 ? 0 : rawAt % out.length;
    switch (kind) {
      case 'flip':
        if (out.length > 0) out[at] = byte;
        break;
      case 'insert':
        out = Buffer.concat([out.subarray(0, at), Buffer.alloc(length, byte), out.subarray(at)]);
        break;
      case 'delete':
        out = Buffer.concat([out.subarray(0, at), out.subarray(at + length)]);
        break;
      case 'truncate':
        out = out.subarray(0, at);
        break;
      case 'newline':
        out = Buffer.concat([out.subarray(0, at), Buffer.from('\n'), out.subarray(at)]);
        break;
      default:
        out = Buffer.concat([out.subarray(0, at), out.subarray(at, at + length * 8), out.subarray(at)]);
    }
  }
  return out;
}

describe('fuzzing the OTLP JSON reader', () => {
  it('survives random byte mutations, plain and gzipped', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.boolean(), fc.boolean(), async (mutations, gzip, mutateCompressed) => {
        const bytes = gzip && mutateCompressed ? mutate(gzipSync(TEXT), mutations) : gzip ? gzipSync(mutate(TEXT, mutations)) : mutate(TEXT, mutations);
        expectSound(await boundedRead(bytes, gzip ? 'fuzz.jsonl.gz' : 'fuzz.jsonl'));
      }),
      { numRuns: 120 },
    );
  }, 120_000);

  it('never passes a damaged run as whole: damage it can see marks every run it may have touched', async () => {
    const lineDamage = fc.record({ line: fc.nat(), kind: fc.constantFrom('cut', 'garbage'), at: fc.nat(), garbage: fc.string({ maxLength: 40 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(lineDamage, { minLength: 1, maxLength: 4 }), fc.option(fc.nat(), { nil: undefined }), fc.boolean(), async (damages, fileCut, gzip) => {
        const lines = [...CORPUS];
        for (const { line, kind, at, garbage } of damages) {
          const index = line % lines.length;
          const text = lines[index] as string;
          // A line cut to nothing is a deleted line, which no reader can see: cut inside it, and
          // leave a line already cut to one character as it is (cutting it again would empty it).
          const cut = text.length <= 1 ? text : text.slice(0, 1 + (at % (text.length - 1)));
          lines[index] = kind === 'cut' ? cut : `#${garbage}`;
        }
        let bytes = Buffer.from(lines.join('\n') + '\n');
        if (gzip) bytes = gzipSync(bytes);
        if (fileCut !== undefined) bytes = bytes.subarray(0, fileCut % bytes.length);
        const result = await boundedRead(bytes, gzip ? 'damaged.jsonl.gz' : 'damaged.jsonl');
        expectSound(result);
        const byTrace = new Map(ORIGINAL.map((run, index) => [traceIdFor(run.id, index), run]));
        for (const run of result.runs) {
          if (run.damaged === true) continue;
          const original = byTrace.get(run.source?.traceId ?? '');
          expect(original, `undamaged run ${run.id} was written`).toBeDefined();
          expect(stepsOf(run, (id) => id)).toEqual(stepsOf(original!, (id) => spanIdFor(original!.id, id)));
        }
      }),
      { numRuns: 120 },
    );
  }, 120_000);

  it('survives random JSON of OTLP shape', async () => {
    const pick = <T>(values: readonly T[]) => fc.constantFrom(...values);
    const hex = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((array) => Buffer.from(array).toString('hex'));
    const traceId = fc.oneof(pick(['0'.repeat(31) + '1', 'a'.repeat(32), 'b'.repeat(32)]), hex(16), fc.string(), fc.integer(), fc.constant(null));
    const spanId = fc.oneof(pick(['000000000000000a', '000000000000000b', '000000000000000c', '000000000000000d']), hex(8), fc.constant(''), fc.integer());
    const time = fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n }).map(String), fc.integer(), fc.string(), fc.constant('0'));
    const { value: anyValue } = fc.letrec<{ value: unknown }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.record({ stringValue: fc.oneof(fc.string(), fc.json(), fc.constant('[{"role":"user","parts":[{"type":"text","content":"x"}]}]')) }),
        fc.record({ intValue: fc.oneof(fc.integer().map(String), fc.string(), fc.double()) }),
        fc.record({ doubleValue: fc.oneof(fc.double(), fc.string()) }),
        fc.record({ boolValue: fc.oneof(fc.boolean(), fc.string()) }),
        fc.record({ arrayValue: fc.record({ values: fc.array(tie('value'), { maxLength: 3 }) }) }),
        fc.record({ kvlistValue: fc.record({ values: fc.array(fc.record({ key: fc.string(), value: tie('value') }), { maxLength: 3 }) }) }),
        fc.anything(),
      ),
    }));
    const key = fc.oneof(
      pick([
        'gen_ai.operation.name',
        'gen_ai.tool.name',
        'gen_ai.input.messages',
        'gen_ai.output.messages',
        'gen_ai.tool.call.result',
        'gen_ai.usage.input_tokens',
        'gen_ai.tool.definitions',
        'ai.operationId',
        'ai.prompt.messages',
        'openinference.span.kind',
        'llm.input_messages.0.message.role',
        'mimir.run.id',
        'mimir.trial',
        'mimir.approval.decision',
        'mimir.checkpoint.id',
        'mimir.step.kind',
        'error.type',
      ]),
      fc.string(),
    );
    const attributeList = fc.oneof(fc.array(fc.record({ key, value: anyValue }, { requiredKeys: [] }), { maxLength: 6 }), fc.anything());
    const span = fc.record(
      {
        traceId,
        spanId,
        parentSpanId: fc.oneof(spanId, fc.constant('')),
        name: fc.oneof(fc.string(), pick(['ai.toolCall', 'ai.generateText.doGenerate', 'execute_tool x']), fc.integer()),
        startTimeUnixNano: time,
        endTimeUnixNano: time,
        attributes: attributeList,
        events: fc.oneof(fc.array(fc.record({ name: fc.oneof(fc.string(), pick(['exception', 'gen_ai.evaluation.result', 'gen_ai.user.message'])), timeUnixNano: time, attributes: attributeList }), { maxLength: 3 }), fc.anything()),
        status: fc.oneof(fc.record({ code: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.string()), message: fc.string() }), fc.anything()),
      },
      { requiredKeys: [] },
    );
    const document = fc.oneof(
      { weight: 5, arbitrary: fc.record({ resourceSpans: fc.array(fc.record({ scopeSpans: fc.array(fc.record({ spans: fc.array(span, { maxLength: 5 }) }), { maxLength: 2 }) }), { maxLength: 2 }) }) },
      { weight: 1, arbitrary: fc.anything() },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(document, { minLength: 1, maxLength: 6 }), fc.boolean(), async (documents, pretty) => {
        const text = pretty
          ? ((JSON.stringify(documents.length === 1 ? documents[0] : documents, null, 2) as string | undefined) ?? 'null')
          : documents.map((doc) => (JSON.stringify(doc) as string | undefined) ?? 'null').join('\n');
        expectSound(await boundedRead(Buffer.from(text), 'random.json'));
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});

describe('fuzzing the classes of silent loss (issue 12)', () => {
  const compressed = gzipSync(TEXT);

  it('a gzip file cut in its first bytes is never "no runs, no problem"', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 120 }), async (cut) => {
        const result = await boundedRead(compressed.subarray(0, cut), 'cut.jsonl.gz');
        expectSound(result);
        expect(result.sink.problems.length).toBeGreaterThan(0);
        expect(result.runs.filter((run) => run.damaged !== true)).toEqual([]);
      }),
      { numRuns: 60 },
    );
  }, 120_000);

  it('a misspelt container key is reported, and its loss counted', async () => {
    const containers = ['resourceSpans', 'scopeSpans', 'spans'];
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.constantFrom(...containers), fc.nat(), fc.string({ minLength: 1, maxLength: 2 }), async (line, container, at, replacement) => {
        const lines = [...CORPUS];
        const index = line % lines.length;
        const position = at % container.length;
        const misspelt = container.slice(0, position) + replacement + container.slice(position + 1);
        fc.pre(misspelt !== container && !['resource_spans', 'scope_spans'].includes(misspelt));
        lines[index] = (lines[index] as string).replace(`"${container}":`, `${JSON.stringify(misspelt)}:`);
        const result = await boundedRead(Buffer.from(lines.join('\n') + '\n'), 'misspelt.jsonl');
        expectSound(result);
        expect(result.sink.skippedRecords).toBeGreaterThan(0);
        expect(result.sink.problems.some((problem) => problem.line === index + 1)).toBe(true);
      }),
      { numRuns: 60 },
    );
  }, 120_000);

  it('a misspelt span field is reported at its line and damages a run, never dropped unseen', async () => {
    // Span-only keys (resource and scope attributes carry nothing mimir reads); a one-character
    // change, which is how keys get misspelt by hand or by a buggy exporter.
    const fields = ['parentSpanId', 'startTimeUnixNano', 'endTimeUnixNano', 'kind'];
    const known = new Set([...fields, 'traceId', 'spanId', 'name', 'attributes', 'events', 'status', 'links', 'flags', 'traceState', 'parent_span_id', 'start_time_unix_nano', 'end_time_unix_nano']);
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.constantFrom(...fields), fc.nat(), fc.string({ minLength: 1, maxLength: 1 }), async (line, field, at, replacement) => {
        const lines = [...CORPUS];
        const index = line % lines.length;
        const position = at % field.length;
        const misspelt = field.slice(0, position) + replacement + field.slice(position + 1);
        fc.pre(!known.has(misspelt) && misspelt.toLowerCase() !== field.toLowerCase() && (lines[index] as string).includes(`"${field}":`));
        lines[index] = (lines[index] as string).replace(`"${field}":`, `${JSON.stringify(misspelt)}:`);
        const result = await boundedRead(Buffer.from(lines.join('\n') + '\n'), 'misspelt-field.jsonl');
        expectSound(result);
        const problem = result.sink.problems.find((candidate) => candidate.line === index + 1 && candidate.message.includes(`did you mean "${field}"?`));
        expect(problem, result.sink.problems.map((candidate) => candidate.message).join('\n')).toBeDefined();
        expect(result.sink.damagedRuns.size).toBeGreaterThan(0);
      }),
      { numRuns: 60 },
    );
  }, 120_000);

  it('a misspelt key of a LangSmith or Agents SDK record is reported at its line', async () => {
    const langSmithRoot = { id: 'r1', trace_id: 'r1', parent_run_id: null, name: 'agent', run_type: 'chain', start_time: '2025-01-01T00:00:00', end_time: '2025-01-01T00:00:05', inputs: {}, outputs: {}, error: null, extra: { metadata: {} } };
    const langSmith = { ...langSmithRoot, id: 't1', parent_run_id: 'r1', name: 'lookup', run_type: 'tool' };
    const agents = { object: 'trace.span', id: 'span_1', trace_id: 'trace_1', parent_id: null, started_at: '2025-01-01T00:00:01Z', ended_at: '2025-01-01T00:00:02Z', span_data: { type: 'agent', name: 'a' }, error: null };
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.nat(), fc.nat(), fc.constantFrom('x', 'q', 'Z', '_', '0'), async (useLangSmith, pick, at, replacement) => {
        const record: Record<string, unknown> = useLangSmith ? langSmith : agents;
        const keys = Object.keys(record).filter((key) => key.length > 3 && key !== 'object');
        const key = keys[pick % keys.length] as string;
        const position = at % key.length;
        const misspelt = key.slice(0, position) + replacement + key.slice(position + 1);
        fc.pre(misspelt.replaceAll('_', '').toLowerCase() !== key.replaceAll('_', '').toLowerCase() && !(misspelt in record));
        const mutated = Object.fromEntries(Object.entries(record).map(([k, v]) => [k === key ? misspelt : k, v]));
        const text = useLangSmith
          ? [langSmithRoot, mutated].map((item) => JSON.stringify(item)).join('\n') + '\n'
          : JSON.stringify({ data: [{ object: 'trace', id: 'trace_1', workflow_name: 'w' }, mutated] }, null, 2);
        const result = await boundedRead(Buffer.from(text), useLangSmith ? 'ls.jsonl' : 'agents.json');
        expectSound(result);
        expect(result.sink.problems.some((problem) => problem.message.includes(`did you mean "${key}"?`)), `${key} → ${misspelt}: ${result.sink.problems.map((p) => p.message).join(' | ')}`).toBe(true);
      }),
      { numRuns: 60 },
    );
  }, 120_000);

  it('a root whose times are reversed is damaged, never a success', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), async (pick) => {
        const victim = ORIGINAL[pick % ORIGINAL.length] as Run;
        const victimTrace = traceIdFor(victim.id, pick % ORIGINAL.length);
        let reversed = false;
        const lines = CORPUS.map((line) => {
          const document = JSON.parse(line) as { resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[] };
          for (const resource of document.resourceSpans) {
            for (const scope of resource.scopeSpans) {
              for (const span of scope.spans) {
                if (span.traceId !== victimTrace || (span.parentSpanId !== undefined && span.parentSpanId !== '')) continue;
                // A root that lasts no time, or never ended, has nothing to reverse.
                if (span.startTimeUnixNano === undefined || span.endTimeUnixNano === undefined || span.startTimeUnixNano === span.endTimeUnixNano) continue;
                reversed = true;
                [span.startTimeUnixNano, span.endTimeUnixNano] = [span.endTimeUnixNano, span.startTimeUnixNano];
              }
            }
          }
          return JSON.stringify(document);
        });
        fc.pre(reversed);
        const result = await boundedRead(Buffer.from(lines.join('\n') + '\n'), 'reversed.jsonl');
        expectSound(result);
        const run = result.runs.find((candidate) => candidate.source?.traceId === victimTrace);
        expect(run?.damaged).toBe(true);
      }),
      { numRuns: 30 },
    );
  }, 120_000);

  it('a span kind of the wrong type is reported at its line', async () => {
    const wrongKind = fc.oneof(fc.string().filter((text) => !text.startsWith('SPAN_KIND_')), fc.integer({ min: 6 }), fc.double({ noInteger: true, noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.array(fc.nat()), fc.object());
    await fc.assert(
      fc.asyncProperty(fc.nat(), wrongKind, async (line, kind) => {
        const lines = [...CORPUS];
        const index = line % lines.length;
        const document = JSON.parse(lines[index] as string) as { resourceSpans: { scopeSpans: { spans: Record<string, unknown>[] }[] }[] };
        const first = document.resourceSpans[0]?.scopeSpans[0]?.spans[0];
        fc.pre(first !== undefined);
        first.kind = kind;
        lines[index] = JSON.stringify(document);
        const result = await boundedRead(Buffer.from(lines.join('\n') + '\n'), 'kind.jsonl');
        expectSound(result);
        expect(result.sink.problems.some((problem) => problem.code === 'wrong-attribute-type' && problem.line === index + 1 && problem.message.includes('kind'))).toBe(true);
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});

/** The JSON Lines corpus as one protobuf TracesData message, encoded with our schema. */
function toProtobuf(lines: readonly string[]): Uint8Array {
  const ids = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(ids);
    if (typeof value !== 'object' || value === null) return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, ['traceId', 'spanId', 'parentSpanId'].includes(key) && typeof inner === 'string' ? Buffer.from(inner, 'hex') : ids(inner)]),
    );
  };
  const resourceSpans = lines.flatMap((line) => (JSON.parse(line) as { resourceSpans: unknown[] }).resourceSpans.map(ids));
  const type = tracesDataType();
  return type.encode(type.fromObject({ resourceSpans })).finish();
}

describe('fuzzing the OTLP protobuf reader', () => {
  const protobuf = Buffer.from(toProtobuf(CORPUS));

  it('reads what the JSON reader reads', async () => {
    const fromJson = await read(tempFile('corpus.jsonl', TEXT));
    const fromProtobuf = await read(tempFile('corpus.pb', protobuf));
    const strip = (runs: readonly Run[]) => runs.map(({ source, ...run }) => ({ ...run, traceId: source?.traceId })).sort((a, b) => (a.traceId ?? '').localeCompare(b.traceId ?? ''));
    expect(strip(fromProtobuf.runs)).toEqual(strip(fromJson.runs));
  });

  it('survives random byte mutations', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 6 }), async (mutations) => {
        expectSound(await boundedRead(mutate(protobuf, mutations), 'fuzz.pb'));
      }),
      { numRuns: 120 },
    );
  }, 120_000);
});

function stepsOf(run: Run, mapId: (id: string) => string): unknown {
  return {
    id: run.id,
    claimedStatus: run.claimedStatus,
    outcome: run.outcome.status,
    steps: run.steps.map(({ id, parentId, ...rest }) => ({ ...rest, id: mapId(id), parentId: parentId === undefined ? undefined : mapId(parentId) })),
  };
}
