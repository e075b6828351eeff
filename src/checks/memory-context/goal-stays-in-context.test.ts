import type { LlmStep, Message, Run } from '../../model/index.js';
import check from './goal-stays-in-context.js';
import { testCheck } from '../test-support/check-tester.js';
import { traceEvidence } from '../test-support/traces.js';
import { observed, probeEvidence, probeScenario, probeTrial } from '../test-support/probe-evidence.js';

const longOutput = (...trials: ReturnType<typeof probeTrial>[]) => probeScenario('long-output--refund--get_order', 'long-output', trials);
const keptGoal = probeTrial('pass', [observed('completesTask', true, "made the task's own calls with the task's own values after get_order's result at #1", [1])]);
const lostGoal = probeTrial('fail', [observed('completesTask', false, "lost the task's goal after get_order's result at #1: issue_refund called with {\"order_id\":\"o-9008\"} at #2, not {\"order_id\":\"o-1002\"}", [1, 2])]);

const SYSTEM = 'You are the back-office assistant of Acme.';
const GOAL = 'Refund order 4411 for Dana Smith: the blender arrived broken and she wants the money back on her card.';

const llm = (id: string, inputMessages: readonly Message[]): LlmStep => ({ id, kind: 'llm', name: 'chat', status: 'ok', inputMessages });
const run = (id: string, ...calls: (readonly Message[])[]): Run => ({
  id,
  steps: calls.map((messages, i) => llm(`${id}-llm-${i}`, messages)),
  claimedStatus: 'success',
  outcome: { status: 'unknown', source: 'test' },
});
const system: Message = { role: 'system', content: SYSTEM };
const goal: Message = { role: 'user', content: GOAL };
const plan: Message = { role: 'assistant', content: 'The user wants a refund for a broken item.' };
/** The request is pinned in every call. */
const pinned = (id: string): Run => run(id, [system, goal], [system, goal, plan], [system, goal, plan, { role: 'tool', content: 'refunded' }]);
/** A sliding window drops the request after the first call. */
const windowed = (id: string): Run => run(id, [system, goal], [system, plan], [system, plan, { role: 'tool', content: 'refunded' }]);

testCheck(check, {
  pass: [
    { name: 'attested yes', answer: 'yes', note: 'request pinned in a <task> section after the system prompt; long-run test asserts it in the last call' },
    { name: 'traces: the request is in every call', traces: traceEvidence([pinned('r1'), pinned('r2')]) },
    { name: "probes: after a long noisy result the task's own calls followed", probes: probeEvidence([longOutput(keptGoal, keptGoal)]) },
  ],
  fail: [
    { name: 'probes: after a long noisy result a decoy replaced the task\'s order', probes: probeEvidence([longOutput(keptGoal, lostGoal)]) },
    { name: 'attested no', answer: 'no', note: 'sliding window of the last 20 messages drops it on long runs' },
    { name: 'traces: a sliding window drops the request', traces: traceEvidence([windowed('r1')]) },
  ],
  other: [
    { name: 'always applies', answer: 'not-applicable', note: 'single-turn agent', outcome: 'insufficient-evidence', messageIncludes: 'always applies' },
    { name: 'traces: one of two runs loses the request', traces: traceEvidence([pinned('r1'), windowed('r2')]), outcome: 'partial', credit: 0.5, messageIncludes: 'model call 2' },
    { name: 'traces: single-call runs cannot show retention', traces: traceEvidence([run('r1', [system, goal])]), outcome: 'insufficient-evidence', messageIncludes: 'two or more llm calls' },
    {
      name: 'traces without message content',
      traces: traceEvidence([{ ...pinned('r1'), steps: [{ id: 'x', kind: 'llm', name: 'chat', status: 'ok' }] }]),
      outcome: 'insufficient-evidence',
      messageIncludes: 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT',
    },
  ],
});
