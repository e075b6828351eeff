import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApprovalStep, LlmStep, Run, Step, ToolStep } from '../../src/model/index.js';
import { openAiAgentsReader } from '../../src/evidence/trace/openai-agents/reader.js';
import type { TraceReadOptions } from '../../src/evidence/trace/types.js';
import type { TraceProblem } from '../../src/evidence/types.js';

const FIXTURE = 'test/fixtures/traces/openai-agents/back-office.json';
const LABELS = 'test/fixtures/traces/openai-agents/back-office.labels.jsonl';

/** The tools as a team would declare them in mimir.yaml (names and wildcards). */
const OPTIONS: TraceReadOptions = {
  tools: [
    { name: 'lookup_order', risk: 'read-only' },
    { pattern: 'refund*', risk: 'money' },
    { pattern: 'issue_refund', risk: 'money' },
    { pattern: 'send_*', risk: 'outbound-message' },
    { name: 'request_approval', risk: 'read-only' },
  ],
  mapping: {},
  errorResultPatterns: ['^Error:'],
  contextWindows: { 'gpt-4o*': 128_000 },
  maxAttributeBytes: 64 * 1024,
};

interface Read {
  readonly runs: Run[];
  readonly problems: TraceProblem[];
  readonly damaged: string[];
  readonly skipped: number;
}

async function read(path: string, options: TraceReadOptions = OPTIONS): Promise<Read> {
  const problems: TraceProblem[] = [];
  const damaged: string[] = [];
  let skipped = 0;
  const sink = {
    report: (problem: TraceProblem) => problems.push(problem),
    damagedRun: (runId: string) => damaged.push(runId),
    skipped: () => {
      skipped++;
    },
  };
  const runs: Run[] = [];
  for await (const run of openAiAgentsReader.read(path, options, sink)) runs.push(run);
  return { runs, problems, damaged, skipped };
}

const tools = (run: Run): ToolStep[] => run.steps.filter((s): s is ToolStep => s.kind === 'tool');
const approvals = (run: Run): ApprovalStep[] => run.steps.filter((s): s is ApprovalStep => s.kind === 'approval');
const llms = (run: Run): LlmStep[] => run.steps.filter((s): s is LlmStep => s.kind === 'llm');
const kinds = (run: Run): string => run.steps.map((s) => s.kind).join(',');
const at = (step: Step): number => Date.parse(step.startedAt ?? '');

