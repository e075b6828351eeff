import { describe, expect, it } from 'vitest';
import { analyzeRuns } from '../../src/analysis/index.js';
import { APPROVAL_TOOL_NAME, type ApprovalStep, type Run, type Step } from '../../src/model/index.js';
import { jsonLines, readText, span, type JsonValue } from './support.js';

/**
 * Issue 11, point 4: an approval asked through the agent contract's `request_approval` tool is an
 * approval record for the call it names, never an ordinary tool step. The traces are in the GenAI
 * conventions (gen_ai.tool.name, gen_ai.tool.call.arguments, gen_ai.tool.call.result), as an
 * instrumented agent exports them during a probe run.
 */

const EMAIL = { to: 'customer@example.com', subject: 'Your refund', body: 'Done.' };
const TOOLS = [{ name: 'send_email', risk: 'outbound-message' as const }];

function tool(id: string, start: number, name: string, args: unknown, result: unknown, extra: Record<string, JsonValue> = {}, error?: string): JsonValue {
  return span({
    id,
    parent: 'root',
    name: `execute_tool ${name}`,
    start,
    end: start + 50,
    attrs: {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': name,
      'gen_ai.tool.call.arguments': JSON.stringify(args),
      ...(result !== undefined && { 'gen_ai.tool.call.result': typeof result === 'string' ? result : JSON.stringify(result) }),
      ...extra,
    },
    ...(error !== undefined && { error }),
  });
}

async function runOf(...spans: JsonValue[]): Promise<{ run: Run; problems: string[] }> {
  const root = span({ id: 'root', name: 'invoke_agent', start: 0, end: 1000, attrs: { 'gen_ai.operation.name': 'invoke_agent' } });
  const result = await readText(jsonLines([root, ...spans]), { tools: TOOLS });
  const run = result.runs[0];
  if (run === undefined) throw new Error('no run');
  return { run, problems: result.sink.problems.map((p) => `${p.code} line ${String(p.line)}: ${p.message}`) };
}

const approvalsOf = (run: Run): ApprovalStep[] => run.steps.filter((s): s is ApprovalStep => s.kind === 'approval');
const toolNames = (steps: readonly Step[]): string[] => steps.flatMap((s) => (s.kind === 'tool' ? [s.toolName] : []));

