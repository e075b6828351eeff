import { expect, it } from 'vitest';
import { failedTool, llmStep, makeRun, toolStep } from '../../../test/support/synthetic-runs.js';
import type { Run, Step } from '../../model/index.js';
import check from './step-reliability-fits-workflow-length.js';
import { runCase, testCheck } from '../test-support/check-tester.js';
import { traceEvidence } from '../test-support/traces.js';

/** A run of `steps` model and tool calls, the first `failed` of which fail, graded as given. */
function run(id: string, steps: number, failed: number, outcome: 'success' | 'failure' | 'unknown' = 'unknown'): Run {
  const list: Step[] = Array.from({ length: steps }, (_, i) =>
    i < failed ? failedTool(`${id}-${i}`, 'lookup', { i }) : i % 2 === 0 ? llmStep(`${id}-${i}`) : toolStep(`${id}-${i}`, 'lookup', { i }),
  );
  return makeRun(id, list, { outcome: { status: outcome, source: 'labels' } });
}

// 10 runs of 4 steps, one failing step in 40: p = 0.975, p^4 ≈ 0.904; ungraded, all graded successes,
// and graded at 80%: runs that fail with every step recorded `ok` (a tool error the trace records as
// a success, a wrong answer), which the projection cannot see.
const shortReliable = traceEvidence(Array.from({ length: 10 }, (_, i) => run(`r${i}`, 4, i === 0 ? 1 : 0)));
const shortReliableGraded = traceEvidence(Array.from({ length: 10 }, (_, i) => run(`r${i}`, 4, i === 0 ? 1 : 0, 'success')));
const shortFailingUnseen = traceEvidence(Array.from({ length: 10 }, (_, i) => run(`r${i}`, 4, i === 0 ? 1 : 0, i < 8 ? 'success' : 'failure')));
// 10 runs of 12 steps, 6 failing steps in 120: p = 0.95, p^12 ≈ 0.54; ungraded, graded as failing (50%), graded as recovering (100%).
const longer = traceEvidence(Array.from({ length: 10 }, (_, i) => run(`r${i}`, 12, i < 6 ? 1 : 0)));
const longerFailing = traceEvidence(Array.from({ length: 10 }, (_, i) => run(`r${i}`, 12, i < 6 ? 1 : 0, i < 5 ? 'success' : 'failure')));
const longerRecovering = traceEvidence(Array.from({ length: 10 }, (_, i) => run(`r${i}`, 12, i < 6 ? 1 : 0, 'success')));

testCheck(check, {
  pass: [
    { name: 'attested yes', answer: 'yes', note: 'p = 0.995 over 12k steps, median task 9 steps: 0.995^9 ≈ 0.956' },
    { name: 'traces: p^n at the median step count meets the target, no run graded', traces: shortReliable },
    { name: 'traces: p^n meets the target and so do the graded runs', traces: shortReliableGraded },
    { name: 'traces: a lower target is met by longer runs', traces: longer, options: { minEndToEndSuccess: 0.5 } },
    { name: 'traces: the projection is low but every run ends well (failed steps are recovered)', traces: longerRecovering },
  ],
  fail: [
    { name: 'attested no', answer: 'no', note: 'p = 0.9 per step, 12-step tasks: about 28% end to end' },
    { name: 'traces: the same per-step reliability is not enough for 12-step runs, and runs do end badly', traces: longerFailing },
    { name: 'traces: the projection meets the target but graded runs do not: what users saw decides', traces: shortFailingUnseen },
  ],
  other: [
    { name: 'always applies', answer: 'not-applicable', note: 'our tasks are short', outcome: 'insufficient-evidence', messageIncludes: 'always applies' },
    {
      name: 'traces with too few steps cannot estimate p',
      traces: traceEvidence([run('r', 6, 0)]),
      outcome: 'insufficient-evidence',
      messageIncludes: 'the traces hold 6 model and tool calls; at least 30',
    },
    { name: 'a smaller minimum lets a short trace decide', traces: traceEvidence([run('r', 6, 0)]), options: { minSteps: 5 }, outcome: 'pass' },
    { name: 'traces: a low projection with no graded run is a caution, not a failure', traces: longer, outcome: 'insufficient-evidence', messageIncludes: "no run's outcome is graded" },
  ],
});

it('step-reliability-fits-workflow-length options: defaults parse, invalid values are rejected', () => {
  expect(check.options.parse({})).toEqual({ minEndToEndSuccess: 0.9, minSteps: 30 });
  expect(check.options.safeParse({ minEndToEndSuccess: 90 }).success).toBe(false);
  expect(check.options.safeParse({ minSteps: 0 }).success).toBe(false);
});

it('step-reliability-fits-workflow-length from traces: shows p with its interval, the projection and the observed success', () => {
  const finding = runCase(check, { name: 'longer', traces: longerFailing });
  expect(finding.message).toBe(
    "Observed end-to-end success is 50% of 10 graded runs, below the target of 90% (mimir's default; set policy.checks.step-reliability-fits-workflow-length.minEndToEndSuccess); per-step reliability 95% over a median of 12 steps projects 54%, and the projection falls below 50% at 14 steps.",
  );
  expect(finding.measured.map((m) => m.name)).toEqual([
    'per-step reliability',
    'median steps per run',
    'p90 steps per run',
    'projected end-to-end success at the median',
    'projected end-to-end success at p90',
    'observed end-to-end success',
    'steps at which the projection falls below 50%',
  ]);
  const projection = finding.measured[3]!;
  expect(projection.interval![0]).toBeLessThan(54);
  expect(projection.interval![1]).toBeGreaterThan(54);
  expect(finding.references).toHaveLength(6);
  expect(runCase(check, { name: 'short', traces: shortReliable }).message).not.toContain('Observed');
  expect(runCase(check, { name: 'short', traces: shortReliableGraded }).message).toContain('Observed: 100% of 10 graded runs.');
  expect(runCase(check, { name: 'unseen', traces: shortFailingUnseen }).message).toBe(
    "Observed end-to-end success is 80% of 10 graded runs, below the target of 90% (mimir's default; set policy.checks.step-reliability-fits-workflow-length.minEndToEndSuccess), although per-step reliability 97.5% over a median of 4 steps projects 90.4%: runs fail in ways the recorded step statuses do not show (a tool error recorded as a successful step, a wrong answer, a step that should not have run).",
  );
});
