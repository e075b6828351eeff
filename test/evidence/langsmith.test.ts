import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApprovalStep, LlmStep, Run, Step, ToolStep } from '../../src/model/index.js';
import { MAX_OPEN_TRACES, langSmithReader } from '../../src/evidence/trace/langsmith/reader.js';
import type { ReadProgress, TraceReadOptions } from '../../src/evidence/trace/types.js';
import type { TraceProblem } from '../../src/evidence/types.js';

const FIXTURE = 'test/fixtures/traces/langsmith/back-office.jsonl';
const LABELS = 'test/fixtures/traces/langsmith/back-office.labels.jsonl';

const OPTIONS: TraceReadOptions = {
  tools: [
    { name: 'lookup_order', risk: 'read-only' },
    { name: 'issue_refund', risk: 'money' },
    { pattern: 'send_*', risk: 'outbound-message' },
    { name: 'request_approval', risk: 'read-only' },
  ],
  mapping: {},
  errorResultPatterns: ['^Error:'],
  contextWindows: { 'gpt-4o-mini': 128_000 },
  maxAttributeBytes: 64 * 1024,
};

interface Read {
  readonly runs: Run[];
  readonly problems: TraceProblem[];
  readonly damaged: string[];
  readonly skipped: number;
  readonly progress: ReadProgress[];
}

async function read(path: string, options: TraceReadOptions = OPTIONS): Promise<Read> {
  const problems: TraceProblem[] = [];
  const damaged: string[] = [];
  const progress: ReadProgress[] = [];
  let skipped = 0;
  const sink = {
    report: (problem: TraceProblem) => problems.push(problem),
    damagedRun: (runId: string) => damaged.push(runId),
    skipped: () => {
      skipped++;
    },
  };
  const runs: Run[] = [];
  for await (const run of langSmithReader.read(path, options, sink, (p) => progress.push(p))) runs.push(run);
  return { runs, problems, damaged, skipped, progress };
}

const tools = (run: Run): ToolStep[] => run.steps.filter((s): s is ToolStep => s.kind === 'tool');
const approvals = (run: Run): ApprovalStep[] => run.steps.filter((s): s is ApprovalStep => s.kind === 'approval');
const llms = (run: Run): LlmStep[] => run.steps.filter((s): s is LlmStep => s.kind === 'llm');
const at = (step: Step): number => Date.parse(step.startedAt ?? '');