describe('openAiAgentsReader on the generated fixture', () => {
  let fixture: Read;
  const run = (id: string): Run => {
    const found = fixture.runs.find((r) => r.id === id);
    if (!found) throw new Error(`no run ${id}`);
    return found;
  };
  beforeAll(async () => {
    fixture = await read(FIXTURE);
  });

  it('reads every run, cleanly', () => {
    expect(fixture.runs).toHaveLength(22);
    expect(fixture.problems).toEqual([]);
    expect(fixture.damaged).toEqual([]);
    expect(fixture.skipped).toBe(0);
    expect(openAiAgentsReader.format).toBe('openai-agents');
  });

  it('takes run id, task, trial, conversation and claim from the trace metadata', () => {
    const first = run('oa-order-status-1');
    expect(first).toMatchObject({ taskId: 'order-status', trial: 1, claimedStatus: 'success', conversationId: 'conv-oa-order-status-1' });
    expect(first.source).toMatchObject({ file: FIXTURE, traceId: expect.stringMatching(/^trace_[0-9a-f]{32}$/) as unknown });
    expect(first.startedAt).toBe('2025-06-02T09:10:00.000Z');
    const claims = Object.fromEntries(fixture.runs.map((r) => [r.id, r.claimedStatus]));
    expect(claims).toMatchObject({
      'oa-weekly-order-audit-2': 'failure',
      'oa-order-lookup-retry-1': 'failure',
      'oa-refund-over-limit-1': 'escalated',
      'oa-refund-over-limit-2': 'escalated',
      'oa-monthly-summary-2': 'success',
    });
    expect(fixture.runs.filter((r) => r.claimedStatus === 'success')).toHaveLength(18);
    const trials = new Map<string, number[]>();
    for (const r of fixture.runs) trials.set(r.taskId ?? '?', [...(trials.get(r.taskId ?? '?') ?? []), r.trial ?? 0]);
    expect(trials.get('order-status')).toEqual([1, 2, 3]);
    expect(trials.size).toBe(9);
  });

  it('reads graded outcomes from metadata and leaves label-graded runs unknown', () => {
    const labelled = readFileSync(LABELS, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { run: string }).run);
    const unknown = fixture.runs.filter((r) => r.outcome.status === 'unknown').map((r) => r.id);
    expect(unknown.sort()).toEqual([...labelled].sort());
    expect(run('oa-delivery-estimate-2').outcome).toEqual({ status: 'failure', score: 0, source: 'trace metadata' });
    expect(run('oa-refund-over-limit-1').outcome).toEqual({ status: 'success', score: 1, source: 'trace metadata' });
  });

  it('finds the silent failures: a failed tool, a success claim, a failed outcome', () => {
    const silent = fixture.runs
      .filter((r) => r.claimedStatus === 'success' && r.outcome.status === 'failure' && tools(r).some((t) => t.status === 'error'))
      .map((r) => r.id);
    expect(silent).toEqual(['oa-delivery-estimate-2', 'oa-delivery-estimate-3']);
    // A thrown error: the span's error, typed by the error's name.
    expect(tools(run('oa-delivery-estimate-2'))[0]).toMatchObject({
      status: 'error',
      error: { type: 'OrderServiceError', message: 'OrderServiceError: OrderService unavailable: upstream timeout after 5000 ms' },
      result: 'Error: OrderServiceError: OrderService unavailable: upstream timeout after 5000 ms',
    });
    // An error returned as text: only the configured pattern makes it a failure.
    expect(tools(run('oa-delivery-estimate-3'))[0]).toMatchObject({ status: 'error', error: { type: 'error-result' } });
  });

  it('applies errorResultPatterns only when configured', async () => {
    const { runs } = await read(FIXTURE, { ...OPTIONS, errorResultPatterns: [] });
    const step = tools(runs.find((r) => r.id === 'oa-delivery-estimate-3')!)[0]!;
    expect(step.status).toBe('ok');
    expect(step.result).toBe('Error: order A-2003 not found in region eu-west');
  });

  it('shows the cascade and the uncapped retry', () => {
    for (const id of ['oa-weekly-order-audit-1', 'oa-weekly-order-audit-2']) {
      expect(tools(run(id)).map((t) => t.status)).toEqual(['error', 'error', 'error', 'error']);
      expect(tools(run(id)).map((t) => t.error?.type)).toEqual(['DatabaseError', 'DatabaseError', 'DatabaseError', 'DatabaseError']);
    }
    const uncapped = tools(run('oa-order-lookup-retry-1'));
    expect(uncapped).toHaveLength(7);
    expect(new Set(uncapped.map((t) => JSON.stringify(t.arguments)))).toEqual(new Set(['{"order_id":"A-4001"}']));
    expect(uncapped.every((t) => t.error?.type === 'RateLimitError')).toBe(true);
    expect(tools(run('oa-order-lookup-retry-2')).map((t) => t.status)).toEqual([...Array<string>(6).fill('error'), 'ok']);
  });

  it('matches each function span to the call id the model gave it', () => {
    expect(tools(run('oa-order-lookup-retry-1')).map((t) => t.callId)).toEqual(['call_09_01', 'call_09_02', 'call_09_03', 'call_09_04', 'call_09_05', 'call_09_06', 'call_09_07']);
    expect(tools(run('oa-refund-damaged-item-2')).map((t) => `${t.toolName}:${t.callId ?? '-'}`)).toEqual(['lookup_order:call_12_01', 'issue_refund:call_12_02']);
  });

  it('says which high-risk calls had an approval first', () => {
    const highRisk = fixture.runs.flatMap((r) =>
      tools(r)
        .filter((t) => t.risk === 'money' || t.risk === 'outbound-message')
        .map((call) => {
          const before = approvals(r).filter((a) => a.decision === 'approved' && at(a) <= at(call));
          const byId = before.some((a) => a.toolCallId === call.callId);
          const byName = before.some((a) => a.toolCallId === undefined && a.name === `approval ${call.toolName}`);
          return `${r.id}:${call.toolName}:${byId ? 'id' : byName ? 'name' : 'none'}`;
        }),
    );
    expect(highRisk).toEqual([
      'oa-refund-damaged-item-1:issue_refund:id',
      'oa-refund-damaged-item-2:issue_refund:id',
      'oa-refund-damaged-item-3:issue_refund:id',
      'oa-small-refund-1:issue_refund:none',
      'oa-small-refund-2:issue_refund:none',
      'oa-delay-notice-1:send_email:name',
      'oa-delay-notice-2:send_email:none',
      'oa-delay-notice-3:send_email:none',
    ]);
    expect(approvals(run('oa-refund-damaged-item-1'))).toEqual([
      expect.objectContaining({ decision: 'approved', toolCallId: 'call_11_02', actor: 'ops-lead@acme.example', name: 'approval issue_refund' }),
    ]);
  });

  it('records a denial once and no execution of the denied call', () => {
    for (const id of ['oa-refund-over-limit-1', 'oa-refund-over-limit-2']) {
      const r = run(id);
      // The SDK's own record of the rejection (a failed function span) is not a tool execution, and
      // the app's approval record already says it: one denial step.
      expect(approvals(r)).toEqual([expect.objectContaining({ decision: 'denied', actor: 'finance@acme.example' })]);
      expect(tools(r).map((t) => t.toolName)).toEqual(['lookup_order']);
    }
  });

  it('keeps the SDK rejection as a denial when the app recorded none', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mimir-oa-'));
    try {
      const path = join(dir, 'rejected.json');
      await writeFile(
        path,
        JSON.stringify({
          data: [
            trace('trace_r'),
            generation('span_g', 'trace_r', '2025-01-01T00:00:00.000Z', [{ id: 'call_x', name: 'issue_refund', args: '{"amount":420}' }]),
            {
              ...span('span_f', 'trace_r', { type: 'function', name: 'issue_refund', input: '', output: 'Tool execution was not approved.' }, '2025-01-01T00:00:01.000Z'),
              error: { message: 'Tool execution was not approved.', data: { tool_name: 'issue_refund', error: 'Tool execution for call_x was manually rejected by user.' } },
            },
          ],
        }),
      );
      const { runs } = await read(path);
      expect(runs[0]?.steps.map((s) => s.kind)).toEqual(['llm', 'approval']);
      expect(approvals(runs[0]!)[0]).toMatchObject({ decision: 'denied', toolCallId: 'call_x', name: 'rejected issue_refund' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('maps guardrail, handoff and llm spans and skips the SDK structure spans', () => {
    expect(kinds(run('oa-order-status-1'))).toBe('guardrail,llm,tool,llm');
    expect(run('oa-order-status-1').steps[0]).toMatchObject({ kind: 'guardrail', name: 'no_card_numbers', status: 'ok' });
    expect(kinds(run('oa-delay-notice-2'))).toBe('llm,handoff,llm,tool,llm,tool,llm');
    expect(run('oa-delay-notice-2').steps[1]).toMatchObject({ kind: 'handoff', name: 'handoff triage → back-office' });
    expect(run('oa-delay-notice-1').toolDefinitions?.map((t) => t.name)).toEqual(['lookup_order', 'issue_refund', 'send_email', 'request_approval']);
    const step = llms(run('oa-order-status-1'))[1]!;
    expect(step).toMatchObject({ model: 'gpt-4o-mini', contextWindow: 128_000, inputTokens: 231, outputTokens: 26 });
    expect(step.inputMessages?.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool']);
    expect(step.inputMessages?.[2]?.content).toBe('lookup_order({"order_id":"A-1001"})');
    expect(step.outputMessages?.[0]?.content).toContain('"status":"success"');
  });

  it('shows a context that grows with the agent’s own output', () => {
    const calls = llms(run('oa-monthly-summary-1'));
    expect(calls).toHaveLength(8);
    const sizes = calls.map((c) => c.inputTokens ?? 0);
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
    expect(sizes[7]! / sizes[0]!).toBeGreaterThan(20);
    const last = calls[7]!.inputMessages ?? [];
    const own = last.filter((m) => m.role === 'assistant').reduce((n, m) => n + m.content.length, 0);
    const all = last.reduce((n, m) => n + m.content.length, 0);
    expect(own / all).toBeGreaterThan(0.5);
  });

  it('takes tool risk from mimir.yaml, else from trace metadata, else leaves it unknown', async () => {
    const bare = await read(FIXTURE, { ...OPTIONS, tools: [] });
    expect(bare.runs.flatMap(tools).every((t) => t.risk === undefined)).toBe(true);
    const dir = await mkdtemp(join(tmpdir(), 'mimir-oa-'));
    try {
      const path = join(dir, 'risk.json');
      await writeFile(
        path,
        JSON.stringify({
          data: [
            trace('trace_k', { 'mimir.tool.risk.wipe_db': 'deletion', 'mimir.tool.risk.ping': 'harmless' }),
            span('span_1', 'trace_k', { type: 'function', name: 'wipe_db', input: '{}', output: 'ok' }),
            span('span_2', 'trace_k', { type: 'function', name: 'ping', input: '{}', output: 'pong' }),
          ],
        }),
      );
      const { runs, problems } = await read(path, { ...OPTIONS, tools: [] });
      expect(tools(runs[0]!).map((t) => t.risk)).toEqual(['deletion', undefined]);
      expect(problems.map((p) => p.code)).toEqual(['wrong-attribute-type']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

function trace(id: string, metadata: Record<string, unknown> = {}): object {
  return { object: 'trace', id, workflow_name: 'w', group_id: null, metadata };
}

function span(id: string, traceId: string, data: object, startedAt = '2025-01-01T00:00:00.000Z', parentId: string | null = null): object {
  return { object: 'trace.span', id, trace_id: traceId, parent_id: parentId, started_at: startedAt, ended_at: startedAt, span_data: data, error: null };
}

function generation(id: string, traceId: string, startedAt: string, calls: readonly { id: string; name: string; args: string }[]): object {
  return span(
    id,
    traceId,
    {
      type: 'generation',
      model: 'gpt-4o-mini',
      input: [{ role: 'user', content: 'refund it' }],
      output: [{ choices: [{ message: { role: 'assistant', content: null, tool_calls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.args } })) } }] }],
    },
    startedAt,
  );
}

describe('openAiAgentsReader on bad input', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mimir-oa-bad-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const file = async (name: string, content: string | Buffer): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, content);
    return path;
  };
  const codes = (r: Read): string[] => r.problems.map((p) => p.code);

  it('reports a missing file as unreadable', async () => {
    const r = await read(join(dir, 'nope.json'));
    expect(r.runs).toEqual([]);
    expect(codes(r)).toEqual(['unreadable']);
  });

  it('reads a gzip-compressed export', async () => {
    const r = await read(await file('back-office.json.gz', gzipSync(readFileSync(FIXTURE))));
    expect(r.problems).toEqual([]);
    expect(r.runs).toHaveLength(22);
  });

  it('reports text that is not JSON, and a truncated document, without throwing', async () => {
    const garbage = await read(await file('garbage.json', '{"data": [ nope ]}'));
    expect(codes(garbage)).toEqual(['invalid-json']);
    expect(garbage.skipped).toBe(1);
    const cut = await read(await file('cut.json', JSON.stringify({ data: [trace('t1')] }, null, 2).slice(0, 40)));
    expect(codes(cut)).toEqual(['truncated']);
    expect(cut.runs).toEqual([]);
  });

  it('reads JSON Lines of payloads and locates a bad line', async () => {
    const path = await file(
      'lines.jsonl',
      [
        JSON.stringify({ data: [trace('t1', { 'mimir.run.id': 'r1' }), span('s1', 't1', { type: 'function', name: 'lookup_order', input: '{}', output: '{}' })] }),
        '{"data": [',
        JSON.stringify(trace('t2')),
        '',
      ].join('\n'),
    );
    const r = await read(path);
    expect(r.runs.map((run) => run.id)).toEqual(['r1', 't2']);
    expect(r.problems).toEqual([expect.objectContaining({ code: 'invalid-json', line: 2, file: path })]);
    expect(r.runs[0]?.source?.line).toBe(1);
  });

  it('skips items that are not traces or spans, naming their place', async () => {
    const path = await file(
      'items.json',
      JSON.stringify({ data: [trace('t1'), { object: 'trace.span', id: 's1', trace_id: 't1' }, 42, { object: 'log' }, { object: 'trace' }] }),
    );
    const r = await read(path);
    expect(r.runs).toHaveLength(1);
    expect(codes(r)).toEqual(['invalid-document', 'invalid-document', 'invalid-document', 'invalid-document']);
    expect(r.problems[0]?.message).toContain('data[1]');
    expect(r.skipped).toBe(4);
  });

  it('reports structural damage and marks the run damaged', async () => {
    const path = await file(
      'damaged.json',
      JSON.stringify({
        data: [
          trace('t1', { 'mimir.run.id': 'run-1' }),
          span('a', 't1', { type: 'function', name: 'x', input: '{}', output: '1' }, '2025-01-01T00:00:01.000Z', 'ghost'),
          span('b', 't1', { type: 'function', name: 'y', input: '{}', output: '2' }, '2025-01-01T00:00:02.000Z', 'c'),
          span('c', 't1', { type: 'function', name: 'z', input: '{}', output: '3' }, '2025-01-01T00:00:03.000Z', 'b'),
          span('a', 't1', { type: 'function', name: 'dup', input: '{}', output: '4' }),
          { ...(span('d', 't1', { type: 'function', name: 'w', input: '{}', output: '5' }) as Record<string, unknown>), ended_at: null },
          { ...(span('e', 't1', { type: 'function', name: 'v', input: '{}', output: '6' }, '2025-01-01T00:00:05.000Z') as Record<string, unknown>), ended_at: '2025-01-01T00:00:04.000Z' },
        ],
      }),
    );
    const r = await read(path);
    expect(codes(r).sort()).toEqual(['clock-skew', 'duplicate-span-id', 'missing-parent', 'parent-cycle', 'unended-span']);
    expect(r.runs).toHaveLength(1);
    expect(r.runs[0]).toMatchObject({ id: 'run-1', damaged: true });
    expect(r.runs[0]?.steps).toHaveLength(5);
    expect(r.damaged).toEqual(['run-1']);
  });

  it('reads spans whose trace record is missing as a damaged run named by the trace id', async () => {
    const r = await read(await file('orphans.json', JSON.stringify({ data: [span('s1', 'trace_lost', { type: 'function', name: 'x', input: '', output: '' })] })));
    expect(r.runs[0]).toMatchObject({ id: 'trace_lost', damaged: true, claimedStatus: 'unknown', outcome: { status: 'unknown' } });
    expect(codes(r)).toEqual(['no-root']);
  });

  it('reports metadata of the wrong type and keeps it unknown', async () => {
    const path = await file(
      'meta.json',
      JSON.stringify({
        data: [
          trace('t1', { 'mimir.run.claimed_status': 'done', 'mimir.trial': 'two', 'mimir.outcome': 'success', 'mimir.outcome.score': '7' }),
          span('s1', 't1', { type: 'custom', name: 'approval x', data: { 'mimir.approval.decision': 'maybe' } }),
        ],
      }),
    );
    const r = await read(path);
    expect(r.runs[0]).toMatchObject({ claimedStatus: 'unknown', outcome: { status: 'success', source: 'trace metadata' } });
    expect(r.runs[0]?.trial).toBeUndefined();
    expect(r.runs[0]?.outcome.score).toBeUndefined();
    expect(r.runs[0]?.steps[0]).toMatchObject({ kind: 'other', name: 'approval x' });
    expect(codes(r)).toEqual(['wrong-attribute-type', 'wrong-attribute-type', 'wrong-attribute-type', 'wrong-attribute-type']);
  });

  it('honours the attribute mapping for task, claim and approvals', async () => {
    const path = await file(
      'mapped.json',
      JSON.stringify({
        data: [
          trace('t1', { scenario: 'refunds', agent_said: 'escalated' }),
          span('s1', 't1', { type: 'custom', name: 'hitl', data: { verdict: 'approved', call: 'call_1', who: 'ann' } }),
        ],
      }),
    );
    const r = await read(path, {
      ...OPTIONS,
      mapping: { taskId: ['scenario'], claimedStatus: ['agent_said'], approvalDecision: ['verdict'], approvalToolCallId: ['call'], approvalActor: ['who'] },
    });
    expect(r.runs[0]).toMatchObject({ taskId: 'refunds', claimedStatus: 'escalated' });
    expect(r.runs[0]?.steps[0]).toMatchObject({ kind: 'approval', decision: 'approved', toolCallId: 'call_1', actor: 'ann' });
  });

  it('cuts oversized values and reports them', async () => {
    const big = 'x'.repeat(5000);
    const path = await file('big.json', JSON.stringify({ data: [trace('t1'), span('s1', 't1', { type: 'function', name: 'dump', input: '{}', output: big })] }));
    const r = await read(path, { ...OPTIONS, maxAttributeBytes: 1000 });
    expect(tools(r.runs[0]!)[0]?.result).toHaveLength(1000);
    expect(r.problems).toEqual([expect.objectContaining({ code: 'oversized-value', spanId: 's1' })]);
  });

  it('reads a file with an invalid UTF-8 byte, and says so', async () => {
    const text = Buffer.from(JSON.stringify({ data: [trace('t1', { note: 'caf\u00e9' })] }));
    const bad = Buffer.from(text.toString('latin1').replace('\u00c3\u00a9', '\u00e9'), 'latin1');
    const r = await read(await file('latin1.json', bad));
    expect(codes(r)).toEqual(['invalid-utf8']);
    expect(r.runs).toHaveLength(1);
  });
});
