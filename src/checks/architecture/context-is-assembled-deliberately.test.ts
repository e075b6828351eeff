import { describe, expect, it } from 'vitest';
import { llmStep, makeRun } from '../../../test/support/synthetic-runs.js';
import type { Message, Run } from '../../model/index.js';
import check from './context-is-assembled-deliberately.js';
import { runCase, testCheck } from '../test-support/check-tester.js';
import { traceEvidence } from '../test-support/traces.js';

const SYSTEM: Message = { role: 'system', content: 'You are the back-office assistant of Acme.' };
const GOAL: Message = { role: 'user', content: 'Refund order 4411 for Dana Smith: the blender arrived broken.' };
const run = (id: string, inputs: readonly (readonly Message[])[]): Run =>
  makeRun(id, inputs.map((inputMessages, i) => llmStep(`${id}-llm-${i}`, { model: 'gpt-4o', inputMessages })), { source: { file: 'traces.jsonl', line: 1 } });

/** Every call re-sends the whole conversation with the last answer and tool result appended. */
function replayed(id: string, calls = 7): Run {
  const inputs: Message[][] = [[SYSTEM, GOAL]];
  for (let i = 1; i < calls; i++) inputs.push([...(inputs[i - 1] ?? []), { role: 'assistant', content: `Step ${i}: calling a tool.` }, { role: 'tool', content: `Result ${i}.` }]);
  return run(id, inputs);
}

/** Every call is built from the goal, the current state and the latest result only. */
function built(id: string, calls = 5): Run {
  return run(
    id,
    Array.from({ length: calls }, (_, i) => [SYSTEM, GOAL, { role: 'user' as const, content: `Case state after ${i} steps.` }, ...(i > 0 ? [{ role: 'tool' as const, content: `Result ${i}.` }] : [])]),
  );
}

const deliberate = traceEvidence([built('r1'), built('r2'), built('r3')]);

testCheck(check, {
  pass: [
    { name: 'attested yes', answer: 'yes', note: 'per-node prompt builders: goal + case state + last two tool results, tested with fixtures' },
    { name: 'traces: every run rebuilds its inputs from goal, state and the latest result', traces: deliberate },
    { name: 'traces: a looser bound admits replayed runs', traces: traceEvidence([replayed('r1'), replayed('r2'), replayed('r3')]), options: { maxAppendShare: 1 } },
    { name: 'traces: a transcript replayed over short conversations (under six calls) carries little stale', traces: traceEvidence([replayed('r1', 5), replayed('r2', 4), built('r3')]) },
  ],
  fail: [
    { name: 'attested no', answer: 'no', note: 'the whole chat history is sent on every call' },
    { name: 'traces: every run replays its transcript', traces: traceEvidence([replayed('r1'), replayed('r2')]) },
  ],
  other: [
    {
      name: 'traces whose inputs are per-call deltas cannot show how inputs are built, and say so',
      traces: traceEvidence([
        {
          ...run('d', [[SYSTEM, GOAL], ...Array.from({ length: 6 }, (_, i): Message[] => [{ role: 'assistant', content: `Step ${i}.` }, { role: 'tool', content: `Result ${i}.` }])]),
          recording: { messages: 'delta' },
        },
      ]),
      outcome: 'insufficient-evidence',
      messageIncludes: '1 of 1 runs record each model call\'s input as a per-call delta',
    },
    { name: 'always applies', answer: 'not-applicable', note: 'the framework handles context', outcome: 'insufficient-evidence', messageIncludes: 'always applies' },
    { name: 'traces: one of three runs replays its transcript', traces: traceEvidence([built('r1'), built('r2'), replayed('r3')]), outcome: 'partial', credit: 2 / 3, messageIncludes: '1 of 3 runs replay the transcript' },
    {
      name: 'traces without message content',
      traces: traceEvidence([makeRun('r', [llmStep('a', { inputTokens: 900 }), llmStep('b', { inputTokens: 1200 }), llmStep('c', { inputTokens: 1500 })])]),
      outcome: 'insufficient-evidence',
      messageIncludes: 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT',
    },
    { name: 'traces with only short runs', traces: traceEvidence([built('r1', 2), built('r2', 2)]), outcome: 'insufficient-evidence', messageIncludes: 'none of the 2 runs with captured input' },
    { name: 'traces with too few long runs to pass', traces: traceEvidence([built('r1')]), outcome: 'insufficient-evidence', messageIncludes: 'at least 3 are needed' },
    { name: 'traces too thin fall back to the attestation', traces: traceEvidence([built('r1', 1)]), answer: 'yes', outcome: 'pass', evidenceKind: 'attestation' },
  ],
});

describe('context-is-assembled-deliberately from traces', () => {
  it('reports the share of appended calls and the messages carried to the end, and points at the replaying runs', () => {
    const finding = runCase(check, { name: 'mixed', traces: traceEvidence([built('r1'), built('r2'), replayed('r3')]) });
    expect(finding.message).toBe(
      '1 of 3 runs replay the transcript over 6 or more model calls: more than 50% of their model calls re-send the previous input with messages appended (6 of 14 calls overall); a median 0% of the messages added along a run is still in its last input.',
    );
    expect(finding.measured.map((m) => [m.name, m.value])).toEqual([
      ['runs in which at most 50% of model calls append to the previous input', 66.7],
      ['model calls that re-send the previous input with messages appended', 42.9],
      ['median share of messages added along a run still in its last input', 0],
    ]);
    expect(finding.references).toEqual([expect.objectContaining({ kind: 'run', id: 'r3', file: 'traces.jsonl' })]);
    const bounded = runCase(check, { name: 'short', traces: traceEvidence([replayed('r1', 5), replayed('r2', 4), built('r3')]) });
    expect(bounded.message).toBe(
      '2 of 3 runs re-send their transcript, but none of them reaches 6 model calls in one conversation, where stale turns would pile up; the others rebuild their input (7 of 11 calls overall append).',
    );
  });
});

describe('context-is-assembled-deliberately options', () => {
  it('defaults to half the calls and three runs', () => {
    expect(check.options.parse({})).toEqual({ maxAppendShare: 0.5, minRuns: 3 });
  });
  it('rejects a share outside 0..1 and a run count below 1', () => {
    expect(check.options.safeParse({ maxAppendShare: 1.2 }).success).toBe(false);
    expect(check.options.safeParse({ minRuns: 0 }).success).toBe(false);
  });
});
