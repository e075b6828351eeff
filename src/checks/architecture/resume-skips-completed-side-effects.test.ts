import { expect, it } from 'vitest';
import { checkpointStep, llmStep, makeRun, toolStep } from '../../../test/support/synthetic-runs.js';
import type { Step } from '../../model/index.js';
import check from './resume-skips-completed-side-effects.js';
import { runCase, testCheck } from '../test-support/check-tester.js';
import { traceEvidence } from '../test-support/traces.js';
import { observed, probeEvidence, probeScenario, probeTrial } from '../test-support/probe-evidence.js';

const sideEffects = (repeated: boolean) =>
  probeScenario('kill-resume--t--refund_order', 'kill-resume', [
    probeTrial(repeated ? 'fail' : 'pass', [
      observed('noRepeatedSideEffects', !repeated, repeated ? 'refund_order {"amount":90} executed 2 times: #2 before the kill, #6 after the restart' : '1 side-effecting call, executed once', [2, 6]),
    ]),
  ]);

const refund = (id: string, order: string): Step => toolStep(id, 'issue_refund', { order, amount: 25 }, { risk: 'money' });
/** Refunds order 1, checkpoints, refunds order 2, and is killed. */
const interrupted = makeRun('job', [llmStep('a0'), refund('a1', '1'), checkpointStep('a2', 'cp-job'), llmStep('a3'), refund('a4', '2')]);
const cleanResume = makeRun('job', [llmStep('b0'), refund('b1', '3')], { resumedFrom: 'cp-job' });
const replayingResume = makeRun('job', [llmStep('b0'), refund('b1', '2'), refund('b2', '3')], { resumedFrom: 'cp-job', source: { file: 'traces.jsonl', line: 12 } });

testCheck(check, {
  pass: [
    { name: 'probes: the restart did not repeat the refund', probes: probeEvidence([sideEffects(false)]) },
    { name: 'attested yes', answer: 'yes', note: 'idempotency key = run id + step id on every write; effect journal consulted on resume' },
    { name: 'traces: the resume skipped the refund made before the crash', traces: traceEvidence([interrupted, cleanResume]) },
  ],
  fail: [
    { name: 'probes: the restart issued the refund again', probes: probeEvidence([sideEffects(true)]) },
    { name: 'attested no', answer: 'no', note: 'a resumed run replays the plan from its last checkpoint' },
    { name: 'traces: the resume refunded order 2 a second time', traces: traceEvidence([interrupted, replayingResume]) },
  ],
  other: [
    {
      name: 'probes killed before any side effect cannot decide',
      probes: probeEvidence([probeScenario('kill-resume--t--refund_order', 'kill-resume', [probeTrial('inconclusive')])]),
      outcome: 'insufficient-evidence',
      messageIncludes: '1 inconclusive',
    },
    { name: 'always applies', answer: 'not-applicable', note: 'we rarely restart', outcome: 'insufficient-evidence', messageIncludes: 'always applies' },
    { name: 'traces without resumes cannot decide', traces: traceEvidence([interrupted]), outcome: 'insufficient-evidence', messageIncludes: 'no run in the traces was resumed' },
    {
      name: 'traces whose resumes cannot be matched with the interrupted attempt cannot decide',
      traces: traceEvidence([cleanResume]),
      outcome: 'insufficient-evidence',
      messageIncludes: 'not found in any earlier attempt',
    },
    {
      name: 'traces: a resume after read-only work cannot show anything',
      traces: traceEvidence([makeRun('job', [toolStep('a1', 'search', { q: 1 }, { risk: 'read-only' }), checkpointStep('a2', 'cp-job')]), cleanResume]),
      outcome: 'insufficient-evidence',
      messageIncludes: 'followed a completed side-effecting call',
    },
  ],
});

it('resume-skips-completed-side-effects from traces: points at the repeated call and the one it repeats', () => {
  const finding = runCase(check, { name: 'replay', traces: traceEvidence([interrupted, replayingResume]) });
  expect(finding.message).toBe('1 side-effecting calls were made again after a resume, with the same arguments as calls completed before it.');
  expect(finding.references).toEqual([
    { kind: 'span', id: 'b1', label: 'repeats issue_refund, already done in span a4 (run job)', file: 'traces.jsonl', line: 12 },
  ]);
});

it('resume-skips-completed-side-effects from probes: names the repeated side effect', () => {
  expect(runCase(check, { name: 'repeated', probes: probeEvidence([sideEffects(true)]) }).message).toContain('refund_order {"amount":90} executed 2 times: #2 before the kill, #6 after the restart');
  expect(check.options.parse({})).toEqual({ minPassRate: 1 });
});
