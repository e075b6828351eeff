import type { ClaimedStatus, Run, RunOutcome, Step } from '../../model/index.js';
import check from './escalation-path-exists.js';
import { testCheck } from '../test-support/check-tester.js';
import { traceEvidence } from '../test-support/traces.js';

const failing = (n: number): Step[] => Array.from({ length: n }, (_, i) => ({ id: `t${i}`, kind: 'tool', name: 'execute_tool get_order', toolName: 'get_order', status: 'error' }));
const run = (id: string, claimedStatus: ClaimedStatus, outcome: RunOutcome['status'] = 'unknown', steps: Step[] = []): Run => ({ id, steps, claimedStatus, outcome: { status: outcome, source: 'labels' } });

testCheck(check, {
  pass: [
    { name: 'attested yes', answer: 'yes', note: 'escalate_to_human opens a Zendesk ticket with summary, steps tried and blocker' },
    { name: 'traces: stuck runs end escalated', traces: traceEvidence([run('r1', 'escalated', 'unknown', failing(3)), run('r2', 'success', 'success')]) },
  ],
  fail: [
    { name: 'attested no', answer: 'no', note: 'no hand-over; stuck runs end with an apology' },
    { name: 'traces: stuck runs give up or guess', traces: traceEvidence([run('r1', 'failure'), run('r2', 'success', 'failure'), run('r3', 'unknown', 'unknown', failing(4))]) },
  ],
  other: [
    { name: 'always applies', answer: 'not-applicable', note: 'the agent is fully autonomous', outcome: 'insufficient-evidence', messageIncludes: 'always applies' },
    { name: 'traces: one of two stuck runs escalated', traces: traceEvidence([run('r1', 'escalated'), run('r2', 'failure')]), outcome: 'partial', credit: 0.5, messageIncludes: '1 of 2 runs' },
    { name: 'traces: nothing got stuck', traces: traceEvidence([run('r1', 'success', 'success'), run('r2', 'success', 'unknown', failing(2))]), outcome: 'insufficient-evidence', messageIncludes: 'no run in 2 got stuck' },
  ],
});
