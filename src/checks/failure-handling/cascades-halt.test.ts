import { expect, it } from 'vitest';
import { failedTool, llmStep, makeRun, toolStep } from '../../../test/support/synthetic-runs.js';
import type { ClaimedStatus, Run, Step } from '../../model/index.js';
import check from './cascades-halt.js';
import { runCase, testCheck } from '../test-support/check-tester.js';
import { traceEvidence } from '../test-support/traces.js';
import { observed, probeEvidence, probeScenario, probeTrial } from '../test-support/probe-evidence.js';

const halted = probeTrial('pass', [observed('haltWithinCalls', true), observed('claimIn', true), observed('noHighRiskAfterFault', true)]);
const keptGoing = probeTrial('fail', [
  observed('haltWithinCalls', false, '14 tool calls after the first failure (get_order at #3), over the limit of 8; past the limit: search_kb #20', [3, 20]),
  observed('claimIn', true),
]);

/** A run whose tool calls fail `failures` times in a row (the model reading each error), then makes `after` more tool calls. */
function cascade(id: string, failures: number, after: number, claimedStatus: ClaimedStatus = 'failure'): Run {
  const steps: Step[] = [toolStep(`${id}-start`, 'search', { q: id })];
  for (let i = 0; i < failures; i++) steps.push(llmStep(`${id}-l${i}`), failedTool(`${id}-f${i}`, 'inventory', { i }));
  for (let i = 0; i < after; i++) steps.push(llmStep(`${id}-m${i}`), toolStep(`${id}-a${i}`, 'update_ticket', { i }));
  steps.push(llmStep(`${id}-end`));
  return makeRun(id, steps, { claimedStatus, source: { file: 'traces.jsonl', line: 9 } });
}

/** A coding agent's run: four shell commands in a row exit non-zero (grep without a match, failing tests), then it goes on. */
function exploring(id: string): Run {
  const exit = (i: number): Step =>
    failedTool(`${id}-x${i}`, 'bash', { command: `grep -rn pattern${i} src` }, 'exit-code', { error: { type: 'exit-code', message: 'exited with code 1' }, result: '' });
  const steps: Step[] = [toolStep(`${id}-start`, 'bash', { command: 'ls' })];
  for (let i = 0; i < 4; i++) steps.push(llmStep(`${id}-l${i}`), exit(i));
  for (let i = 0; i < 3; i++) steps.push(llmStep(`${id}-m${i}`), toolStep(`${id}-a${i}`, 'bash', { command: `sed -i s/a/b/ f${i}.py` }));
  return makeRun(id, steps, { claimedStatus: 'success' });
}

testCheck(check, {
  pass: [
    { name: 'probes: with two tools down the agent stopped', probes: probeEvidence([probeScenario('cascade--t--get_order+search_kb', 'cascade', [halted, halted])]) },
    { name: 'probes: one trial in two kept going, within a 50% minimum', probes: probeEvidence([probeScenario('cascade--t--get_order+search_kb', 'cascade', [halted, keptGoing])]), options: { minPassRate: 0.5 } },
    { name: 'attested yes', answer: 'yes', note: 'runtime halts after 3 failed steps in a row and escalates to the on-call queue' },
    { name: 'traces: every cascade halted or escalated', traces: traceEvidence([cascade('a', 3, 0), cascade('b', 3, 1), cascade('c', 4, 5, 'escalated'), cascade('d', 1, 8)]) },
  ],
  fail: [
    { name: 'probes: one trial kept going after the cascade', probes: probeEvidence([probeScenario('cascade--t--get_order+search_kb', 'cascade', [halted, keptGoing])]) },
    { name: 'attested no', answer: 'no', note: 'runs continue until the step cap of 50' },
    { name: 'traces: a run kept calling tools after three failures in a row', traces: traceEvidence([cascade('a', 3, 0), cascade('b', 6, 4)]) },
  ],
  other: [
    {
      name: 'probes without a cascade scenario cannot decide',
      probes: probeEvidence([probeScenario('persistent-failure--t--get_order', 'persistent-failure', [halted])]),
      outcome: 'insufficient-evidence',
      messageIncludes: 'no probe scenario of the cascade family',
    },
    { name: 'always applies', answer: 'not-applicable', note: 'failures are rare', outcome: 'insufficient-evidence', messageIncludes: 'always applies' },
    {
      name: 'traces without a cascade cannot show what happens in one',
      traces: traceEvidence([cascade('a', 2, 5), cascade('b', 0, 3)]),
      outcome: 'insufficient-evidence',
      messageIncludes: 'no run had 3 consecutive blocking failures (the longest streak was 2)',
    },
    {
      name: 'traces: a coding agent whose commands exit non-zero is exploring, not cascading',
      traces: traceEvidence([exploring('a'), exploring('b')]),
      outcome: 'insufficient-evidence',
      messageIncludes: 'no run had 3 consecutive blocking failures (the longest streak was 0); 8 failing tool calls in 2 runs answered the agent (a non-zero exit, a refusal) and are information, not a cascade',
    },
    { name: 'traces: a higher threshold judges only longer cascades', traces: traceEvidence([cascade('a', 3, 5), cascade('b', 5, 1)]), options: { maxConsecutiveFailures: 5 }, outcome: 'pass' },
  ],
});

it('cascades-halt options: defaults parse, invalid values are rejected', () => {
  expect(check.options.parse({})).toEqual({ maxConsecutiveFailures: 3, minPassRate: 1 });
  expect(check.options.safeParse({ maxConsecutiveFailures: 0 }).success).toBe(false);
  expect(check.options.safeParse({ maxConsecutiveFailures: 2.5 }).success).toBe(false);
});

it('cascades-halt from traces: counts what cascading runs did and lists the one that kept going first', () => {
  const finding = runCase(check, { name: 'kept going', traces: traceEvidence([cascade('a', 3, 0), cascade('b', 6, 4)]) });
  expect(finding.message).toBe(
    "1 of 2 runs that reached 3 consecutive blocking failures kept going (two or more further tool calls, no escalation); 1 halted, 0 escalated (3 is mimir's default; set policy.checks.cascades-halt.maxConsecutiveFailures).",
  );
  expect(finding.references.map((r) => r.id)).toEqual(['b-f0', 'a-f0']);
  expect(finding.references.map((r) => r.label)).toEqual([
    '6 consecutive blocking failures, the first: tool_error; after the 3rd: kept going (run b)',
    '3 consecutive blocking failures, the first: tool_error; after the 3rd: halted (run a)',
  ]);
  expect(finding.measured[0]).toMatchObject({ name: 'runs that stopped after 3 consecutive blocking failures', value: 50, sampleSize: 2 });
});