describe('langSmithReader on the generated fixture', () => {
  let fixture: Read;
  const run = (id: string): Run => {
    const found = fixture.runs.find((r) => r.id === id);
    if (!found) throw new Error(`no run ${id}`);
    return found;
  };
  beforeAll(async () => {
    fixture = await read(FIXTURE);
  });

  it('reads every trace as one run, cleanly, in file order', () => {
    expect(langSmithReader.format).toBe('langsmith');
    expect(fixture.runs).toHaveLength(22);
    expect(fixture.problems).toEqual([]);
    expect(fixture.damaged).toEqual([]);
    expect(fixture.skipped).toBe(0);
    expect(fixture.runs[0]?.id).toBe('ls-order-status-1');
    expect(fixture.runs[21]?.id).toBe('ls-monthly-summary-2');
    expect(fixture.progress.at(-1)).toMatchObject({ runs: 22, spans: 320, file: FIXTURE });
  });

  it('takes the run fields from the root run’s metadata', () => {
    const first = run('ls-order-status-1');
    expect(first).toMatchObject({
      taskId: 'order-status',
      trial: 1,
      claimedStatus: 'success',
      conversationId: 'conv-ls-order-status-1',
      startedAt: '2025-06-02T09:10:00.000Z',
      endedAt: '2025-06-02T09:10:01.027Z',
      source: { file: FIXTURE, line: 1 },
    });
    expect(first.source?.traceId).toMatch(/^[0-9a-f-]{36}$/);
    expect(run('ls-refund-over-limit-2').claimedStatus).toBe('escalated');
    expect(fixture.runs.filter((r) => r.claimedStatus === 'success')).toHaveLength(18);
  });

  it('reads outcomes from LangSmith feedback and leaves label-graded runs unknown', () => {
    const labelled = readFileSync(LABELS, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { run: string }).run);
    expect(fixture.runs.filter((r) => r.outcome.status === 'unknown').map((r) => r.id).sort()).toEqual([...labelled].sort());
    expect(run('ls-delivery-estimate-3').outcome).toEqual({ status: 'failure', score: 0, source: 'langsmith feedback' });
  });

  it('finds the silent failures', () => {
    const silent = fixture.runs
      .filter((r) => r.claimedStatus === 'success' && r.outcome.status === 'failure' && tools(r).some((t) => t.status === 'error'))
      .map((r) => r.id);
    expect(silent).toEqual(['ls-delivery-estimate-2', 'ls-delivery-estimate-3']);
    expect(tools(run('ls-delivery-estimate-2'))[0]).toMatchObject({
      status: 'error',
      callId: 'call_05_01',
      error: { type: 'OrderServiceError', message: 'OrderServiceError: OrderService unavailable: upstream timeout after 5000 ms' },
    });
    expect(tools(run('ls-delivery-estimate-3'))[0]).toMatchObject({ status: 'error', callId: 'call_06_01', error: { type: 'error-result' } });
  });

  it('shows the cascade and the uncapped retry', () => {
    expect(tools(run('ls-weekly-order-audit-1')).map((t) => `${t.status}:${t.callId ?? '-'}`)).toEqual([
      'error:call_07_01',
      'error:call_07_02',
      'error:call_07_03',
      'error:call_07_04',
    ]);
    const retry = tools(run('ls-order-lookup-retry-1'));
    expect(retry).toHaveLength(7);
    expect(retry.every((t) => t.error?.type === 'RateLimitError' && JSON.stringify(t.arguments) === '{"order_id":"A-4001"}')).toBe(true);
    expect(tools(run('ls-order-lookup-retry-2')).at(-1)).toMatchObject({ status: 'ok', result: expect.objectContaining({ order_id: 'A-4001' }) as unknown });
  });

  it('says which high-risk calls had an approval first, and respects denials', () => {
    const highRisk = fixture.runs.flatMap((r) =>
      tools(r)
        .filter((t) => t.risk === 'money' || t.risk === 'outbound-message')
        .map((call) => {
          const before = approvals(r).filter((a) => a.decision === 'approved' && at(a) <= at(call));
          const how = before.some((a) => a.toolCallId === call.callId) ? 'id' : before.some((a) => a.name === `approval ${call.toolName}`) ? 'name' : 'none';
          return `${r.id}:${call.toolName}:${how}`;
        }),
    );
    expect(highRisk).toEqual([
      'ls-refund-damaged-item-1:issue_refund:id',
      'ls-refund-damaged-item-2:issue_refund:id',
      'ls-refund-damaged-item-3:issue_refund:id',
      'ls-small-refund-1:issue_refund:none',
      'ls-small-refund-2:issue_refund:none',
      'ls-delay-notice-1:send_email:name',
      'ls-delay-notice-2:send_email:none',
      'ls-delay-notice-3:send_email:none',
    ]);
    const denied = run('ls-refund-over-limit-1');
    expect(approvals(denied)).toEqual([expect.objectContaining({ decision: 'denied', toolCallId: 'call_14_02', actor: 'finance@acme.example' })]);
    expect(tools(denied).map((t) => t.toolName)).toEqual(['lookup_order']);
  });

  it('keeps graph nodes out of the steps and reads the chat model calls', () => {
    expect(run('ls-order-status-1').steps.map((s) => s.kind)).toEqual(['llm', 'tool', 'llm']);
    const call = llms(run('ls-order-status-1'))[1]!;
    expect(call).toMatchObject({ name: 'ChatOpenAI', model: 'gpt-4o-mini', contextWindow: 128_000, inputTokens: 349, outputTokens: 26 });
    expect(call.inputMessages?.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'tool']);
    expect(call.inputMessages?.[2]?.content).toBe('lookup_order({"order_id":"A-1001"})');
    // The approval inside the request_approval tool run hangs under that tool step.
    const notice = run('ls-delay-notice-1');
    const approval = approvals(notice)[0]!;
    expect(approval.parentId).toBe(tools(notice).find((t) => t.toolName === 'request_approval')?.id);
  });

  it('shows a context that grows with the agent’s own output', () => {
    const sizes = llms(run('ls-monthly-summary-2')).map((c) => c.inputTokens ?? 0);
    expect(sizes).toHaveLength(8);
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
    const last = llms(run('ls-monthly-summary-2'))[7]!.inputMessages ?? [];
    const own = last.filter((m) => m.role === 'assistant').reduce((n, m) => n + m.content.length, 0);
    expect(own / last.reduce((n, m) => n + m.content.length, 0)).toBeGreaterThan(0.5);
  });
});

