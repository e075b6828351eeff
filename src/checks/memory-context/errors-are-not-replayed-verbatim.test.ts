import type { LlmStep, Message, Run, Step } from '../../model/index.js';
import check from './errors-are-not-replayed-verbatim.js';
import { testCheck } from '../test-support/check-tester.js';
import { traceEvidence } from '../test-support/traces.js';

const ERROR = 'Error: upstream payments service timed out after 30000 ms (POST /refunds, request id 8c1f)';
const base: Message[] = [
  { role: 'system', content: 'You are the back-office assistant of Acme.' },
  { role: 'user', content: 'Refund order 4411.' },
];

const llm = (id: string, extra: readonly Message[]): LlmStep => ({ id, kind: 'llm', name: 'chat', status: 'ok', inputMessages: [...base, ...extra] });
const run = (id: string, steps: readonly Step[]): Run => ({ id, steps, claimedStatus: 'success', outcome: { status: 'unknown', source: 'test' } });
/** The refund fails, the model reacts, the retry succeeds, and `calls` more model calls see `last`. */
const recovered = (id: string, last: readonly Message[], calls = 1): Run =>
  run(id, [
    { id: `${id}-t1`, kind: 'tool', name: 'refund', toolName: 'refund', status: 'error', result: ERROR },
    llm(`${id}-l1`, [{ role: 'tool', content: ERROR }]),
    { id: `${id}-t2`, kind: 'tool', name: 'refund', toolName: 'refund', status: 'ok', result: 'refunded 89.90' },
    ...Array.from({ length: calls }, (_, i) => llm(`${id}-l${i + 2}`, last)),
  ]);
/** The handled error is carried through six more model calls: a long stretch of reading it again. */
const replaying = (id: string): Run => recovered(id, [{ role: 'tool', content: ERROR }, { role: 'tool', content: 'refunded 89.90' }], 6);
/** The transcript, error included, is re-sent once more before the run ends: a short tool-calling loop. */
const replayingBriefly = (id: string): Run => recovered(id, [{ role: 'tool', content: ERROR }, { role: 'tool', content: 'refunded 89.90' }], 2);
const summarising = (id: string): Run => recovered(id, [{ role: 'assistant', content: 'refund timed out once; retried OK' }, { role: 'tool', content: 'refunded 89.90' }], 6);

testCheck(check, {
  pass: [
    { name: 'attested yes', answer: 'yes', note: 'handled tool errors replaced by a one-line summary; stack traces never enter prompts' },
    { name: 'traces: a handled error is summarised', traces: traceEvidence([summarising('r1')]) },
    { name: 'traces: a short loop re-sends its transcript, error included, for two more calls', traces: traceEvidence([replayingBriefly('r1'), summarising('r2')]) },
  ],
  fail: [
    { name: 'attested no', answer: 'no', note: 'tool errors stay in the transcript as returned' },
    { name: 'traces: a handled error is replayed verbatim', traces: traceEvidence([replaying('r1'), replaying('r2')]) },
  ],
  other: [
    { name: 'always applies', answer: 'not-applicable', note: 'errors are rare', outcome: 'insufficient-evidence', messageIncludes: 'always applies' },
    { name: 'traces: one of two runs replays', traces: traceEvidence([summarising('r1'), replaying('r2')]), outcome: 'partial', credit: 0.5, messageIncludes: '1 of 2 runs' },
    {
      name: 'traces: the short replays are named beside the long one',
      traces: traceEvidence([replayingBriefly('r1'), replaying('r2'), summarising('r3')]),
      outcome: 'partial',
      credit: 2 / 3,
      messageIncludes: '1 of 3 runs with a handled error keep replaying its text verbatim in 6 or more later model calls; 1 more carries one into fewer',
    },
    { name: 'traces: no error was ever handled', traces: traceEvidence([run('r1', [llm('l1', []), llm('l2', [])])]), outcome: 'insufficient-evidence', messageIncludes: 'no run has an error' },
    {
      name: 'traces without message content',
      traces: traceEvidence([run('r1', [{ id: 'l1', kind: 'llm', name: 'chat', status: 'ok' }])]),
      outcome: 'insufficient-evidence',
      messageIncludes: 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT',
    },
  ],
});
