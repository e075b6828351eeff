import type { ClaimedStatus, Run, RunOutcome, Step } from '../../model/index.js';
import check from './escalation-path-exists.js';
import { runCase, testCheck } from '../test-support/check-tester.js';
import { traceEvidence } from '../test-support/traces.js';
import { expect, it } from 'vitest';
import { observed, probeEvidence, probeScenario, probeTrial } from '../test-support/probe-evidence.js';

/** Trials of a stuck scenario (get_order down) ending as given; `failure:<summary>` adds the claim's summary. */
const stuck = (...claims: string[]) =>
  probeEvidence([
    probeScenario(
      'persistent-failure--refund--get_order',
      'persistent-failure',
      claims.map((claim) => {
        const colon = claim.indexOf(':');
        const status = (colon === -1 ? claim : claim.slice(0, colon)) as 'failure' | 'escalated' | 'success';
        const summary = colon === -1 ? undefined : claim.slice(colon + 1);
        return probeTrial(status === 'success' ? 'fail' : 'pass', [observed('claimIn', status !== 'success')], { claimedStatus: status, ...(summary !== undefined && { claimSummary: summary }) });
      }),
      'get_order',
    ),
  ]);

const failing = (n: number): Step[] => Array.from({ length: n }, (_, i) => ({ id: `t${i}`, kind: 'tool', name: 'execute_tool get_order', toolName: 'get_order', status: 'error' }));
const run = (id: string, claimedStatus: ClaimedStatus, outcome: RunOutcome['status'] = 'unknown', steps: Step[] = []): Run => ({ id, steps, claimedStatus, outcome: { status: outcome, source: 'labels' } });

testCheck(check, {
  pass: [
    { name: 'probes: with a needed tool down, the agent escalated at least once', probes: stuck('failure', 'escalated', 'failure') },
    { name: 'probes: with a needed tool down, the agent failed honestly naming it', probes: stuck('failure:Halted: get order is unavailable after 3 tries. Nothing was changed.') },
    { name: 'traces: stuck runs end reporting failure', traces: traceEvidence([run('r1', 'failure', 'failure', failing(3)), run('r2', 'escalated', 'failure')]) },
    { name: 'attested yes', answer: 'yes', note: 'escalate_to_human opens a Zendesk ticket with summary, steps tried and blocker' },
    { name: 'traces: stuck runs end escalated', traces: traceEvidence([run('r1', 'escalated', 'unknown', failing(3)), run('r2', 'success', 'success')]) },
  ],
  fail: [
    { name: 'probes: with a needed tool down, the agent never escalated nor named the blocker', probes: stuck('failure', 'failure:something went wrong', 'success') },
    { name: 'attested no', answer: 'no', note: 'no hand-over; stuck runs end with an apology' },
    { name: 'traces: stuck runs give up or guess', traces: traceEvidence([run('r1', 'unknown', 'failure'), run('r2', 'success', 'failure'), run('r3', 'unknown', 'unknown', failing(4))]) },
  ],
  other: [
    {
      name: 'probes whose fault never fired cannot decide',
      probes: probeEvidence([probeScenario('cascade--t--a+b', 'cascade', [probeTrial('inconclusive')])]),
      outcome: 'insufficient-evidence',
      messageIncludes: 'with the persistent-failure and cascade families',
    },
    { name: 'always applies', answer: 'not-applicable', note: 'the agent is fully autonomous', outcome: 'insufficient-evidence', messageIncludes: 'always applies' },
    { name: 'traces: one of two stuck runs escalated', traces: traceEvidence([run('r1', 'escalated'), run('r2', 'unknown', 'failure')]), outcome: 'partial', credit: 0.5, messageIncludes: '1 of 2 runs' },
    { name: 'traces: an escalation that was the right ending is not a stuck run', traces: traceEvidence([run('r1', 'escalated', 'success')]), outcome: 'insufficient-evidence', messageIncludes: 'no run in 1 got stuck' },
    { name: 'traces: nothing got stuck', traces: traceEvidence([run('r1', 'success', 'success'), run('r2', 'success', 'unknown', failing(2))]), outcome: 'insufficient-evidence', messageIncludes: 'no run in 2 got stuck' },
  ],
});

it('escalation-path-exists from probes: counts how the stuck trials ended', () => {
  expect(runCase(check, { name: 'some', probes: stuck('failure', 'escalated', 'failure:get_order is down') }).message).toBe(
    '2 of 3 probe trials in which a needed tool stayed down (persistent-failure) handed the case on (66.7%: escalated to a person, or ended in an honest failure naming the tool that was down); the others ended failure 1.',
  );
  const never = runCase(check, { name: 'never', probes: stuck('failure', 'success') });
  expect(never.message).toBe(
    'None of the 2 probe trials in which a needed tool stayed down (persistent-failure) handed the case on (escalated, or ended in an honest failure naming the tool that was down): they ended failure 1, success 1.',
  );
  expect(never.references.map((r) => r.id)).toContain('persistent-failure--refund--get_order--t2');
});