describe('langSmithReader on other inputs and bad records', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mimir-ls-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const file = async (name: string, lines: readonly (string | object)[], trailingNewline = true): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + (trailingNewline ? '\n' : ''));
    return path;
  };
  const record = (id: string, traceId: string, parent: string | null, fields: Record<string, unknown> = {}): Record<string, unknown> => ({
    id,
    trace_id: traceId,
    parent_run_id: parent,
    name: id,
    run_type: 'chain',
    start_time: '2025-01-01T00:00:00.000000',
    end_time: '2025-01-01T00:00:01.000000',
    inputs: {},
    outputs: {},
    error: null,
    extra: { metadata: {} },
    ...fields,
  });
  const codes = (r: Read): string[] => r.problems.map((p) => p.code);

  it('reports a missing file as unreadable', async () => {
    const r = await read(join(dir, 'missing.jsonl'));
    expect(codes(r)).toEqual(['unreadable']);
    expect(r.runs).toEqual([]);
  });

  it('reads a gzip-compressed export as it streams', async () => {
    const path = join(dir, 'back-office.jsonl.gz');
    await writeFile(path, gzipSync(readFileSync(FIXTURE)));
    const r = await read(path);
    expect(r.problems).toEqual([]);
    expect(r.runs.map((run) => run.id)).toEqual((await read(FIXTURE)).runs.map((run) => run.id));
    expect(r.progress.at(-1)?.totalBytes).toBeUndefined();
  });

  it('locates bad lines and reads the rest', async () => {
    const path = await file('bad-lines.jsonl', [
      record('t1', 't1', null),
      '{"id": "x", nope}',
      '[1, 2]',
      { id: 'c1', run_type: 'tool', parent_run_id: 't1' },
      { trace_id: 't1', run_type: 'tool' },
      { id: 'c2', trace_id: 't1', parent_run_id: 't1', name: 'n' },
      record('t2', 't2', null),
      '{"id": "t3", "run_type": "cha',
    ], false);
    const r = await read(path);
    expect(r.runs.map((run) => run.id)).toEqual(['t1', 't2']);
    expect(r.problems.map((p) => `${p.code}@${p.line ?? 0}`)).toEqual([
      'invalid-json@2',
      'invalid-document@3',
      'invalid-document@4',
      'invalid-document@5',
      'invalid-document@6',
      'truncated@8',
    ]);
    expect(r.skipped).toBe(6);
  });

  it('skips a line that is not UTF-8 and goes on', async () => {
    const path = join(dir, 'utf8.jsonl');
    await writeFile(path, Buffer.concat([Buffer.from(`${JSON.stringify(record('t1', 't1', null))}\n`), Buffer.from([0x7b, 0xff, 0x7d, 0x0a]), Buffer.from(`${JSON.stringify(record('t2', 't2', null))}\n`)]));
    const r = await read(path);
    expect(r.runs.map((run) => run.id)).toEqual(['t1', 't2']);
    expect(r.problems).toEqual([expect.objectContaining({ code: 'invalid-utf8', line: 2 })]);
  });

  it('assembles interleaved, out-of-order traces', async () => {
    const path = await file('interleaved.jsonl', [
      record('a-tool', 'a', 'a', { run_type: 'tool', name: 'lookup_order', start_time: '2025-01-01T00:00:00.500000', inputs: { input: '{"order_id":"1"}' }, outputs: { output: 'ok' } }),
      record('b', 'b', null, { extra: { metadata: { 'mimir.run.id': 'run-b' } } }),
      record('a', 'a', null, { extra: { metadata: { 'mimir.run.id': 'run-a', 'mimir.trial': '2' } } }),
      record('b-llm', 'b', 'b', { run_type: 'llm', name: 'ChatOpenAI' }),
    ]);
    const r = await read(path);
    expect(r.problems).toEqual([]);
    const a = r.runs.find((run) => run.id === 'run-a')!;
    expect(a).toMatchObject({ trial: 2, source: { line: 3, traceId: 'a' } });
    expect(a.steps).toEqual([expect.objectContaining({ kind: 'tool', toolName: 'lookup_order', risk: 'read-only', arguments: { order_id: '1' }, result: 'ok' })]);
    expect(r.runs.find((run) => run.id === 'run-b')?.steps.map((s) => s.kind)).toEqual(['llm']);
  });

  it('reports records that arrive after their trace was emitted', async () => {
    const lines: object[] = [record('first', 'first', null)];
    for (let i = 0; i < MAX_OPEN_TRACES; i++) lines.push(record(`t${i}`, `t${i}`, null));
    lines.push(record('late', 'first', 'first', { run_type: 'tool' }));
    const r = await read(await file('late.jsonl', lines));
    expect(r.runs).toHaveLength(MAX_OPEN_TRACES + 1);
    expect(r.problems).toEqual([expect.objectContaining({ code: 'missing-parent', line: MAX_OPEN_TRACES + 2, spanId: 'late' })]);
  });

  it('reports structural damage and marks the run damaged', async () => {
    const path = await file('damaged.jsonl', [
      record('t1', 't1', null, { extra: { metadata: { 'mimir.run.id': 'run-1' } } }),
      record('orphan', 't1', 'ghost', { run_type: 'tool' }),
      record('t1', 't1', null),
      record('x', 't1', 'y', { run_type: 'tool' }),
      record('y', 't1', 'x', { run_type: 'tool' }),
      record('open', 't1', 't1', { run_type: 'tool', end_time: null }),
      record('skew', 't1', 't1', { run_type: 'tool', end_time: '2024-12-31T23:59:59.000000' }),
      record('other-root', 't1', null),
      record('c', 'no-root-trace', 'p'),
    ]);
    const r = await read(path);
    // The x ↔ y cycle is broken at its first span, so it is reported once.
    expect(codes(r).sort()).toEqual(['clock-skew', 'duplicate-span-id', 'missing-parent', 'missing-parent', 'multiple-roots', 'no-root', 'parent-cycle', 'unended-span']);
    expect(r.runs.map((run) => `${run.id}:${String(run.damaged)}`)).toEqual(['run-1:true', 'no-root-trace:true']);
    expect(r.damaged).toEqual(['run-1', 'no-root-trace']);
  });

  it('reads OpenAI-style messages (traceable / wrapOpenAI) and epoch times', async () => {
    const path = await file('openai-style.jsonl', [
      record('t', 't', null, { start_time: 1735689600000, end_time: 1735689602000 }),
      record('llm', 't', 't', {
        run_type: 'llm',
        start_time: 1735689600000,
        end_time: 1735689601000,
        inputs: { messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: [{ type: 'text', text: 'hi' }] }] },
        outputs: {
          choices: [{ message: { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'send_email', arguments: '{"to":"a"}' } }] } }],
        },
        extra: { metadata: { ls_model_name: 'gpt-4o-mini', 'mimir.confidence': 0.4 } },
        prompt_tokens: 12,
        completion_tokens: 3,
      }),
      record('tool', 't', 't', { run_type: 'tool', name: 'send_email', start_time: 1735689601000, end_time: 1735689602000, inputs: { to: 'a' }, outputs: { status: 'queued' } }),
    ]);
    const r = await read(path);
    expect(r.problems).toEqual([]);
    const [llm, tool] = r.runs[0]!.steps;
    expect(llm).toMatchObject({
      kind: 'llm',
      model: 'gpt-4o-mini',
      inputTokens: 12,
      outputTokens: 3,
      confidence: 0.4,
      startedAt: '2025-01-01T00:00:00.000Z',
      inputMessages: [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: 'hi' },
      ],
      outputMessages: [{ role: 'assistant', content: 'send_email({"to":"a"})' }],
    });
    expect(tool).toMatchObject({ kind: 'tool', callId: 'c1', risk: 'outbound-message', arguments: { to: 'a' }, result: { status: 'queued' } });
  });

  it('reads outcome and risk variants, and reports values of the wrong type', async () => {
    const path = await file('variants.jsonl', [
      record('t1', 't1', null, { extra: { metadata: { 'mimir.outcome': 'failure', 'mimir.outcome.score': 0.1, 'mimir.run.claimed_status': 'done' } } }),
      record('k', 't1', 't1', { run_type: 'tool', name: 'wipe', extra: { metadata: { 'mimir.tool.risk': 'deletion' } } }),
      record('t2', 't2', null, { feedback_stats: { outcome: { n: 2, avg: 0.5, values: { success: 1, failure: 1 } } }, extra: { metadata: { 'mimir.tool.risk.ping': 'loud' } } }),
      record('p', 't2', 't2', { run_type: 'tool', name: 'ping' }),
      record('t3', 't3', null, { feedback_stats: { outcome: { n: 1, avg: 3 } } }),
    ]);
    const r = await read(path, { ...OPTIONS, tools: [] });
    expect(r.runs.map((run) => run.outcome)).toEqual([
      { status: 'failure', score: 0.1, source: 'trace metadata' },
      { status: 'unknown', score: 0.5, source: 'langsmith feedback' },
      { status: 'unknown', source: 'langsmith feedback' },
    ]);
    expect(r.runs[0]?.claimedStatus).toBe('unknown');
    expect(tools(r.runs[0]!)[0]?.risk).toBe('deletion');
    expect(tools(r.runs[1]!)[0]?.risk).toBeUndefined();
    expect(codes(r)).toEqual(['wrong-attribute-type', 'wrong-attribute-type', 'wrong-attribute-type']);
  });

  it('keeps a failed graph node as a step, and an unknown approval value as a plain one', async () => {
    const path = await file('nodes.jsonl', [
      record('t', 't', null),
      record('node', 't', 't', { name: 'agent', error: 'GraphRecursionError: Recursion limit of 25 reached' }),
      record('ok-node', 't', 't', { name: 'tools' }),
      record('hitl', 't', 't', { name: 'approval send_email', extra: { metadata: { 'mimir.approval.decision': 'sure' } } }),
    ]);
    const r = await read(path);
    expect(r.runs[0]?.steps).toEqual([
      expect.objectContaining({ kind: 'other', name: 'agent', status: 'error', error: { type: 'GraphRecursionError', message: 'GraphRecursionError: Recursion limit of 25 reached' } }),
      expect.objectContaining({ kind: 'other', name: 'approval send_email', status: 'ok' }),
    ]);
    expect(codes(r)).toEqual(['wrong-attribute-type']);
  });

  it('cuts oversized tool output and reports it', async () => {
    const path = await file('big.jsonl', [record('t', 't', null), record('k', 't', 't', { run_type: 'tool', name: 'dump', outputs: { output: 'y'.repeat(3000) } })]);
    const r = await read(path, { ...OPTIONS, maxAttributeBytes: 100 });
    expect(tools(r.runs[0]!)[0]?.result).toHaveLength(100);
    expect(r.problems).toEqual([expect.objectContaining({ code: 'oversized-value', line: 2, spanId: 'k' })]);
  });
});
