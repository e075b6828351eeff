import type { ClaimedStatus, Run, RunOutcome, Step } from '../../model/index.js';
import check from './escalation-path-exists.js';
import { runCase, testCheck } from '../test-support/check-tester.js';
import { traceEvidence } from '../test-support/traces.js';
import { expect, it } from 'vitest';
import { observed, probeEvidence, probeScenario, probeTrial } from '../test-support/probe-evidence.js';

const stuck = (...claims: ('failure' | 'escalated' | 'success')[]) =>
  probeEvidence([
    probeScenario(
      'persistent-failure--refund--get_order',
      'persistent-failure',
      claims.map((claim) => probeTrial(claim === 'success' ? 'fail' : 'pass', [observed('claimIn', claim !== 'success')], { claimedStatus: claim })),
    ),
  ]);

const failing = (n: number): Step[] => Array.from({ length: n }, (_, i) => ({ id: `t${i}`, kind: 'tool', name: 'execute_tool get_order', toolName: 'get_order', status: 'error' }));
const run = (id: string, claimedStatus: ClaimedStatus, outcome: RunOutcome['status'] = 'unknown', steps: Step[] = []): Run => ({ id, steps, claimedStatus, outcome: { status: outcome, source: 'labels' } });

testCheck(check, {
  pass: [
    { name: 'probes: with a needed tool down, the agent escalated at least once', probes: stuck('failure', 'escalated', 'failure') },
    { name: 'attested yes', answer: 'yes', note: 'escalate_to_human opens a Zendesk ticket with summary, steps tried and blocker' },
    { name: 'traces: stuck runs end escalated', traces: traceEvidence([run('r1', 'escalated', 'unknown', failing(3)), run('r2', 'success', 'success')]) },
  ],
  fail: [
    { name: 'probes: with a needed tool down, the agent never escalated', probes: stuck('failure', 'success') },
    { name: 'attested no', answer: 'no', note: 'no hand-over; stuck runs end with an apology' },
    { name: 'traces: stuck runs give up or guess', traces: traceEvidence([run('r1', 'failure'), run('r2', 'success', 'failure'), run('r3', 'unknown', 'unknown', failing(4))]) },
  ],
  other: [
    {
      name: 'probes whose fault never fired cannot decide',
      probes: probeEvidence([probeScenario('cascade--t--a+b', 'cascade', [probeTrial('inconclusive')])]),
      outcome: 'insufficient-evidence',
      messageIncludes: 'with the persistent-failure and cascade families',
    },
    { name: 'always applies', answer: 'not-applicable', note: 'the agent is fully autonomous', outcome: 'insufficient-evidence', messageIncludes: 'always applies' },
    { name: 'traces: one of two stuck runs escalated', traces: traceEvidence([run('r1', 'escalated'), run('r2', 'failure')]), outcome: 'partial', credit: 0.5, messageIncludes: '1 of 2 runs' },
    { name: 'traces: nothing got stuck', traces: traceEvidence([run('r1', 'success', 'success'), run('r2', 'success', 'unknown', failing(2))]), outcome: 'insufficient-evidence', messageIncludes: 'no run in 2 got stuck' },
  ],
});

it('escalation-path-exists from probes: counts how the stuck trials ended', () => {
  expect(runCase(check, { name: 'some', probes: stuck('failure', 'escalated', 'failure') }).message).toBe(
    '1 of 3 probe trials in which a needed tool stayed down (persistent-failure) ended escalated to a person (33.3%); the others ended failure 2.',
  );
  const never = runCase(check, { name: 'never', probes: stuck('failure', 'success') });
  expect(never.message).toBe('None of the 2 probe trials in which a needed tool stayed down (persistent-failure) ended escalated to a person: they ended failure 1, success 1.');
  expect(never.references.map((r) => r.id)).toContain('persistent-failure--refund--get_order--t2');
});
