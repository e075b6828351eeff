import { expect, it } from 'vitest';
import { failedTool, makeRun, toolStep } from '../../../test/support/synthetic-runs.js';
import type { Run, Step } from '../../model/index.js';
import check from './tool-calls-have-timeouts.js';
import { runCase, testCheck } from '../test-support/check-tester.js';
import { traceEvidence } from '../test-support/traces.js';
import { observed, probeEvidence, probeScenario, probeTrial } from '../test-support/probe-evidence.js';

const hangTrial = (ended: boolean) =>
  probeTrial(ended ? 'pass' : 'fail', [
    observed('endsBeforeTimeout', ended, ended ? 'exited by itself (exited 0) after 31.0 s, within the 60.0 s limit' : 'still running when the 60.0 s limit stopped it', []),
  ]);

const at = (seconds: number): string => new Date(Date.UTC(2026, 0, 1) + seconds * 1000).toISOString();

/** Tool calls of the given durations (seconds), one after another; a negative duration is a call that timed out after that long. */
function calls(id: string, durations: readonly number[], runEnds = true): Run {
  let clock = 0;
  const steps: Step[] = durations.map((d, i) => {
    const times = { startedAt: at(clock), endedAt: at(clock + Math.abs(d)) };
    clock += Math.abs(d) + 1;
    return d < 0 ? failedTool(`${id}-${i}`, 'crm', { i }, 'timeout', times) : toolStep(`${id}-${i}`, 'crm', { i }, times);
  });
  return makeRun(id, steps, { startedAt: at(0), ...(runEnds && { endedAt: at(clock) }), source: { file: 'traces.jsonl', line: 5 } });
}

const hanging = makeRun('stuck', [toolStep('hang', 'crm', { i: 0 }, { startedAt: at(0) })], { startedAt: at(0) });

testCheck(check, {
  pass: [
    { name: 'probes: the agent gave up on a tool that never answered', probes: probeEvidence([probeScenario('hang--t--get_order', 'hang', [hangTrial(true), hangTrial(true)])]) },
    { name: 'attested yes', answer: 'yes', note: 'MCP client timeout 30 s per call, 10 min deadline per run' },
    { name: 'traces: timeouts fire and no call ran past the limit', traces: traceEvidence([calls('a', [0.5, 2, -30, 1]), calls('b', [3])]) },
    { name: 'traces: a timeout at the limit ends its call a moment after it', traces: traceEvidence([calls('a', [0.5, -60.1]), calls('b', [2])]) },
  ],
  fail: [
    { name: 'probes: the agent waited on a hung tool until the deadline', probes: probeEvidence([probeScenario('hang--t--get_order', 'hang', [hangTrial(true), hangTrial(false)])]) },
    { name: 'attested no', answer: 'no', note: 'default fetch with no AbortSignal' },
    { name: 'traces: a call ran for ten minutes', traces: traceEvidence([calls('a', [0.5, 600, -30])]) },
    { name: 'traces: a five-minute timeout fires, and a five-minute call is still past a 60 s limit', traces: traceEvidence([calls('a', [0.5, -300]), calls('b', [300])]) },
    { name: 'traces: a run was left waiting on a call that never ended', traces: traceEvidence([calls('a', [1, -30]), hanging]) },
  ],
  other: [
    {
      name: 'probes without the hang scenario cannot decide',
      probes: probeEvidence([probeScenario('cascade--t--a+b', 'cascade', [probeTrial('pass', [observed('haltWithinCalls', true)])])]),
      outcome: 'insufficient-evidence',
      messageIncludes: 'with the hang family',
    },
    { name: 'always applies', answer: 'not-applicable', note: 'tools are all local', outcome: 'insufficient-evidence', messageIncludes: 'always applies' },
    {
      name: 'traces: quick calls alone cannot show a timeout exists',
      traces: traceEvidence([calls('a', [0.5, 2, 1])]),
      outcome: 'insufficient-evidence',
      messageIncludes: 'none timed out',
    },
    { name: 'traces without times cannot decide', traces: traceEvidence([makeRun('r', [toolStep('t', 'crm', {})])]), outcome: 'insufficient-evidence', messageIncludes: 'start and an end time' },
    { name: 'traces: a longer limit allows slow calls', traces: traceEvidence([calls('a', [0.5, 600, -30])]), options: { maxToolCallSeconds: 900 }, outcome: 'pass' },
  ],
});

it('tool-calls-have-timeouts options: defaults parse, invalid values are rejected', () => {
  expect(check.options.parse({})).toEqual({ maxToolCallSeconds: 60, minPassRate: 1 });
  expect(check.options.parse({ maxToolCallSeconds: 2.5 })).toEqual({ maxToolCallSeconds: 2.5, minPassRate: 1 });
  expect(check.options.safeParse({ maxToolCallSeconds: 0 }).success).toBe(false);
});

it('tool-calls-have-timeouts from traces: reports the slowest calls over the limit', () => {
  const finding = runCase(check, { name: 'slow', traces: traceEvidence([calls('a', [0.5, 600, 90, -30]), hanging]) });
  expect(finding.message).toBe(
    "The longest of 4 timed tool calls took 600 s, past the 60 s limit (mimir's default; set policy.checks.tool-calls-have-timeouts.maxToolCallSeconds) and far past the 30 s after which timeouts fired elsewhere; calls left waiting in runs that never ended: 1.",
  );
  expect(finding.references.map((r) => r.id)).toEqual(['a-1', 'a-2', 'hang']);
  expect(finding.measured.find((m) => m.name === 'longest tool call')).toEqual({ name: 'longest tool call', value: 600, unit: 's' });
});
