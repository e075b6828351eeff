import { expect, it } from 'vitest';
import { llmStep, makeRun, toolStep } from '../../../test/support/synthetic-runs.js';
import type { Run, Step } from '../../model/index.js';
import check from './loops-are-detected.js';
import { runCase, testCheck } from '../test-support/check-tester.js';
import { traceEvidence } from '../test-support/traces.js';
import { observed, probeEvidence, probeScenario, probeTrial } from '../test-support/probe-evidence.js';

const identical = (ok: boolean) => observed('maxIdenticalCalls', ok, ok ? 'at most 2 identical calls in one life, within the limit of 4' : 'at most 9 identical calls in one life (search_kb {"q":"x"} at #1, #2), over the limit of 4', [1, 2]);

/** A run that makes the same search `times` times, each answered and followed by the same lookup: nothing new in between. */
function searching(id: string, times: number): Run {
  const steps: Step[] = Array.from({ length: times }, (_, i) => [llmStep(`${id}-l${i}`), toolStep(`${id}-s${i}`, 'search', { q: 'refund policy' }), toolStep(`${id}-o${i}`, 'get_order', { n: 1 })]).flat();
  return makeRun(id, steps, { source: { file: 'traces.jsonl', line: 2 } });
}

testCheck(check, {
  pass: [
    { name: 'probes: no identical call was repeated past the limit', probes: probeEvidence([probeScenario('transient-failure--t--search_kb', 'transient-failure', [probeTrial('pass', [identical(true)])])]) },
    { name: 'attested yes', answer: 'yes', note: 'call fingerprints counted per run; third identical call ends the run as escalated' },
    { name: 'traces: no call made more than three times', traces: traceEvidence([searching('a', 3), searching('b', 1)]) },
  ],
  fail: [
    { name: 'probes: the agent looped on a failing search', probes: probeEvidence([probeScenario('persistent-failure--t--search_kb', 'persistent-failure', [probeTrial('fail', [identical(false)])])]) },
    { name: 'attested no', answer: 'no', note: 'only the 40-step cap stops a loop' },
    { name: 'traces: every run repeats the same search', traces: traceEvidence([searching('a', 30), searching('b', 4)]) },
  ],
  other: [
    {
      name: 'probes without failure scenarios cannot decide',
      probes: probeEvidence([probeScenario('kill-resume--t--refund', 'kill-resume', [probeTrial('pass', [observed('recovers', true)])])]),
      outcome: 'insufficient-evidence',
      messageIncludes: 'persistent-failure, permanent-failure and transient-failure',
    },
    { name: 'always applies', answer: 'not-applicable', note: 'our agent does not loop', outcome: 'insufficient-evidence', messageIncludes: 'always applies' },
    { name: 'traces: partial credit is the share of runs without a loop', traces: traceEvidence([searching('a', 5), searching('b', 2), searching('c', 1), searching('d', 3)]), outcome: 'partial', credit: 0.75 },
    { name: 'traces: a higher limit tolerates more repeats', traces: traceEvidence([searching('a', 5)]), options: { maxIdenticalCalls: 5 }, outcome: 'pass' },
    {
      name: 'traces without arguments cannot recognise repeats',
      traces: traceEvidence([makeRun('r', [toolStep('a', 'search', undefined), toolStep('b', 'search', undefined)])]),
      outcome: 'insufficient-evidence',
      messageIncludes: 'gen_ai.tool.call.arguments',
    },
  ],
});

it('loops-are-detected options: defaults parse, invalid values are rejected', () => {
  expect(check.options.parse({})).toEqual({ maxIdenticalCalls: 3, minPassRate: 1 });
  expect(check.options.safeParse({ maxIdenticalCalls: 1 }).success).toBe(false);
});

it('loops-are-detected from traces: names the loop and points at the repeated call', () => {
  const finding = runCase(check, { name: 'loop', traces: traceEvidence([searching('a', 30), searching('b', 2)]) });
  expect(finding.outcome).toBe('partial');
  expect(finding.message).toBe("1 of 2 runs made the same tool call more than 3 times (up to 30) (3 is mimir's default; set policy.checks.loops-are-detected.maxIdenticalCalls).");
  expect(finding.references).toEqual([{ kind: 'span', id: 'a-o0', label: 'get_order called 30 times with the same arguments and nothing new in between (run a)', file: 'traces.jsonl', line: 2 }]);
});
