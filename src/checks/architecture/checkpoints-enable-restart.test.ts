import { expect, it } from 'vitest';
import { checkpointStep, llmStep, makeRun, toolStep } from '../../../test/support/synthetic-runs.js';
import type { Run, Step } from '../../model/index.js';
import check from './checkpoints-enable-restart.js';
import { runCase, testCheck } from '../test-support/check-tester.js';
import { traceEvidence } from '../test-support/traces.js';
import { observed, probeEvidence, probeScenario, probeTrial } from '../test-support/probe-evidence.js';

const restarted = (resumed: boolean) =>
  probeScenario('kill-resume--t--refund_order', 'kill-resume', [
    probeTrial(resumed ? 'pass' : 'fail', [
      observed('recovers', true),
      observed('resumesWhereItStopped', resumed, resumed ? 'the restarted life skipped 1 of the 2 calls the killed life completed' : 'the restarted life redid all 2 calls the killed life completed (get_order #1, refund_order #2): it started over', [1, 2]),
    ]),
  ]);

/** A run of `blocks` blocks of `size` model and tool calls, with a checkpoint after each block when `checkpoints`. */
function run(id: string, blocks: number, size: number, checkpoints: boolean, extra: Partial<Run> = {}): Run {
  const steps: Step[] = [];
  for (let b = 0; b < blocks; b++) {
    for (let i = 0; i < size; i++) steps.push(i % 2 === 0 ? llmStep(`${id}-l${b}-${i}`) : toolStep(`${id}-t${b}-${i}`, 'search', { id, b, i }));
    if (checkpoints) steps.push(checkpointStep(`${id}-c${b}`, `cp-${id}-${b}`));
  }
  return makeRun(id, steps, { source: { file: 'traces.jsonl', line: 6 }, ...extra });
}

const update = (id: string, ticket: string): Step => toolStep(id, 'update_ticket', { ticket }, { risk: 'reversible-write' });
const interrupted = makeRun('job', [update('a1', '1'), checkpointStep('a2', 'cp-job'), update('a3', '2')]);

testCheck(check, {
  pass: [
    { name: 'probes: killed and restarted, the agent went on from where it stopped', probes: probeEvidence([restarted(true)]) },
    { name: 'attested yes', answer: 'yes', note: 'Postgres checkpointer, one transaction per completed step; kill test in CI' },
    { name: 'traces: checkpoints every four calls; a short run needs none', traces: traceEvidence([run('a', 5, 4, true), run('b', 3, 4, true), run('c', 1, 6, false)]) },
    { name: 'traces: a resume goes on from its checkpoint', traces: traceEvidence([run('a', 3, 4, true), interrupted, makeRun('job', [update('b1', '3')], { resumedFrom: 'cp-job' })]) },
  ],
  fail: [
    { name: 'probes: killed and restarted, the agent started over', probes: probeEvidence([restarted(false)]) },
    { name: 'attested no', answer: 'no', note: 'state lives in the worker process only' },
    { name: 'traces: checkpoints only at the end of long runs', traces: traceEvidence([run('a', 1, 30, true), run('b', 1, 24, true)]) },
    { name: 'traces: a resumed run started over', traces: traceEvidence([run('a', 3, 4, true), interrupted, makeRun('job', [update('b1', '1'), update('b2', '2')], { resumedFrom: 'cp-job' })]) },
  ],
  other: [
    {
      name: 'probes whose kill never came cannot decide',
      probes: probeEvidence([probeScenario('kill-resume--t--refund_order', 'kill-resume', [probeTrial('inconclusive', [], { reason: 'the agent ended after 1 tool call, before the planned kill after 2' })])]),
      outcome: 'insufficient-evidence',
      messageIncludes: 'with the kill-resume family',
    },
    { name: 'always applies', answer: 'not-applicable', note: 'runs are short', outcome: 'insufficient-evidence', messageIncludes: 'always applies' },
    { name: 'traces: partial credit is the share of runs checkpointed often enough', traces: traceEvidence([run('a', 5, 4, true), run('b', 1, 30, false)]), outcome: 'partial', credit: 0.5 },
    {
      name: 'traces without checkpoints cannot tell missing from untraced',
      traces: traceEvidence([run('a', 1, 30, false)]),
      outcome: 'insufficient-evidence',
      messageIncludes: 'mimir.checkpoint.id',
    },
  ],
});

it('checkpoints-enable-restart options: defaults parse, invalid values are rejected', () => {
  expect(check.options.parse({})).toEqual({ maxStepsBetweenCheckpoints: 10, minPassRate: 1 });
  expect(check.options.safeParse({ maxStepsBetweenCheckpoints: 0 }).success).toBe(false);
});

it('checkpoints-enable-restart from traces: lists the runs with the longest gaps', () => {
  const finding = runCase(check, { name: 'gaps', traces: traceEvidence([run('a', 5, 4, true), run('b', 1, 30, false)]) });
  expect(finding.message).toBe('1 of 2 runs went more than 10 model and tool calls without a checkpoint (up to 30).');
  expect(finding.references).toEqual([{ kind: 'run', id: 'b', label: '30 model and tool calls without a checkpoint', file: 'traces.jsonl', line: 6 }]);
});
