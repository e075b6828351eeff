import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RISK_CLASSES, type ApprovalStep, type LlmStep, type Run, type Step, type ToolStep } from '../model/index.js';
import { createOversightAnalyzer, MAX_TRACKED_TOOLS, namesTool, type OversightAnalysis } from './oversight.js';
import { MAX_EXAMPLES } from './types.js';

let nextId = 0;
const id = (): string => `s${++nextId}`;

function tool(toolName: string, extra: Partial<Omit<ToolStep, 'kind'>> = {}): ToolStep {
  return { id: id(), kind: 'tool', name: `execute_tool ${toolName}`, toolName, status: 'ok', ...extra };
}
function approval(decision: ApprovalStep['decision'], extra: Partial<Omit<ApprovalStep, 'kind' | 'decision'>> = {}): ApprovalStep {
  return { id: id(), kind: 'approval', name: 'approval', status: 'ok', decision, actor: 'dana@example.com', startedAt: '2026-01-01T00:00:00Z', ...extra };
}
function llm(extra: Partial<Omit<LlmStep, 'kind'>> = {}): LlmStep {
  return { id: id(), kind: 'llm', name: 'chat', status: 'ok', ...extra };
}
const review = (): Step => ({ id: id(), kind: 'review', name: 'human review', status: 'ok' });
function run(steps: readonly Step[], extra: Partial<Run> = {}): Run {
  return { id: `run-${++nextId}`, steps, claimedStatus: 'success', outcome: { status: 'unknown', source: 'test' }, ...extra };
}
function analyze(...runs: readonly Run[]): OversightAnalysis {
  const analyzer = createOversightAnalyzer();
  for (const r of runs) analyzer.add(r);
  return analyzer.finish();
}
const refund = (callId: string | undefined, extra: Partial<Omit<ToolStep, 'kind'>> = {}): ToolStep =>
  tool('issue_refund', { risk: 'money', ...(callId !== undefined && { callId }), arguments: { order: 4411, amount: 89.9 }, ...extra });

describe('oversight analyzer: prior approval', () => {
  it('counts a high-risk call as approved only with an approval for its call id before it', () => {
    const approvedRun = run([approval('approved', { toolCallId: 'c1' }), refund('c1')]);
    const afterRun = run([refund('c2'), approval('approved', { toolCallId: 'c2' })]);
    const otherCall = run([approval('approved', { toolCallId: 'c9' }), refund('c3')]);
    const result = analyze(approvedRun, afterRun, otherCall, run([tool('search', { risk: 'read-only' })]));
    expect(result).toMatchObject({ highRiskCalls: 3, approvedBefore: 1, approvedByNameOnly: 0 });
    expect(result.unapproved.count).toBe(2);
    expect(result.unapproved.byTool).toEqual({ issue_refund: 2 });
    expect(result.unapproved.examples.map((e) => e.runId)).toEqual([afterRun.id, otherCall.id]);
    expect(result.approvedExamples[0]).toMatchObject({ runId: approvedRun.id, spanId: approvedRun.steps[1]?.id });
  });

  it('uses times when known: an approval that ended after the call started does not count', () => {
    const nested = run([
      refund('c1', { startedAt: '2026-01-01T00:00:01Z', endedAt: '2026-01-01T00:00:05Z' }),
      approval('approved', { toolCallId: 'c1', startedAt: '2026-01-01T00:00:02Z', endedAt: '2026-01-01T00:00:03Z' }),
    ]);
    const before = run([
      approval('approved', { toolCallId: 'c1', startedAt: '2026-01-01T00:00:00Z', endedAt: '2026-01-01T00:00:01Z' }),
      refund('c1', { startedAt: '2026-01-01T00:00:01Z' }),
    ]);
    expect(analyze(nested).approvedBefore).toBe(0);
    expect(analyze(before).approvedBefore).toBe(1);
  });

  it('counts a modified decision as approving, and a denial or timeout as not', () => {
    expect(analyze(run([approval('modified', { toolCallId: 'c1' }), refund('c1')])).approvedBefore).toBe(1);
    expect(analyze(run([approval('timeout', { toolCallId: 'c1' }), refund('c1')])).approvedBefore).toBe(0);
  });

  it('lets an approval without a call id cover only the next call of the one tool its name names', () => {
    const result = analyze(run([approval('approved', { name: 'approve issue_refund' }), refund(undefined), refund(undefined)]));
    expect(result).toMatchObject({ highRiskCalls: 2, approvedBefore: 1, approvedByNameOnly: 1 });
    const vague = analyze(run([approval('approved', { name: 'approval' }), refund(undefined)]));
    expect(vague.approvedBefore).toBe(0);
    const twoTools = analyze(run([approval('approved', { name: 'approve issue_refund and send_email' }), refund(undefined), tool('send_email', { risk: 'outbound-message' })]));
    expect(twoTools.approvedBefore).toBe(0);
  });

  it('matches tool names as whole identifiers', () => {
    expect(namesTool('approve:issue_refund', 'issue_refund')).toBe(true);
    expect(namesTool('approve issue_refund_v2', 'issue_refund')).toBe(false);
    expect(namesTool('approve issue_refund', 'refund')).toBe(false);
  });
});

