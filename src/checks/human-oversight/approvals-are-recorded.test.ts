import type { ApprovalStep, Run, Step, ToolStep } from '../../model/index.js';
import check from './approvals-are-recorded.js';
import { testCheck } from '../test-support/check-tester.js';
import { traceEvidence } from '../test-support/traces.js';
import { observed, probeEvidence, probeScenario, probeTrial } from '../test-support/probe-evidence.js';

const refund = (id: string, callId: string): ToolStep => ({ id, kind: 'tool', name: 'execute_tool issue_refund', toolName: 'issue_refund', callId, risk: 'money', status: 'ok' });
const record = (id: string, fields: Partial<ApprovalStep>): ApprovalStep => ({ id, kind: 'approval', name: 'approval', status: 'ok', decision: 'approved', ...fields });
const complete = (id: string, callId: string): ApprovalStep => record(id, { actor: 'dana@example.com', toolCallId: callId, startedAt: '2026-11-20T10:00:00Z' });
const run = (id: string, ...steps: Step[]): Run => ({ id, steps, claimedStatus: 'success', outcome: { status: 'unknown', source: 'test' } });

testCheck(check, {
  pass: [
    { name: 'attested yes', answer: 'yes', note: 'approvals table: approver SSO id, timestamp, decision, tool, arguments, tool_call_id; retained 7 years' },
    { name: 'traces: every approval names who, when and which call', traces: traceEvidence([run('r1', complete('a1', 'c1'), refund('t1', 'c1')), run('r2', complete('a2', 'c2'), refund('t2', 'c2'))]) },
  ],
  fail: [
    { name: 'attested no', answer: 'no', note: 'approvals are Slack reactions' },
    { name: 'traces: approvals carry only a decision', traces: traceEvidence([run('r1', record('a1', { name: 'approve issue_refund' }), refund('t1', 'c1'))]) },
    { name: 'traces: high-risk calls with no approval record at all', traces: traceEvidence([run('r1', refund('t1', 'c1'))]) },
  ],
  other: [
    {
      name: 'probe evidence cannot answer it yet',
      probes: probeEvidence([probeScenario('kill-resume--t--refund_order', 'kill-resume', [probeTrial('pass', [observed('recovers', true)])])]),
      outcome: 'insufficient-evidence',
      messageIncludes: 'mimir cannot yet answer this check from probe evidence',
    },
    { name: 'not applicable with a reason', answer: 'not-applicable', note: 'no high-risk tools, so no approvals', outcome: 'not-applicable' },
    { name: 'not applicable without a reason', answer: 'not-applicable', outcome: 'insufficient-evidence', messageIncludes: 'written reason' },
    {
      name: 'not applicable contradicted by a declared high-risk tool',
      answer: 'not-applicable',
      note: 'we have no risky tools',
      system: { name: 'back office', tools: [{ name: 'issue_refund', risk: 'money' }] },
      outcome: 'insufficient-evidence',
      messageIncludes: 'mimir.yaml declares high-risk tools: issue_refund (money)',
    },
    {
      name: 'traces: half the records lack the actor',
      traces: traceEvidence([run('r1', complete('a1', 'c1'), refund('t1', 'c1'), record('a2', { toolCallId: 'c2', startedAt: '2026-11-20T10:00:00Z' }), refund('t2', 'c2'))]),
      outcome: 'partial',
      credit: 0.5,
      messageIncludes: '1 of 2 approval records',
    },
    { name: 'traces: no approvals and no high-risk calls', traces: traceEvidence([run('r1')]), outcome: 'insufficient-evidence', messageIncludes: 'no approval record and no high-risk tool call' },
  ],
});
