import { describe, expect, it } from 'vitest';
import type { LlmStep, Message, Run } from '../../model/index.js';
import check from './context-bleed-is-bounded.js';
import { runCase, testCheck } from '../test-support/check-tester.js';
import { traceEvidence } from '../test-support/traces.js';

const SYSTEM = 'You are the back-office assistant of Acme. Follow the refund policy exactly: refunds need an order number, a reason, and an amount no larger than the order total. Never guess.';
const GOAL = 'Refund order 4411 for Dana Smith: the blender arrived broken and she wants the money back on her card.';
const HISTORY = 'I looked up the order, checked the refund policy, and compared the amount with the order total. '.repeat(12);

const llm = (id: string, inputMessages: readonly Message[]): LlmStep => ({ id, kind: 'llm', name: 'chat', status: 'ok', inputMessages });
const run = (id: string, ...calls: (readonly Message[])[]): Run => ({
  id,
  steps: calls.map((messages, i) => llm(`${id}-llm-${i}`, messages)),
  claimedStatus: 'success',
  outcome: { status: 'unknown', source: 'test' },
  source: { file: 'traces.jsonl', line: 1 },
});
const instructions: Message[] = [{ role: 'system', content: SYSTEM }, { role: 'user', content: GOAL }];
/** Two calls; the second carries a short plan: the agent's share stays small. */
const lean = (id: string): Run => run(id, instructions, [...instructions, { role: 'assistant', content: 'Looking up order 4411.' }]);
/** Two calls; the second is mostly the agent's own history, restated. */
const bloated = (id: string): Run =>
  run(id, instructions, [...instructions, { role: 'assistant', content: HISTORY }, { role: 'assistant', content: HISTORY.toUpperCase() }]);
/** Two calls; the second is mostly data a successful tool call fetched: the task's material, not bleed. */
const fetched = (id: string): Run => {
  const data = JSON.stringify(Array.from({ length: 40 }, (_, i) => ({ flight: `HAT${100 + i}`, seats: i, price: 100 + i })));
  return {
    ...run(id, instructions),
    steps: [
      llm(`${id}-llm-0`, instructions),
      { id: `${id}-tool`, kind: 'tool', name: 'execute_tool search', toolName: 'search', status: 'ok', result: data },
      llm(`${id}-llm-1`, [...instructions, { role: 'assistant', content: 'Searching flights.' }, { role: 'tool', content: data }]),
    ],
  };
};
/** Two calls; the second is mostly what a blocking failure answered: the agent's dead end coming back. */
const mistaken = (id: string): Run => {
  const error = `Error: payments backend unavailable (503), retry later. ${HISTORY}`;
  return {
    ...run(id, instructions),
    steps: [
      llm(`${id}-llm-0`, instructions),
      { id: `${id}-tool`, kind: 'tool', name: 'execute_tool book', toolName: 'book', status: 'error', error: { type: 'ToolError', message: error }, result: error },
      llm(`${id}-llm-1`, [...instructions, { role: 'assistant', content: 'Booking.' }, { role: 'tool', content: error }]),
    ],
  };
};

testCheck(check, {
  pass: [
    { name: 'attested yes', answer: 'yes', note: 'tool results summarised after use; self share peaks at 0.45 on 20-step runs in our dashboards' },
    { name: 'traces: the agent\'s own share stays small', traces: traceEvidence([lean('r1'), lean('r2')]) },
    { name: 'traces: a looser bound admits the bloated runs', traces: traceEvidence([bloated('r1')]), options: { maxSelfShare: 0.95 } },
    { name: 'traces: an input that is mostly fetched data is the task\'s material, not bleed', traces: traceEvidence([fetched('r1'), fetched('r2')]) },
  ],
  fail: [
    { name: 'attested no', answer: 'no', note: 'full transcript kept; late steps are over 80% own output' },
    { name: 'traces: every run ends up mostly reading itself', traces: traceEvidence([bloated('r1'), bloated('r2')]) },
    { name: 'traces: every run ends up mostly reading its own dead ends', traces: traceEvidence([mistaken('r1'), mistaken('r2')]) },
  ],
  other: [
    { name: 'always applies', answer: 'not-applicable', note: 'our runs are short', outcome: 'insufficient-evidence', messageIncludes: 'always applies' },
    { name: 'traces: one of two runs bleeds', traces: traceEvidence([lean('r1'), bloated('r2')]), outcome: 'partial', credit: 0.5, messageIncludes: '1 of 2 runs' },
    {
      name: 'traces without message content',
      traces: traceEvidence([{ ...lean('r1'), steps: [{ id: 'x', kind: 'llm', name: 'chat', status: 'ok', inputTokens: 900 }] }]),
      outcome: 'insufficient-evidence',
      messageIncludes: 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT',
    },
    {
      // Mastra's exporter records the input of a loop's first model call only; its later calls carry none.
      name: 'traces whose only captured inputs are each run\'s first call, before the agent said anything',
      traces: traceEvidence([
        { ...run('r1', instructions), steps: [llm('r1-llm-0', instructions), { id: 'r1-step', kind: 'llm', name: 'model_step', status: 'ok' }] },
        run('r2', instructions),
      ]),
      outcome: 'insufficient-evidence',
      messageIncludes: 'every captured model input (2 of 3 llm calls in 2 runs) is the first of its run',
    },
    {
      name: 'traces without content fall back to the attestation, discounted later by scoring',
      traces: traceEvidence([{ ...lean('r1'), steps: [] }]),
      answer: 'yes',
      outcome: 'pass',
      evidenceKind: 'attestation',
    },
  ],
});

describe('context-bleed-is-bounded from traces', () => {
  it('reports the measured shares and points at the worst runs', () => {
    const finding = runCase(check, { name: 'measured', traces: traceEvidence([lean('r1'), bloated('r2')]) });
    expect(finding.measured.map((m) => m.name)).toEqual([
      'runs whose self share stays at or below 60%',
      'largest self share of any model call',
      'mean self share at the first model call',
      'mean growth of the self share from first to last call',
    ]);
    expect(finding.measured[0]).toMatchObject({ value: 50, unit: '%', sampleSize: 2 });
    expect(finding.references).toEqual([expect.objectContaining({ kind: 'span', id: 'r2-llm-1', file: 'traces.jsonl', line: 1 })]);
  });
});

describe('context-bleed-is-bounded options', () => {
  it('defaults maxSelfShare to 0.6', () => {
    expect(check.options.parse({})).toEqual({ maxSelfShare: 0.6 });
  });
  it('rejects a share outside 0..1 or not a number', () => {
    expect(check.options.safeParse({ maxSelfShare: -0.1 }).success).toBe(false);
    expect(check.options.safeParse({ maxSelfShare: 1.5 }).success).toBe(false);
    expect(check.options.safeParse({ maxSelfShare: '0.6' }).success).toBe(false);
  });
});