describe('oversight analyzer: denials', () => {
  it('flags the denied call executing, and a retry of the same tool and arguments under a new call id', () => {
    const executed = run([approval('denied', { toolCallId: 'c1' }), refund('c1')]);
    const retried = run([refund('c1', { status: 'error', result: 'denied by approver' }), approval('denied', { toolCallId: 'c1' }), refund('c2')]);
    const result = analyze(executed, retried);
    expect(result.denials).toBe(2);
    expect(result.executedAfterDenial.count).toBe(2);
    expect(result.executedAfterDenial.examples.map((e) => e.spanId)).toEqual([executed.steps[1]?.id, retried.steps[2]?.id]);
  });

  it('does not flag a blocked call, other arguments, or a call approved anew after the denial', () => {
    const blocked = run([approval('denied', { toolCallId: 'c1' }), refund('c1', { status: 'error' })]);
    const otherArgs = run([refund('c1', { status: 'error' }), approval('denied', { toolCallId: 'c1' }), refund('c2', { arguments: { order: 9999, amount: 10 } })]);
    const reapproved = run([refund('c1', { status: 'error' }), approval('denied', { toolCallId: 'c1' }), approval('approved', { toolCallId: 'c2' }), refund('c2')]);
    const result = analyze(blocked, otherArgs, reapproved);
    expect(result.denials).toBe(3);
    expect(result.executedAfterDenial.count).toBe(0);
  });

  it('treats a timeout as a denial, and a denial that names a tool as covering its later calls', () => {
    const timeout = run([approval('timeout', { toolCallId: 'c1' }), refund('c1')]);
    const named = run([approval('denied', { name: 'deny issue_refund' }), refund(undefined)]);
    const result = analyze(timeout, named);
    expect(result.denials).toBe(2);
    expect(result.executedAfterDenial.count).toBe(2);
  });

  it('compares arguments in any key order', () => {
    const r = run([
      refund('c1', { status: 'error', arguments: { order: 4411, amount: 89.9 } }),
      approval('denied', { toolCallId: 'c1' }),
      refund('c2', { arguments: { amount: 89.9, order: 4411 } }),
    ]);
    expect(analyze(r).executedAfterDenial.count).toBe(1);
  });
});

describe('oversight analyzer: approval records', () => {
  it('counts complete records and lists the incomplete ones with what is missing', () => {
    const r = run([
      approval('approved', { toolCallId: 'c1' }),
      approval('approved', { toolCallId: 'c2', actor: ' ' }),
      { id: 'a3', kind: 'approval', name: 'approval', status: 'ok', decision: 'denied' },
    ]);
    const result = analyze(r);
    expect(result.approvals).toMatchObject({ total: 3, withActor: 1, withToolCallId: 2, withTime: 2, complete: 1 });
    expect(result.approvals.examples.map((e) => e.note)).toEqual(['approved approval without actor', 'denied approval without actor, tool call id, time']);
  });
});

describe('oversight analyzer: confidence and review', () => {
  it('buckets confidence in hundredths and sees a review before the next side-effecting call', () => {
    const result = analyze(
      run([llm({ confidence: 0.42 }), tool('search', { risk: 'read-only' }), review(), refund('c1')]),
      run([llm({ confidence: 0.29 }), refund('c2'), review()]),
      run([llm({ confidence: 0.29 }), tool('lookup')]),
      run([llm({ confidence: 0.5 })], { claimedStatus: 'escalated' }),
      run([llm({ confidence: 0.95 })]),
    );
    expect(result.confidence).toEqual({ 29: { outputs: 2, reviewed: 0 }, 42: { outputs: 1, reviewed: 1 }, 50: { outputs: 1, reviewed: 1 }, 95: { outputs: 1, reviewed: 0 } });
    expect(result.unreviewedExamples.map((e) => e.confidence)).toEqual([0.29, 0.29, 0.95]);
    expect(result.unreviewedExamples[0]?.note).toContain('issue_refund ran');
  });
});

