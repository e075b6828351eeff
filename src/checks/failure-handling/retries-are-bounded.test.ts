import { expect, it } from 'vitest';
import { failedTool, llmStep, makeRun, toolStep } from '../../../test/support/synthetic-runs.js';
import type { Run, Step } from '../../model/index.js';
import check from './retries-are-bounded.js';
import { runCase, testCheck } from '../test-support/check-tester.js';
import { traceEvidence } from '../test-support/traces.js';
import { observed, probeEvidence, probeScenario, probeTrial } from '../test-support/probe-evidence.js';

const withinCap = (extra: string) => probeTrial('pass', [observed(extra, true), observed('maxIdenticalCalls', true)]);
const cappedProbes = probeEvidence([
  // The persistent trial failed on its claim, but its retries stayed within the cap: that is what this check reads.
  probeScenario('persistent-failure--refund--get_order', 'persistent-failure', [probeTrial('fail', [observed('claimIn', false), observed('maxIdenticalCalls', true)])]),
  probeScenario('transient-failure--refund--get_order', 'transient-failure', [withinCap('recovers'), withinCap('recovers')]),
]);
const runawayProbes = probeEvidence([
  probeScenario('persistent-failure--refund--get_order', 'persistent-failure', [
    probeTrial('fail', [observed('maxIdenticalCalls', false, 'at most 12 identical calls in one life (get_order {"id":1} at #1, #2), over the limit of 4', [1, 2])]),
  ]),
]);

const at = (seconds: number): string => new Date(Date.UTC(2026, 0, 1) + seconds * 1000).toISOString();

/** One call failing `retries + 1` times (or recovering on the last attempt), with the given waits between attempts. */
function retried(id: string, retries: number, options: { recovered?: boolean; waits?: readonly number[] } = {}): Run {
  const steps: Step[] = [];
  let clock = 0;
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt > 0) {
      clock += options.waits?.[attempt - 1] ?? 1;
      steps.push(llmStep(`${id}-l${attempt}`));
    }
    const times = { startedAt: at(clock), endedAt: at(clock + 1) };
    clock += 1;
    const last = attempt === retries && options.recovered === true;
    steps.push(last ? toolStep(`${id}-t${attempt}`, 'lookup', { id }, times) : failedTool(`${id}-t${attempt}`, 'lookup', { id }, 'unavailable', times));
  }
  return makeRun(id, steps, { source: { file: 'traces.jsonl', line: 4 } });
}

const capped = traceEvidence([retried('a', 1, { recovered: true }), retried('b', 3, { waits: [1, 2, 4] }), retried('c', 0)]);
const runaway = traceEvidence([retried('a', 12, { waits: Array.from({ length: 12 }, () => 0.1) })]);

testCheck(check, {
  pass: [
    { name: 'probes: failing calls were retried within the cap, whatever else the trial showed', probes: cappedProbes },
    { name: 'attested yes', answer: 'yes', note: 'tenacity-style policy: 3 attempts, exponential backoff' },
    { name: 'traces: every failing call stopped within 3 retries, with growing waits', traces: capped },
    {
      name: 'traces: constant waits are accepted when backoff is not required',
      traces: traceEvidence([retried('a', 2, { waits: [1, 1] })]),
      options: { requireBackoff: false },
    },
  ],
  fail: [
    { name: 'probes: a failing call was repeated 12 times', probes: runawayProbes },
    { name: 'attested no', answer: 'no' },
    { name: 'traces: one call retried 12 times, 100 ms apart', traces: runaway },
  ],
  other: [
    {
      name: 'probes without failure scenarios cannot decide',
      probes: probeEvidence([probeScenario('hang--refund--get_order', 'hang', [probeTrial('pass', [observed('endsBeforeTimeout', true)])])]),
      outcome: 'insufficient-evidence',
      messageIncludes: 'with the persistent-failure, permanent-failure and transient-failure families',
    },
    { name: 'attested partial earns half', answer: 'partial', outcome: 'partial', credit: 0.5 },
    { name: 'always applies', answer: 'not-applicable', note: 'we never retry', outcome: 'insufficient-evidence', messageIncludes: 'always applies' },
    { name: 'no answer', outcome: 'insufficient-evidence', messageIncludes: 'mimir walk' },
    { name: 'expired answer', answer: 'yes', attestation: { expires: '2026-01-01' }, outcome: 'insufficient-evidence', messageIncludes: 'expired on 2026-01-01' },
    {
      name: 'traces: partial credit is the share of failing calls handled within the cap',
      traces: traceEvidence([retried('a', 1, { recovered: true }), retried('b', 0), retried('c', 2, { waits: [1, 1] }), retried('d', 5, { recovered: true })]),
      outcome: 'partial',
      credit: 0.5,
    },
    { name: 'traces without failures cannot show retries', traces: traceEvidence([makeRun('r', [toolStep('t', 'x', {})])]), outcome: 'insufficient-evidence', messageIncludes: 'no tool call failed' },
    {
      name: 'traces without arguments cannot recognise retries',
      traces: traceEvidence([makeRun('r', [failedTool('a', 'x', undefined), failedTool('b', 'x', undefined)])]),
      outcome: 'insufficient-evidence',
      messageIncludes: 'gen_ai.tool.call.arguments',
    },
  ],
});

it('retries-are-bounded options: defaults parse, invalid values are rejected', () => {
  expect(check.options.parse({})).toEqual({ maxRetries: 3, requireBackoff: true, minPassRate: 1 });
  expect(check.options.safeParse({ maxRetries: -1 }).success).toBe(false);
  expect(check.options.safeParse({ requireBackoff: 'yes' }).success).toBe(false);
});

it('retries-are-bounded from traces: says what went wrong and points at the offending calls', () => {
  const finding = runCase(check, { name: 'runaway', traces: runaway });
  expect(finding.message).toBe(
    "1 of 1 failing tool calls were not handled within the cap: 1 retried more than 3 times (up to 12), 0 retried without waiting longer between attempts (3 is mimir's default; set policy.checks.retries-are-bounded.maxRetries).",
  );
  expect(finding.references).toEqual([{ kind: 'span', id: 'a-t0', label: 'lookup failed and was retried 12 times, never succeeding (run a)', file: 'traces.jsonl', line: 4 }]);
  expect(finding.measured.find((m) => m.name === 'most retries of one call')?.value).toBe(12);
  expect(runCase(check, { name: 'capped', traces: capped }).message).toBe(
    "All 3 failing tool calls were retried at most 3 times (at most 3); each of the 1 timed sequences of two or more retries backed off (3 is mimir's default; set policy.checks.retries-are-bounded.maxRetries).",
  );
});

it('retries-are-bounded from probes: says backoff is not judged, and names a runaway retry', () => {
  expect(runCase(check, { name: 'capped', probes: cappedProbes }).message).toContain('Probes do not judge backoff.');
  expect(runCase(check, { name: 'runaway', probes: runawayProbes }).message).toContain('first: persistent-failure--refund--get_order (trial 1): maxIdenticalCalls: at most 12 identical calls');
});
