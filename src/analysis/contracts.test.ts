import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { failedTool, llmStep, makeRun, toolStep } from '../../test/support/synthetic-runs.js';
import type { Run, ToolDefinition } from '../model/index.js';
import { createContractAnalyzer, resultShape } from './contracts.js';
import { isJsonPrefix } from './json-prefix.js';

function analyze(runs: readonly Run[]) {
  const analyzer = createContractAnalyzer();
  for (const run of runs) analyzer.add(run);
  return analyzer.finish();
}

const DEFINITIONS: readonly ToolDefinition[] = [
  {
    name: 'lookup_order',
    inputSchema: { type: 'object', properties: { order: { type: 'string' } }, required: ['order'], additionalProperties: false },
    outputSchema: { type: 'object', properties: { status: { type: 'string' } }, required: ['status'] },
  },
  { name: 'note', description: 'no schema' },
];
const withDefinitions = (id: string, steps: Run['steps'], extra: Partial<Run> = {}): Run => makeRun(id, steps, { toolDefinitions: DEFINITIONS, ...extra });

describe('contracts: arguments', () => {
  it('validates arguments against the input schema and tells calls that ran from calls rejected', () => {
    const result = analyze([
      withDefinitions('r', [
        toolStep('ok', 'lookup_order', { order: 'A1' }),
        toolStep('ran', 'lookup_order', { order: 7 }),
        failedTool('rejected', 'lookup_order', { orderId: 'A1' }, 'validation_error'),
        toolStep('as-string', 'lookup_order', '{"order": "A2"}'),
        toolStep('unknown', 'lookup_order', undefined),
        toolStep('no-schema', 'note', { text: 'x' }),
      ]),
      makeRun('no-definitions', [toolStep('t', 'lookup_order', { order: 1 })]),
    ]);
    expect(result.callsInRunsWithDefinitions).toBe(6);
    expect(result.callsWithSchema).toBe(5);
    expect(result.validatedCalls).toBe(4);
    expect(result.argumentViolations.count).toBe(2);
    expect(result.argumentViolations.ran).toBe(1);
    expect(result.argumentViolations.examples.map((e) => e.spanId)).toEqual(['ran', 'rejected']);
    expect(result.argumentViolations.examples[0]?.note).toBe('arguments of lookup_order violate its input schema (/order must be string); still ran');
  });

  it('counts a schema that cannot be compiled apart, and judges nothing by it', () => {
    const broken: ToolDefinition[] = [{ name: 'x', inputSchema: { $ref: 'https://example.com/remote.json' } }];
    const result = analyze([makeRun('r', [toolStep('t', 'x', { a: 1 })], { toolDefinitions: broken })]);
    expect(result.callsWithUnusableSchema).toBe(1);
    expect(result.validatedCalls).toBe(0);
  });

  it('reads 2020-12 schemas by their dialect', () => {
    const definitions: ToolDefinition[] = [
      { name: 'x', inputSchema: { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'array', prefixItems: [{ type: 'number' }], items: false } },
    ];
    const result = analyze([makeRun('r', [toolStep('a', 'x', [1]), toolStep('b', 'x', [1, 2])], { toolDefinitions: definitions })]);
    expect(result.validatedCalls).toBe(2);
    expect(result.argumentViolations.count).toBe(1);
  });
});