describe('oversight analyzer: escalation and tools', () => {
  it('finds stuck runs and how they were handed on', () => {
    const failing = (n: number): Step[] => Array.from({ length: n }, () => tool('lookup', { status: 'error' }));
    const result = analyze(
      run([], { claimedStatus: 'escalated' }),
      run([], { claimedStatus: 'failure' }),
      run([], { outcome: { status: 'failure', source: 'labels' } }),
      run(failing(3)),
      run(failing(3), { outcome: { status: 'success', source: 'labels' } }),
      run(failing(2)),
      run([], { claimedStatus: 'failure', infrastructureError: 'harness crashed' }),
    );
    expect(result.escalatedRuns).toBe(1);
    // The run with three failed steps but verified a success was not stuck.
    expect(result.stuck).toMatchObject({ runs: 4, escalated: 1, reportedFailure: 1 });
    expect(result.stuck.examples).toHaveLength(2);
  });

  it('lists unclassified tools once, sorted, with where each was first called', () => {
    const r = run([tool('zeta'), tool('alpha'), tool('zeta'), tool('search', { risk: 'read-only' })]);
    const result = analyze(r);
    expect(result.calledTools).toBe(3);
    expect(result.unclassifiedTools).toEqual(['alpha', 'zeta']);
    expect(result.unclassifiedToolExamples.map((e) => e.spanId)).toEqual([r.steps[1]?.id, r.steps[0]?.id]);
    expect(result.toolNamesTruncated).toBe(false);
  });

  it('bounds the tool names it tracks', () => {
    const result = analyze(run(Array.from({ length: MAX_TRACKED_TOOLS + 5 }, (_, i) => tool(`tool_${i}`))));
    expect(result.calledTools).toBe(MAX_TRACKED_TOOLS);
    expect(result.toolNamesTruncated).toBe(true);
    expect(result.unclassifiedToolExamples).toHaveLength(MAX_EXAMPLES);
  });
});

describe('oversight analyzer: properties', () => {
  const toolStep: fc.Arbitrary<Step> = fc
    .record({
      name: fc.constantFrom('issue_refund', 'send_email', 'search'),
      risk: fc.option(fc.constantFrom(...RISK_CLASSES), { nil: undefined }),
      callId: fc.option(fc.constantFrom('c1', 'c2', 'c3', 'c4'), { nil: undefined }),
      ok: fc.boolean(),
    })
    .map(({ name, risk, callId, ok }) => tool(name, { ...(risk && { risk }), ...(callId !== undefined && { callId }), status: ok ? 'ok' : 'error', arguments: { n: 1 } }));
  // No times: "before" falls back to the order of the steps, which is what the shrinking explores.
  const approvalStep: fc.Arbitrary<Step> = fc
    .record({
      decision: fc.constantFrom<ApprovalStep['decision']>('approved', 'denied', 'modified', 'timeout'),
      toolCallId: fc.option(fc.constantFrom('c1', 'c2', 'c3', 'c4'), { nil: undefined }),
      name: fc.constantFrom('approval', 'approve issue_refund', 'deny send_email'),
    })
    .map(({ decision, toolCallId, name }): Step => ({ id: id(), kind: 'approval', name, status: 'ok', decision, ...(toolCallId !== undefined && { toolCallId }) }));
  const steps = fc.array(fc.oneof(toolStep, approvalStep, fc.constant<Step>({ id: 'r', kind: 'review', name: 'review', status: 'ok' })), { maxLength: 14 });

  it('never counts more approved or unapproved calls than there are high-risk calls', () => {
    fc.assert(
      fc.property(fc.array(steps, { maxLength: 5 }), (lists) => {
        const result = analyze(...lists.map((s) => run(s)));
        expect(result.approvedBefore + result.unapproved.count).toBe(result.highRiskCalls);
        expect(result.approvedByNameOnly).toBeLessThanOrEqual(result.approvedBefore);
        expect(result.approvals.complete).toBeLessThanOrEqual(result.approvals.total);
        expect(result.executedAfterDenial.count).toBeLessThanOrEqual(lists.flat().filter((s) => s.kind === 'tool').length);
      }),
      { numRuns: 300 },
    );
  });

  it('never increases the unapproved count when an approval is added before a call', () => {
    fc.assert(
      fc.property(steps, fc.nat(), (list, pick) => {
        const before = analyze(run(list)).unapproved.count;
        const positions = list.flatMap((s, i) => (s.kind === 'tool' && s.callId !== undefined ? [i] : []));
        const at = positions[pick % Math.max(1, positions.length)];
        if (at === undefined) return;
        const target = list[at] as ToolStep;
        const withApproval = [...list.slice(0, at), { id: 'added', kind: 'approval', name: 'approval', status: 'ok', decision: 'approved', toolCallId: target.callId } as Step, ...list.slice(at)];
        expect(analyze(run(withApproval)).unapproved.count).toBeLessThanOrEqual(before);
      }),
      { numRuns: 300 },
    );
  });
});
