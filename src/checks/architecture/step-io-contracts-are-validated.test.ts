import { expect, it } from 'vitest';
import { failedTool, llmStep, makeRun, toolStep } from '../../../test/support/synthetic-runs.js';
import type { Run, Step, ToolDefinition } from '../../model/index.js';
import check from './step-io-contracts-are-validated.js';
import { runCase, testCheck } from '../test-support/check-tester.js';
import { traceEvidence } from '../test-support/traces.js';

const lookup: ToolDefinition = {
  name: 'lookup_order',
  inputSchema: { type: 'object', properties: { order: { type: 'string' } }, required: ['order'] },
  outputSchema: { type: 'object', properties: { status: { type: 'string' } }, required: ['status'] },
};
const note: ToolDefinition = { name: 'add_note', description: 'free text' };

const run = (id: string, steps: Step[], definitions: readonly ToolDefinition[] = [lookup, note]): Run =>
  makeRun(id, steps, { toolDefinitions: definitions, source: { file: 'traces.jsonl', line: 7 } });
const valid = (id: string): Step => toolStep(id, 'lookup_order', { order: 'A1' }, { result: { status: 'shipped' } });
/** The runtime rejected the call with a validation error; the model fixed it. */
const rejectedCall = (id: string): Step[] => [failedTool(`${id}-bad`, 'lookup_order', { orderId: 'A1' }, 'validation_error'), llmStep(`${id}-l`), valid(`${id}-ok`)];

testCheck(check, {
  pass: [
    { name: 'attested yes', answer: 'yes', note: 'zod schemas on all 14 tools, validated before dispatch; model output via structured outputs' },
    { name: 'traces: every tool has a schema and an invalid call was rejected', traces: traceEvidence([run('a', [valid('a1'), ...rejectedCall('a2')], [lookup])]) },
  ],
  fail: [
    { name: 'attested no', answer: 'no', note: 'tool arguments are passed through as the model wrote them' },
    { name: 'traces: a call with invalid arguments ran', traces: traceEvidence([run('a', [valid('a1'), toolStep('a2', 'lookup_order', { order: 42 }, { result: { status: 'refunded' } })])]) },
    { name: 'traces: schemas declared for some tools, none shown enforced', traces: traceEvidence([run('a', [valid('a1'), toolStep('a2', 'add_note', { text: 'x' })])]) },
  ],
  other: [
    { name: 'always applies', answer: 'not-applicable', note: 'our tools are simple', outcome: 'insufficient-evidence', messageIncludes: 'always applies' },
    {
      name: 'traces: partial credit is the share of calls under an enforced contract',
      traces: traceEvidence([run('a', [...rejectedCall('a1'), toolStep('a2', 'add_note', { text: 'x' })])]),
      outcome: 'partial',
      credit: 2 / 3,
    },
    {
      name: 'traces where every call was valid cannot show enforcement',
      traces: traceEvidence([run('a', [valid('a1'), valid('a2')], [lookup])]),
      outcome: 'insufficient-evidence',
      messageIncludes: 'all 2 calls checked were valid',
    },
    {
      name: 'traces without tool definitions cannot decide',
      traces: traceEvidence([makeRun('a', [valid('a1')])]),
      outcome: 'insufficient-evidence',
      messageIncludes: 'gen_ai.tool.definitions',
    },
  ],
});

it('step-io-contracts-are-validated from traces: lists the calls that got through', () => {
  const finding = runCase(check, { name: 'ran', traces: traceEvidence([run('a', [toolStep('a2', 'lookup_order', { order: 42 }, { result: { status: 'refunded' } })])]) });
  expect(finding.message).toBe('1 tool calls ran with arguments that violate their input schema and 0 malformed results were acted on: nothing checked them at the boundary.');
  expect(finding.references).toEqual([
    { kind: 'span', id: 'a2', label: 'arguments of lookup_order violate its input schema (/order must be string); still ran (run a)', file: 'traces.jsonl', line: 7 },
  ]);
});