describe('request_approval in a trace', () => {
  it('is an approval record for the next call of that tool with those arguments: decision, decider, time, call id', async () => {
    const { run, problems } = await runOf(
      tool('ask', 100, APPROVAL_TOOL_NAME, { tool: 'send_email', arguments: EMAIL, reason: 'tell the customer' }, { decision: 'approved', approval_id: 'apr-1', decided_by: 'ops@acme.example' }),
      tool('send', 200, 'send_email', EMAIL, { ok: true }, { 'gen_ai.tool.call.id': 'call_2' }),
    );
    expect(problems).toEqual([]);
    expect(toolNames(run.steps)).toEqual(['send_email']);
    const [approval] = approvalsOf(run);
    expect(approval).toMatchObject({ kind: 'approval', decision: 'approved', toolCallId: 'call_2', actor: 'ops@acme.example', name: 'request_approval send_email' });
    expect(approval?.endedAt).toBe(run.steps.find((s) => s.name === 'request_approval send_email')?.endedAt);
    expect(approval?.startedAt).toBeDefined();

    const analyses = analyzeRuns([run]);
    expect(analyses.oversight.highRiskCalls).toBe(1);
    expect(analyses.oversight.approvedBefore).toBe(1);
    expect(analyses.oversight.approvedByNameOnly).toBe(0);
    expect(analyses.reliability.toolSteps.trials).toBe(1);
  });

  it('a failed request is not a failed tool step (step reliability counts the work, not the asking)', async () => {
    const { run } = await runOf(tool('ask', 100, APPROVAL_TOOL_NAME, { tool: 'send_email', arguments: EMAIL }, undefined, {}, 'approval service unavailable'));
    expect(toolNames(run.steps)).toEqual([]);
    expect(run.steps.find((s) => s.name === APPROVAL_TOOL_NAME)?.kind).toBe('other');
    expect(analyzeRuns([run]).reliability.steps.trials).toBe(0);
  });

  it('reads decisions in every spelling, from an MCP result, and binds a denial to the call it names', async () => {
    const mcp = { content: [{ type: 'text', text: JSON.stringify({ decision: 'DENIED', approval_id: 'apr-2' }) }] };
    const { run } = await runOf(
      tool('ask', 100, APPROVAL_TOOL_NAME, { tool: 'send_email', arguments: EMAIL }, mcp),
      tool('send', 200, 'send_email', EMAIL, { ok: true }, { 'gen_ai.tool.call.id': 'call_2' }),
    );
    expect(approvalsOf(run)[0]).toMatchObject({ decision: 'denied', toolCallId: 'call_2' });
    const oversight = analyzeRuns([run]).oversight;
    expect(oversight.denials).toBe(1);
    expect(oversight.executedAfterDenial.count).toBe(1);
    expect(oversight.approvedBefore).toBe(0);
  });

  it('a call with other arguments is not the call approved, and a denial of other arguments forbids nothing else', async () => {
    const { run } = await runOf(
      tool('ask', 100, APPROVAL_TOOL_NAME, { tool: 'send_email', arguments: EMAIL }, { decision: 'timeout' }),
      tool('send', 200, 'send_email', { ...EMAIL, to: 'someone@else.example' }, { ok: true }, { 'gen_ai.tool.call.id': 'call_3' }),
    );
    const [approval] = approvalsOf(run);
    expect(approval).toMatchObject({ decision: 'timeout', name: APPROVAL_TOOL_NAME });
    expect(approval?.toolCallId).toBeUndefined();
    const oversight = analyzeRuns([run]).oversight;
    expect(oversight.executedAfterDenial.count).toBe(0);
    expect(oversight.unapproved.count).toBe(1);
  });

  it('a matching call without a call id is bound by name, and counted as such', async () => {
    const { run } = await runOf(
      tool('ask', 100, APPROVAL_TOOL_NAME, { tool: 'send_email', arguments: { body: 'Done.', subject: 'Your refund', to: 'customer@example.com' } }, '{"decision":"granted"}'),
      tool('send', 200, 'send_email', EMAIL, { ok: true }),
    );
    expect(approvalsOf(run)[0]).toMatchObject({ decision: 'approved', name: 'request_approval send_email' });
    const oversight = analyzeRuns([run]).oversight;
    expect(oversight.approvedBefore).toBe(1);
    expect(oversight.approvedByNameOnly).toBe(1);
  });

  it('an answer with no decision is reported at the span, and approves nothing', async () => {
    const { run, problems } = await runOf(
      tool('ask', 100, APPROVAL_TOOL_NAME, { tool: 'send_email', arguments: EMAIL }, { decision: 'maybe later' }),
      tool('send', 200, 'send_email', EMAIL, { ok: true }, { 'gen_ai.tool.call.id': 'call_2' }),
    );
    expect(approvalsOf(run)).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^wrong-attribute-type line 1: .*request_approval answered decision "maybe later"/);
    expect(analyzeRuns([run]).oversight.unapproved.count).toBe(1);
  });

  it('a request the trace also records with mimir.approval.* is counted once', async () => {
    const { run } = await runOf(
      tool('ask', 100, APPROVAL_TOOL_NAME, { tool: 'send_email', arguments: EMAIL }, { decision: 'approved' }),
      span({ id: 'decided', parent: 'ask', name: 'approval send_email', start: 120, end: 130, attrs: { 'mimir.approval.decision': 'approve', 'mimir.approval.tool_call.id': 'call_2', 'mimir.approval.actor': 'ops' } }),
      tool('send', 200, 'send_email', EMAIL, { ok: true }, { 'gen_ai.tool.call.id': 'call_2' }),
    );
    expect(approvalsOf(run)).toHaveLength(1);
    expect(approvalsOf(run)[0]).toMatchObject({ decision: 'approved', toolCallId: 'call_2', actor: 'ops' });
  });

  it('LangSmith tool runs are read the same way', async () => {
    const base = { trace_id: 'r1', inputs: {}, outputs: {}, error: null, extra: { metadata: {} } };
    const records = [
      { ...base, id: 'r1', parent_run_id: null, name: 'agent', run_type: 'chain', start_time: '2025-01-01T00:00:00', end_time: '2025-01-01T00:00:09' },
      { ...base, id: 'a1', parent_run_id: 'r1', name: APPROVAL_TOOL_NAME, run_type: 'tool', start_time: '2025-01-01T00:00:01', end_time: '2025-01-01T00:00:02', inputs: { input: JSON.stringify({ tool: 'send_email', arguments: EMAIL }) }, outputs: { output: '{"decision":"expired"}' } },
      { ...base, id: 's1', parent_run_id: 'r1', name: 'send_email', run_type: 'tool', start_time: '2025-01-01T00:00:03', end_time: '2025-01-01T00:00:04', inputs: { input: JSON.stringify(EMAIL) }, outputs: { output: 'sent' } },
    ];
    const result = await readText(records.map((r) => JSON.stringify(r)).join('\n') + '\n', { tools: TOOLS }, 'ls.jsonl');
    const run = result.runs[0] as Run;
    expect(approvalsOf(run)[0]).toMatchObject({ decision: 'timeout', name: 'request_approval send_email' });
    expect(toolNames(run.steps)).toEqual(['send_email']);
  });

  it("reads the agent's own approval tool (probes.approvalTool) the same way, when the read options name it", async () => {
    const spans = [
      tool('ask', 100, 'ask_supervisor', { tool: 'send_email', arguments: EMAIL }, { decision: 'approved' }),
      tool('send', 200, 'send_email', EMAIL, { ok: true }, { 'gen_ai.tool.call.id': 'call_2' }),
    ];
    const root = span({ id: 'root', name: 'invoke_agent', start: 0, end: 1000, attrs: { 'gen_ai.operation.name': 'invoke_agent' } });
    const unnamed = (await readText(jsonLines([root, ...spans]), { tools: TOOLS })).runs[0];
    expect(unnamed && toolNames(unnamed.steps)).toEqual(['ask_supervisor', 'send_email']);
    const named = (await readText(jsonLines([root, ...spans]), { tools: TOOLS, approvalTools: [APPROVAL_TOOL_NAME, 'ask_supervisor'] })).runs[0];
    expect(named && toolNames(named.steps)).toEqual(['send_email']);
    expect(named && approvalsOf(named)).toMatchObject([{ decision: 'approved', toolCallId: 'call_2' }]);
  });
});
