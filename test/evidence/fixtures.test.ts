import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ApprovalStep, LlmStep, Run, ToolStep } from '../../src/model/index.js';
import { analyzeRuns } from '../../src/analysis/index.js';
import { read } from './support.js';

/** The realistic fixtures in test/fixtures/traces/otlp, and what each must show (see its README). */

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'traces', 'otlp');
const fixture = (name: string) => join(FIXTURES, name);

const OPTIONS = {
  tools: [
    { pattern: 'send_*', risk: 'outbound-message' as const },
    { name: 'issue_refund', risk: 'money' as const },
    { name: 'lookup_order', risk: 'read-only' as const },
  ],
  errorResultPatterns: ['^\\s*(Error|ERROR|Exception)\\b', '^\\s*\\{\\s*"error"\\s*:'],
  contextWindows: { 'gpt-4o*': 128_000 },
};

function run(runs: readonly Run[], id: string): Run {
  const found = runs.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no run ${id}`);
  return found;
}

describe('fixtures', () => {
  it('genai-refund-agent.jsonl: two trials, an approved refund and a silent failure', async () => {
    const { runs, sink, progress } = await read(fixture('genai-refund-agent.jsonl'), OPTIONS);
    expect(sink.problems).toEqual([]);
    expect(runs.map((r) => r.id).sort()).toEqual(['refund-1042-t1', 'refund-1042-t2']);

    const passed = run(runs, 'refund-1042-t1');
    expect(passed).toMatchObject({ taskId: 'refund-1042', trial: 1, claimedStatus: 'success', outcome: { status: 'success', score: 1 }, conversationId: 'conv-1042' });
    expect(passed.toolDefinitions?.map((tool) => tool.name)).toEqual(['lookup_order', 'issue_refund', 'send_email']);
    expect(passed.steps.map((step) => step.kind)).toEqual(['llm', 'tool', 'llm', 'approval', 'tool', 'checkpoint', 'llm']);
    const [chat] = passed.steps as [LlmStep];
    expect(chat).toMatchObject({ model: 'gpt-4o', contextWindow: 128_000, inputTokens: 412, outputTokens: 28 });
    expect(chat.inputMessages?.map((message) => message.role)).toEqual(['system', 'user']);
    const approval = passed.steps[3] as ApprovalStep;
    const refund = passed.steps[4] as ToolStep;
    expect(approval).toMatchObject({ decision: 'approved', toolCallId: 'call_a2', actor: 'dana@support.example.com' });
    expect(refund).toMatchObject({ toolName: 'issue_refund', callId: 'call_a2', risk: 'money', arguments: { order_id: '1042', amount: 59.9 } });
    expect(passed.steps[5]).toMatchObject({ kind: 'checkpoint', name: 'refund-1042/after-refund' });
    expect((passed.steps[2] as LlmStep).confidence).toBe(0.92);

    const silent = run(runs, 'refund-1042-t2');
    expect(silent).toMatchObject({ claimedStatus: 'success', outcome: { status: 'failure', score: 0 } });
    expect(silent.steps.filter((step) => step.status === 'error')).toMatchObject([
      { kind: 'tool', toolName: 'issue_refund', error: { type: 'error-result', message: 'Error: payment provider timeout (upstream 504)' } },
      { kind: 'tool', toolName: 'send_email', risk: 'outbound-message', error: { type: 'SMTPServerDisconnected', message: 'SMTP 421 service not available' } },
    ]);
    expect(progress.at(-1)).toMatchObject({ spans: 12, runs: 2, bytesRead: progress.at(-1)?.totalBytes });
  });

  it('genai-legacy-names.json: replaced names, event content, one whole document', async () => {
    const { runs, sink } = await read(fixture('genai-legacy-names.json'), OPTIONS);
    expect(sink.problems).toEqual([]);
    expect(runs).toHaveLength(1);
    const legacy = runs[0]!;
    expect(legacy).toMatchObject({ id: 'legacy-1', claimedStatus: 'escalated' });
    expect(legacy.source?.line).toBeGreaterThan(1);
    expect(legacy.steps).toMatchObject([
      {
        kind: 'llm',
        model: 'gpt-3.5-turbo',
        inputTokens: 96,
        outputTokens: 12,
        inputMessages: [
          { role: 'system', content: 'You answer billing questions.' },
          { role: 'user', content: 'Why was I charged twice?' },
        ],
        outputMessages: [{ role: 'assistant', content: 'I will hand this to a human agent.' }],
      },
      { kind: 'llm', model: 'claude-3-haiku', inputMessages: [{ role: 'user', content: 'Summarize the ticket for the human agent.' }] },
    ]);
  });

  it('openinference-agent.jsonl: span kinds, flattened messages and tools', async () => {
    const { runs, sink } = await read(fixture('openinference-agent.jsonl'), OPTIONS);
    expect(sink.problems).toEqual([]);
    expect(runs).toMatchObject([
      {
        conversationId: 'sess-55',
        toolDefinitions: [{ name: 'search_flights', description: 'Search flights' }],
        steps: [
          { kind: 'llm', model: 'gpt-4o-mini', inputTokens: 210, outputMessages: [{ role: 'assistant', content: 'search_flights({"to":"OSL"})' }] },
          { kind: 'tool', toolName: 'search_flights', callId: 'call_o1', arguments: { to: 'OSL' }, result: [{ flight: 'SK4034', price: 89 }] },
          { kind: 'other', name: 'format_answer' },
        ],
      },
    ]);
  });

  it('team-attributes.jsonl: read through the mapping in mimir.yaml', async () => {
    const mapping = {
      taskId: ['acme.run.ticket'],
      claimedStatus: ['acme.run.result'],
      approvalDecision: ['acme.approval.verdict'],
      approvalToolCallId: ['acme.approval.call'],
      approvalActor: ['acme.approval.by'],
    };
    const { runs, sink } = await read(fixture('team-attributes.jsonl'), { ...OPTIONS, mapping });
    expect(sink.problems).toEqual([]);
    expect(runs).toMatchObject([
      {
        taskId: 'TREAS-19',
        claimedStatus: 'failure',
        steps: [
          { kind: 'approval', decision: 'approved', toolCallId: 'call_m1', actor: 'ops-oncall' },
          { kind: 'tool', toolName: 'wire_transfer', status: 'error', error: { type: 'error-result' } },
        ],
      },
    ]);
    const unmapped = await read(fixture('team-attributes.jsonl'), OPTIONS);
    expect(unmapped.runs[0]).toMatchObject({ claimedStatus: 'unknown', steps: [{ kind: 'other' }, { kind: 'tool' }] });
  });

  it('damaged.jsonl: every problem located, the surviving run damaged although graded success', async () => {
    const { runs, sink } = await read(fixture('damaged.jsonl'), OPTIONS);
    expect(sink.problems.map((problem) => [problem.code, problem.line, problem.spanId])).toEqual([
      ['wrong-attribute-type', 1, 'd100000000000002'],
      ['invalid-document', 2, undefined],
      ['duplicate-span-id', 2, 'd100000000000003'],
      ['truncated', 3, undefined],
      ['truncated', 5, undefined],
      ['missing-parent', 1, 'd100000000000003'],
      ['unended-span', 2, 'd100000000000004'],
    ]);
    expect(sink.skippedRecords).toBe(4);
    expect(runs).toMatchObject([{ id: 'damaged-1', damaged: true, claimedStatus: 'success', outcome: { status: 'success' } }]);
    expect(sink.damagedRuns).toEqual(new Set(['damaged-1']));
  });

  it('sdk-export.json and sdk-export.pb: real producers, the same runs from either encoding', async () => {
    const json = await read(fixture('sdk-export.json'), OPTIONS);
    const protobuf = await read(fixture('sdk-export.pb'), OPTIONS);
    expect(json.sink.problems).toEqual([]);
    expect(protobuf.sink.problems).toEqual([]);
    const strip = (runs: readonly Run[]) => runs.map(({ source, ...rest }) => ({ ...rest, traceId: source?.traceId }));
    expect(strip(protobuf.runs)).toEqual(strip(json.runs));
    expect(json.runs.map((r) => [r.id, r.steps.map((step) => step.kind)])).toEqual(
      expect.arrayContaining([
        ['run-vercel', ['llm', 'tool', 'llm']],
        ['run-genai', ['llm', 'tool']],
      ]),
    );
  });

  it('openinference-langgraph.jsonl: a LangGraph agent as OpenInference records it, approvals bound by the ToolMessage call id, bare inputs not read as arguments', async () => {
    const tools = [
      { name: 'get_service_status', risk: 'read-only' as const },
      { name: 'rotate_credential', risk: 'credential-change' as const },
      { name: 'delete_snapshot', risk: 'deletion' as const },
    ];
    const { runs, sink } = await read(fixture('openinference-langgraph.jsonl'), { ...OPTIONS, tools });
    expect(sink.problems).toEqual([]);
    expect(runs).toHaveLength(2);
    const toolSteps = runs.flatMap((r) => r.steps).filter((step): step is ToolStep => step.kind === 'tool');
    // Every call's id comes from its ToolMessage, none from an attribute: the instrumentation sets none.
    expect(toolSteps.length).toBeGreaterThan(0);
    expect(toolSteps.every((step) => step.callId?.startsWith('call_') === true)).toBe(true);
    const analyses = analyzeRuns(runs);
    // The careful build asked before each high-risk call, with its exact call id (the builder's check).
    expect(analyses.oversight).toMatchObject({ highRiskCalls: 2, approvedBefore: 2, unapproved: { count: 0 } });
    // One-argument tools' inputs are recorded bare (text/plain): unknown arguments, not schema violations.
    expect(analyses.contracts.argumentViolations.count).toBe(0);
  });
});