describe('contracts: results', () => {
  it('judges any text result as trying JSON.parse on it would', () => {
    // The reference: parse every text, whatever it starts with.
    const reference = (text: string) => {
      const trimmed = text.trim();
      try {
        const parsed: unknown = JSON.parse(trimmed);
        return { structured: typeof parsed === 'object' && parsed !== null, truncated: false };
      } catch {
        return { structured: false, truncated: (trimmed.startsWith('{') || trimmed.startsWith('[')) && isJsonPrefix(trimmed) };
      }
    };
    const texts = fc.oneof(fc.string(), fc.json(), fc.json().map((json) => ` ${json.slice(0, -1)}`), fc.constantFrom('Error: timeout', 'null', '-1', 'tru', ' "x" ', '{'));
    fc.assert(
      fc.property(texts, (text) => {
        const { structured, truncated } = resultShape(text);
        expect({ structured, truncated }).toEqual(reference(text));
      }),
    );
  });

  it('tells structured results from free text', () => {
    const result = analyze([makeRun('r', [toolStep('a', 'x', {}, { result: { a: 1 } }), toolStep('b', 'x', {}, { result: '[1, 2]' }), toolStep('c', 'x', {}, { result: 'Found 2 orders' }), toolStep('d', 'x', {})])]);
    expect(result.results).toEqual({ structured: 2, freeText: 1 });
  });

  it('finds results that violate the output schema or are cut short, and whether the run acted on them', () => {
    const args = { order: 'A1' };
    const result = analyze([
      // Acted on: a later step succeeded and nothing retried or rejected it.
      withDefinitions('acted', [toolStep('bad', 'lookup_order', args, { result: { status: 3 } }), llmStep('l'), toolStep('n', 'note', { t: 1 })]),
      // Rejected: the step was marked failed.
      withDefinitions('marked', [failedTool('bad', 'lookup_order', args, 'malformed_output', { result: '{"status": "sh' }), llmStep('l')]),
      // Rejected: the same call was made again.
      withDefinitions('retried', [toolStep('bad', 'lookup_order', args, { result: {} }), llmStep('l'), toolStep('again', 'lookup_order', args, { result: { status: 'ok' } })]),
      // Rejected: the run ended as a failure.
      withDefinitions('gave-up', [toolStep('bad', 'lookup_order', args, { result: {} }), llmStep('l')], { claimedStatus: 'failure' }),
      // Acted on: nothing came after, but the run claimed success.
      withDefinitions('claimed', [toolStep('bad', 'lookup_order', args, { result: {} })], { claimedStatus: 'success' }),
      // Not acted on: nothing came after and no claim.
      withDefinitions('silent', [toolStep('bad', 'lookup_order', args, { result: {} })]),
      // Cut-short JSON is malformed even without a schema; an MCP result is judged by its structuredContent.
      makeRun('truncated', [toolStep('cut', 'x', {}, { result: '[{"a": 1}, {"b"' }), llmStep('l')]),
      withDefinitions('mcp', [toolStep('ok', 'lookup_order', args, { result: { content: [{ type: 'text', text: '…' }], structuredContent: { status: 'ok' } } })]),
    ]);
    expect(result.malformedResults.count).toBe(7);
    expect(result.malformedResults.actedOn).toBe(3);
    expect(result.malformedResults.examples.map((e) => e.runId)).toEqual(['acted', 'marked', 'retried', 'gave-up', 'claimed', 'silent', 'truncated']);
    expect(result.malformedResults.examples[0]?.note).toBe('result of lookup_order is malformed: it violates the output schema (/status must be string); acted on');
    expect(result.malformedResults.examples[6]?.note).toBe('result of x is malformed: a JSON document cut short; acted on');
    expect(result.resultsWithSchema).toBe(8);
  });
});

describe('contracts: text that is not JSON', () => {
  it('is malformed only where the tool declared an output schema', () => {
    const repr = "{'foo': 'bar', 'n': 1}";
    const result = analyze([
      makeRun('no-schema', [toolStep('a', 'bash', {}, { result: repr }), toolStep('b', 'bash', {}, { result: "[<enum 'MyChoice.A': 'a'>]" }), llmStep('l')]),
      withDefinitions('schema', [toolStep('c', 'lookup_order', { order: 'A1' }, { result: repr }), llmStep('l')]),
    ]);
    expect(result.malformedResults.count).toBe(1);
    expect(result.malformedResults.examples.map((e) => e.runId)).toEqual(['schema']);
  });
});

describe('result shapes', () => {
  it('a string is structured only when it holds a JSON object or array; cut-short JSON is neither', () => {
    expect(resultShape(42)).toEqual({ structured: true, truncated: false, value: 42 });
    expect(resultShape(' {"a": 1} ')).toEqual({ structured: true, truncated: false, value: { a: 1 } });
    expect(resultShape('"quoted"')).toEqual({ structured: false, truncated: false, value: 'quoted' });
    expect(resultShape('{"a": ')).toMatchObject({ structured: false, truncated: true });
    // Starts like JSON but is not a JSON prefix: not JSON cut short.
    expect(resultShape('{not json at all')).toMatchObject({ structured: false, truncated: false });
    expect(resultShape("{'foo': 'bar'}")).toMatchObject({ structured: false, truncated: false });
    expect(resultShape('[metadata]\nname = demo')).toMatchObject({ structured: false, truncated: false });
    expect(resultShape('plain text')).toEqual({ structured: false, truncated: false, value: 'plain text' });
    expect(resultShape('{"structuredContent": {"a": 1}}').value).toEqual({ a: 1 });
  });
});
