import { describe, expect, it } from 'vitest';
import type { ApprovalStep, LlmStep, Step, ToolStep } from '../../src/model/index.js';
import { isoTime } from '../../src/evidence/trace/time.js';
import { jsonLines, readText, span, spanId, traceId, type SpanSpec } from './support.js';

/** One trace: a root plus the given children (parented to the root unless they say otherwise). */
async function readTrace(children: readonly Omit<SpanSpec, 'parent'>[], root: Partial<SpanSpec> = {}, options = {}) {
  const spans = children.map((child, index) => span({ parent: 'root', start: 10 * (index + 1), ...child }));
  const result = await readText(jsonLines([...spans, span({ id: 'root', start: 0, end: 1000, ...root })]), options);
  expect(result.runs).toHaveLength(1);
  return { run: result.runs[0]!, sink: result.sink };
}

function stepNamed(steps: readonly Step[], id: string): Step {
  const step = steps.find((candidate) => candidate.id === spanId(id));
  if (!step) throw new Error(`no step ${id}`);
  return step;
}

describe('OpenTelemetry GenAI conventions', () => {
  it('reads current names: operation, provider, model, tokens, messages with parts, system instructions, tools', async () => {
    const { run, sink } = await readTrace([
      {
        id: 'chat',
        name: 'chat gpt-4o',
        attrs: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.response.model': 'gpt-4o-2024-08-06',
          'gen_ai.usage.input_tokens': 1200,
          'gen_ai.usage.output_tokens': 80,
          'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'You are a refunds agent.' }]),
          'gen_ai.input.messages': JSON.stringify([
            { role: 'user', parts: [{ type: 'text', content: 'Refund order 12' }] },
            { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'lookup_order', arguments: { order: '12' } }] },
            { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: { status: 'shipped' } }] },
          ]),
          'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Refunded.' }], finish_reason: 'stop' }]),
          'gen_ai.tool.definitions': JSON.stringify([{ type: 'function', name: 'lookup_order', description: 'Find an order', parameters: { type: 'object' } }]),
        },
      },
      {
        id: 'tool',
        name: 'execute_tool lookup_order',
        attrs: {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': 'lookup_order',
          'gen_ai.tool.call.id': 'call_1',
          'gen_ai.tool.call.arguments': '{"order":"12"}',
          'gen_ai.tool.call.result': '{"status":"shipped"}',
        },
      },
    ]);
    expect(sink.problems).toEqual([]);
    const chat = (stepNamed(run.steps, 'chat') as LlmStep);
    expect(chat).toMatchObject({
      kind: 'llm',
      model: 'gpt-4o',
      inputTokens: 1200,
      outputTokens: 80,
      inputMessages: [
        { role: 'system', content: 'You are a refunds agent.' },
        { role: 'user', content: 'Refund order 12' },
        { role: 'assistant', content: 'lookup_order({"order":"12"})' },
        { role: 'tool', content: '{"status":"shipped"}' },
      ],
      outputMessages: [{ role: 'assistant', content: 'Refunded.' }],
    });
    expect((stepNamed(run.steps, 'tool') as ToolStep)).toMatchObject({ kind: 'tool', toolName: 'lookup_order', callId: 'call_1', arguments: { order: '12' }, result: { status: 'shipped' } });
    expect(run.toolDefinitions).toEqual([{ name: 'lookup_order', description: 'Find an order', inputSchema: { type: 'object' } }]);
  });

  it('reads the names they replaced: gen_ai.system, prompt/completion tokens, gen_ai.prompt as JSON and flattened', async () => {
    const { run, sink } = await readTrace([
      {
        id: 'old',
        attrs: {
          'gen_ai.system': 'openai',
          'gen_ai.request.model': 'gpt-4',
          'gen_ai.usage.prompt_tokens': 30,
          'gen_ai.usage.completion_tokens': 7,
          'gen_ai.prompt': JSON.stringify([{ role: 'user', content: 'hi' }]),
          'gen_ai.completion': JSON.stringify([{ role: 'assistant', content: 'hello' }]),
        },
      },
      {
        id: 'openllmetry',
        attrs: {
          'gen_ai.system': 'Anthropic',
          'gen_ai.request.model': 'claude-3',
          'gen_ai.prompt.0.role': 'system',
          'gen_ai.prompt.0.content': 'Be brief.',
          'gen_ai.prompt.1.role': 'user',
          'gen_ai.prompt.1.content': 'Status of 12?',
          'gen_ai.completion.0.role': 'assistant',
          'gen_ai.completion.0.content': 'Shipped.',
        },
      },
    ]);
    expect(sink.problems).toEqual([]);
    expect(stepNamed(run.steps, 'old')).toMatchObject({
      kind: 'llm',
      model: 'gpt-4',
      inputTokens: 30,
      outputTokens: 7,
      inputMessages: [{ role: 'user', content: 'hi' }],
      outputMessages: [{ role: 'assistant', content: 'hello' }],
    });
    expect(stepNamed(run.steps, 'openllmetry')).toMatchObject({
      kind: 'llm',
      inputMessages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Status of 12?' },
      ],
      outputMessages: [{ role: 'assistant', content: 'Shipped.' }],
    });
  });

  it('reads message content recorded as events (gen_ai.user.message, gen_ai.choice, gen_ai.content.prompt)', async () => {
    const { run } = await readTrace([
      {
        id: 'events',
        attrs: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'm' },
        events: [
          { name: 'gen_ai.system.message', attrs: { content: 'Be careful.' } },
          { name: 'gen_ai.user.message', attrs: { 'gen_ai.event.content': JSON.stringify({ content: 'Cancel 7' }) } },
          { name: 'gen_ai.choice', attrs: { 'gen_ai.event.content': JSON.stringify({ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Done' } }) } },
        ],
      },
      {
        id: 'content-events',
        attrs: { 'gen_ai.operation.name': 'text_completion' },
        events: [
          { name: 'gen_ai.content.prompt', attrs: { 'gen_ai.prompt': JSON.stringify([{ role: 'user', content: 'q' }]) } },
          { name: 'gen_ai.content.completion', attrs: { 'gen_ai.completion': JSON.stringify([{ role: 'assistant', content: 'a' }]) } },
        ],
      },
    ]);
    expect(stepNamed(run.steps, 'events')).toMatchObject({
      inputMessages: [
        { role: 'system', content: 'Be careful.' },
        { role: 'user', content: 'Cancel 7' },
      ],
      outputMessages: [{ role: 'assistant', content: 'Done' }],
    });
    expect(stepNamed(run.steps, 'content-events')).toMatchObject({ kind: 'llm', inputMessages: [{ role: 'user', content: 'q' }], outputMessages: [{ role: 'assistant', content: 'a' }] });
  });

  it('classifies by gen_ai.operation.name: agents, embeddings and retrieval are not model calls or tool calls', async () => {
    const { run } = await readTrace(
      [
        { id: 'agent', attrs: { 'gen_ai.operation.name': 'invoke_agent' } },
        { id: 'embed', attrs: { 'gen_ai.operation.name': 'embeddings', 'gen_ai.request.model': 'text-embedding-3' } },
        { id: 'gen', attrs: { 'gen_ai.operation.name': 'generate_content' } },
      ],
      { attrs: { 'gen_ai.operation.name': 'invoke_agent' } },
    );
    expect(run.steps.map((step) => step.kind)).toEqual(['other', 'other', 'llm']);
  });

  it('takes failure from span status ERROR or error.type, with the exception event as detail', async () => {
    const { run } = await readTrace([
      {
        id: 'status',
        attrs: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'pay' },
        error: 'card declined',
        events: [{ name: 'exception', attrs: { 'exception.type': 'PaymentError', 'exception.message': 'card declined (402)' } }],
      },
      { id: 'type', attrs: { 'gen_ai.operation.name': 'chat', 'error.type': 'rate_limit_exceeded' } },
      { id: 'bare', attrs: { 'gen_ai.operation.name': 'chat' }, error: '' },
    ]);
    expect(stepNamed(run.steps, 'status')).toMatchObject({ status: 'error', error: { type: 'PaymentError', message: 'card declined' } });
    expect(stepNamed(run.steps, 'type')).toMatchObject({ status: 'error', error: { type: 'rate_limit_exceeded' } });
    expect(stepNamed(run.steps, 'bare')).toMatchObject({ status: 'error', error: { type: '_OTHER' } });
  });
});

describe('Vercel AI SDK spans', () => {
  it('reads ai.generateText, its doGenerate call and ai.toolCall, with AI SDK 4 and 5+ usage names', async () => {
    const { run, sink } = await readTrace(
      [
        {
          id: 'do',
          name: 'ai.generateText.doGenerate',
          attrs: {
            'ai.operationId': 'ai.generateText.doGenerate',
            'ai.model.id': 'gpt-4o-mini',
            'ai.prompt.messages': JSON.stringify([
              { role: 'system', content: 'Be nice' },
              { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
            ]),
            'ai.response.text': '',
            'ai.response.toolCalls': JSON.stringify([{ toolCallType: 'function', toolCallId: 'c1', toolName: 'weather', input: '{"city":"Paris"}' }]),
            'ai.usage.inputTokens': 40,
            'ai.usage.outputTokens': 12,
          },
        },
        {
          id: 'do4',
          name: 'ai.streamText.doStream',
          attrs: { 'ai.operationId': 'ai.streamText.doStream', 'ai.model.id': 'gpt-4o-mini', 'ai.usage.promptTokens': 9, 'ai.usage.completionTokens': 3, 'ai.response.text': 'Sunny' },
        },
        {
          id: 'call',
          name: 'ai.toolCall',
          attrs: { 'ai.operationId': 'ai.toolCall', 'ai.toolCall.name': 'weather', 'ai.toolCall.id': 'c1', 'ai.toolCall.args': '{"city":"Paris"}', 'ai.toolCall.result': '{"sky":"sunny"}' },
        },
      ],
      {
        name: 'ai.generateText',
        attrs: {
          'ai.operationId': 'ai.generateText',
          'ai.telemetry.metadata.mimir.run.id': 'run-7',
          'ai.telemetry.metadata.mimir.task.id': 'weather',
          'ai.prompt.tools': [JSON.stringify({ type: 'function', name: 'weather', inputSchema: { type: 'object' } })],
        },
      },
    );
    expect(sink.problems).toEqual([]);
    expect(run).toMatchObject({ id: 'run-7', taskId: 'weather' });
    expect(stepNamed(run.steps, 'do')).toMatchObject({
      kind: 'llm',
      model: 'gpt-4o-mini',
      inputTokens: 40,
      outputTokens: 12,
      inputMessages: [
        { role: 'system', content: 'Be nice' },
        { role: 'user', content: 'Weather in Paris?' },
      ],
      outputMessages: [{ role: 'assistant', content: 'weather({"city":"Paris"})' }],
    });
    expect(stepNamed(run.steps, 'do4')).toMatchObject({ kind: 'llm', inputTokens: 9, outputTokens: 3, outputMessages: [{ role: 'assistant', content: 'Sunny' }] });
    expect(stepNamed(run.steps, 'call')).toMatchObject({ kind: 'tool', toolName: 'weather', callId: 'c1', arguments: { city: 'Paris' }, result: { sky: 'sunny' } });
    expect(run.toolDefinitions).toEqual([{ name: 'weather', inputSchema: { type: 'object' } }]);
  });
});

describe('OpenInference attributes', () => {
  it('reads LLM, TOOL, CHAIN and GUARDRAIL spans with flattened messages, token counts and tools', async () => {
    const { run, sink } = await readTrace(
      [
        {
          id: 'llm',
          attrs: {
            'openinference.span.kind': 'LLM',
            'llm.model_name': 'gpt-4o',
            'llm.token_count.prompt': 55,
            'llm.token_count.completion': 5,
            'llm.input_messages.0.message.role': 'system',
            'llm.input_messages.0.message.content': 'sys',
            'llm.input_messages.1.message.role': 'user',
            'llm.input_messages.1.message.contents.0.message_content.type': 'text',
            'llm.input_messages.1.message.contents.0.message_content.text': 'part one',
            'llm.input_messages.1.message.contents.1.message_content.text': 'part two',
            'llm.output_messages.0.message.role': 'assistant',
            'llm.output_messages.0.message.tool_calls.0.tool_call.function.name': 'search',
            'llm.output_messages.0.message.tool_calls.0.tool_call.function.arguments': '{"q":"x"}',
            'llm.tools.0.tool.json_schema': JSON.stringify({ type: 'function', function: { name: 'search', description: 'Search', parameters: { type: 'object' } } }),
          },
        },
        { id: 'tool', attrs: { 'openinference.span.kind': 'TOOL', 'tool.name': 'search', 'tool_call.id': 'call_9', 'input.value': '{"q":"x"}', 'output.value': 'no results' } },
        { id: 'chain', attrs: { 'openinference.span.kind': 'CHAIN', 'input.value': 'x' } },
        { id: 'guard', attrs: { 'openinference.span.kind': 'GUARDRAIL' } },
      ],
      { attrs: { 'openinference.span.kind': 'AGENT', 'session.id': 'sess-1' } },
    );
    expect(sink.problems).toEqual([]);
    expect(run.conversationId).toBe('sess-1');
    expect(stepNamed(run.steps, 'llm')).toMatchObject({
      kind: 'llm',
      model: 'gpt-4o',
      inputTokens: 55,
      outputTokens: 5,
      inputMessages: [
        { role: 'system', content: 'sys' },
        { role: 'user', content: 'part one\npart two' },
      ],
      outputMessages: [{ role: 'assistant', content: 'search({"q":"x"})' }],
    });
    expect(stepNamed(run.steps, 'tool')).toMatchObject({ kind: 'tool', toolName: 'search', callId: 'call_9', arguments: { q: 'x' }, result: 'no results' });
    expect(stepNamed(run.steps, 'chain').kind).toBe('other');
    expect(stepNamed(run.steps, 'guard').kind).toBe('guardrail');
    expect(run.toolDefinitions).toEqual([{ name: 'search', description: 'Search', inputSchema: { type: 'object' } }]);
  });

  it("reads LangChain's tool spans as OpenInference records them: the call id and result from the ToolMessage, a bare input as no arguments", async () => {
    const toolMessage = (content: string, callId: string) => JSON.stringify({ lc: 1, type: 'constructor', id: ['langchain_core', 'messages', 'ToolMessage'], kwargs: { status: 'success', content, tool_call_id: callId, name: 'get_service_status' } });
    const tool = (id: string, input: string, mime: string, output: string) => ({
      id,
      attrs: { 'openinference.span.kind': 'TOOL', 'tool.name': 'get_service_status', 'input.value': input, 'input.mime_type': mime, 'output.value': output },
    });
    const { run } = await readTrace(
      [
        // LangGraph's tool node, a one-argument tool: the input is the bare value, the output wraps the message.
        tool('bare', 'checkout-api', 'text/plain', JSON.stringify({ output: JSON.parse(toolMessage('{"status":"degraded"}', 'call_7')) as unknown })),
        tool('object', '{"service":"search-api"}', 'application/json', toolMessage('{"status":"ok"}', 'call_8')),
      ],
      {},
    );
    expect(stepNamed(run.steps, 'bare')).toMatchObject({ kind: 'tool', callId: 'call_7', result: { status: 'degraded' } });
    expect(stepNamed(run.steps, 'bare')).not.toHaveProperty('arguments');
    expect(stepNamed(run.steps, 'object')).toMatchObject({ kind: 'tool', callId: 'call_8', arguments: { service: 'search-api' }, result: { status: 'ok' } });
  });
});

describe('the mimir.* vocabulary', () => {
  it('reads run facts from the root: id, task, trial, claim, resume, infrastructure error, conversation', async () => {
    const { run } = await readTrace([{ id: 'c', attrs: { 'gen_ai.operation.name': 'chat' } }], {
      attrs: {
        'mimir.run.id': 'run-42',
        'mimir.task.id': 'refund-12',
        'mimir.trial': 3,
        'mimir.run.claimed_status': 'success',
        'mimir.resumed_from': 'cp-2',
        'mimir.infrastructure_error': 'sandbox died',
        'gen_ai.conversation.id': 'conv-9',
      },
    });
    expect(run).toMatchObject({
      id: 'run-42',
      taskId: 'refund-12',
      trial: 3,
      claimedStatus: 'success',
      resumedFrom: 'cp-2',
      infrastructureError: 'sandbox died',
      conversationId: 'conv-9',
      startedAt: isoTime(Date.UTC(2026, 0, 15, 9, 0, 0)),
      source: { traceId: traceId(), line: 1 },
    });
    expect(run.outcome).toEqual({ status: 'unknown', source: 'none' });
  });

  it('uses the trace id when the root names no run, and claims nothing it was not told', async () => {
    const { run } = await readTrace([]);
    expect(run).toMatchObject({ id: traceId(), claimedStatus: 'unknown', steps: [] });
    expect(run.taskId).toBeUndefined();
  });

  it('takes the outcome from a gen_ai.evaluation.result event named outcome: the label decides, a bare score only at 0 or 1', async () => {
    const outcome = async (attrs: Record<string, string | number>) =>
      (await readTrace([], { events: [{ name: 'gen_ai.evaluation.result', attrs: { 'gen_ai.evaluation.name': 'outcome', ...attrs } }] })).run.outcome;
    expect(await outcome({ 'gen_ai.evaluation.score.label': 'pass', 'gen_ai.evaluation.score.value': 0.9 })).toEqual({ status: 'success', score: 0.9, source: 'gen_ai.evaluation.result event' });
    expect(await outcome({ 'gen_ai.evaluation.score.label': 'incorrect' })).toMatchObject({ status: 'failure' });
    expect(await outcome({ 'gen_ai.evaluation.score.value': 1 })).toMatchObject({ status: 'success', score: 1 });
    expect(await outcome({ 'gen_ai.evaluation.score.value': 0.7 })).toMatchObject({ status: 'unknown', score: 0.7 });
    const other = await readTrace([], { events: [{ name: 'gen_ai.evaluation.result', attrs: { 'gen_ai.evaluation.name': 'relevance', 'gen_ai.evaluation.score.label': 'pass' } }] });
    expect(other.run.outcome.status).toBe('unknown');
  });

  it('reads approvals and checkpoints from spans and from events, and mimir.step.kind for the rest', async () => {
    const { run } = await readTrace([
      { id: 'approval', attrs: { 'mimir.approval.decision': 'approved', 'mimir.approval.tool_call.id': 'call_5', 'mimir.approval.actor': 'ops@example.com' } },
      {
        id: 'agent-step',
        attrs: { 'gen_ai.operation.name': 'invoke_agent' },
        events: [
          { name: 'approval.requested', at: 35, attrs: { 'mimir.approval.decision': 'denied', 'mimir.approval.tool_call.id': 'call_6' } },
          { name: 'mimir.checkpoint', at: 36, attrs: { 'mimir.checkpoint.id': 'cp-1' } },
          { name: 'log', at: 37, attrs: { message: 'nothing to see' } },
        ],
      },
      { id: 'checkpoint', attrs: { 'mimir.checkpoint.id': 'cp-2' } },
      { id: 'review', attrs: { 'mimir.step.kind': 'review' } },
    ]);
    expect((stepNamed(run.steps, 'approval') as ApprovalStep)).toMatchObject({ kind: 'approval', decision: 'approved', toolCallId: 'call_5', actor: 'ops@example.com' });
    const fromEvents = run.steps.filter((step) => step.id.startsWith(`${spanId('agent-step')}:`));
    expect(fromEvents).toMatchObject([
      { kind: 'approval', decision: 'denied', toolCallId: 'call_6', name: 'approval.requested', parentId: spanId('agent-step') },
      { kind: 'checkpoint', name: 'cp-1', parentId: spanId('agent-step') },
    ]);
    expect(stepNamed(run.steps, 'checkpoint')).toMatchObject({ kind: 'checkpoint', name: 'cp-2' });
    expect(stepNamed(run.steps, 'review').kind).toBe('review');
  });

  it('reads llm confidence and tool risk: mimir.yaml wins, mimir.tool.risk fills in undeclared tools', async () => {
    const { run } = await readTrace(
      [
        { id: 'chat', attrs: { 'gen_ai.operation.name': 'chat', 'mimir.confidence': 0.42 } },
        { id: 'send', attrs: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'send_email' } },
        { id: 'refund', attrs: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'refund_order', 'mimir.tool.risk': 'irreversible-write' } },
        { id: 'exact', attrs: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'send_digest' } },
        { id: 'unknown', attrs: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'lookup' } },
        { id: 'purge', attrs: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'purge_records', 'mimir.tool.risk': 'deletion' } },
      ],
      {},
      {
        tools: [
          { pattern: 'send_*', risk: 'outbound-message' },
          { pattern: 'refund*', risk: 'money' },
          { name: 'send_digest', risk: 'read-only' },
        ],
      },
    );
    expect((stepNamed(run.steps, 'chat') as LlmStep).confidence).toBe(0.42);
    expect((stepNamed(run.steps, 'send') as ToolStep).risk).toBe('outbound-message');
    // A trace attribute cannot override the reviewer's declaration (it could lower a tool's risk).
    expect((stepNamed(run.steps, 'refund') as ToolStep).risk).toBe('money');
    expect((stepNamed(run.steps, 'purge') as ToolStep).risk).toBe('deletion');
    expect((stepNamed(run.steps, 'exact') as ToolStep).risk).toBe('read-only');
    expect((stepNamed(run.steps, 'unknown') as ToolStep).risk).toBeUndefined();
  });
});

describe('mimir.yaml trace options', () => {
  it("tries the team's own attribute names after the standard ones", async () => {
    const { run } = await readTrace(
      [
        { id: 'gate', attrs: { 'acme.approval': 'approved', 'acme.approval.call': 'call_1', 'acme.approver': 'lee' } },
        { id: 'chat', attrs: { 'gen_ai.operation.name': 'chat', 'acme.confidence': 0.9 } },
        { id: 'tool', attrs: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 't', 'acme.risk': 'deletion' } },
        { id: 'save', attrs: { 'acme.checkpoint': 'save-3' } },
      ],
      { attrs: { 'acme.task': 'task-1', 'acme.status': 'escalated', 'mimir.task.id': 'standard-wins' } },
      {
        mapping: {
          taskId: ['acme.task'],
          claimedStatus: ['acme.status'],
          approvalDecision: ['acme.approval'],
          approvalToolCallId: ['acme.approval.call'],
          approvalActor: ['acme.approver'],
          checkpointId: ['acme.checkpoint'],
          confidence: ['acme.confidence'],
          toolRisk: ['acme.risk'],
        },
      },
    );
    expect(run).toMatchObject({ taskId: 'standard-wins', claimedStatus: 'escalated' });
    expect(stepNamed(run.steps, 'gate')).toMatchObject({ kind: 'approval', decision: 'approved', toolCallId: 'call_1', actor: 'lee' });
    expect(stepNamed(run.steps, 'chat')).toMatchObject({ confidence: 0.9 });
    expect(stepNamed(run.steps, 'tool')).toMatchObject({ risk: 'deletion' });
    expect(stepNamed(run.steps, 'save')).toMatchObject({ kind: 'checkpoint', name: 'save-3' });
  });

  it("maps the team's names for run, step kind, memory and state attributes too", async () => {
    const { run } = await readTrace(
      [
        { id: 'recall', attrs: { 'acme.mem.op': 'search', 'acme.mem.ns': 'user-4', 'acme.mem.key': 'prefs', 'acme.mem.text': 'prefers email' } },
        { id: 'put', attrs: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'save_order', 'acme.state.key': 'order/7', 'acme.state.from': 'v1', 'acme.state.to': 'v2', 'acme.state.merge': 'compare-and-set' } },
        { id: 'human', attrs: { 'acme.kind': 'review' } },
      ],
      { attrs: { 'acme.run': 'run-7', 'acme.attempt': 2, 'acme.resumes': 'run-6', 'acme.infra': 'sandbox died' } },
      {
        mapping: {
          runId: ['acme.run'],
          trial: ['acme.attempt'],
          resumedFrom: ['acme.resumes'],
          infrastructureError: ['acme.infra'],
          stepKind: ['acme.kind'],
          memoryOperation: ['acme.mem.op'],
          memoryScope: ['acme.mem.ns'],
          memoryKey: ['acme.mem.key'],
          memoryContent: ['acme.mem.text'],
          stateKey: ['acme.state.key'],
          stateBaseVersion: ['acme.state.from'],
          stateVersion: ['acme.state.to'],
          stateMerge: ['acme.state.merge'],
        },
      },
    );
    expect(run).toMatchObject({ id: 'run-7', trial: 2, resumedFrom: 'run-6', infrastructureError: 'sandbox died' });
    expect(stepNamed(run.steps, 'recall')).toMatchObject({ kind: 'memory', memory: { operation: 'read', scope: 'user-4', key: 'prefs', content: 'prefers email' } });
    expect(stepNamed(run.steps, 'put')).toMatchObject({ kind: 'tool', stateWrite: { key: 'order/7', baseVersion: 'v1', version: 'v2', merge: 'compare-and-set' } });
    expect(stepNamed(run.steps, 'human')).toMatchObject({ kind: 'review' });
  });

  it('counts a tool result that looks like an error as a failed step where nothing recorded the outcome', async () => {
    const tool = (id: string, result: string) => ({ id, attrs: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 't', 'gen_ai.tool.call.result': result } });
    const { run } = await readTrace([tool('text', 'Error: order not found\nat line 2'), tool('json', '{"error": "denied"}'), tool('fine', '{"ok": true}')], {}, {
      errorResultPatterns: ['^\\s*(Error|ERROR|Exception)\\b', '^\\s*\\{\\s*"error"\\s*:'],
    });
    expect(stepNamed(run.steps, 'text')).toMatchObject({ status: 'error', error: { type: 'error-result', message: 'Error: order not found' } });
    expect(stepNamed(run.steps, 'json')).toMatchObject({ status: 'error', error: { type: 'error-result' } });
    expect(stepNamed(run.steps, 'fine')).toMatchObject({ status: 'ok' });
  });

  it('lets a recorded exit code or span status decide over an error-looking result', async () => {
    const tool = (id: string, result: string, extra: Partial<SpanSpec> = {}, attrs: Record<string, number> = {}) => ({
      id,
      ...extra,
      attrs: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'bash', 'gen_ai.tool.call.result': result, ...attrs },
    });
    const { run } = await readTrace(
      [
        tool('printed', 'Error: expected output of the script\n', {}, { 'process.exit.code': 0 }),
        tool('warned', 'Error: deprecated option, carrying on', { ok: true }),
        tool('exited', 'tests ran: 3 failed', {}, { 'process.exit.code': 1 }),
        tool('unrecorded', 'Error: no such file'),
      ],
      {},
      { errorResultPatterns: ['^\\s*(Error|ERROR|Exception)\\b'] },
    );
    expect(stepNamed(run.steps, 'printed')).toMatchObject({ status: 'ok' });
    expect(stepNamed(run.steps, 'printed')).not.toHaveProperty('error');
    expect(stepNamed(run.steps, 'warned')).toMatchObject({ status: 'ok' });
    expect(stepNamed(run.steps, 'exited')).toMatchObject({ status: 'error', error: { type: 'exit-code', message: 'exited with code 1' } });
    expect(stepNamed(run.steps, 'unrecorded')).toMatchObject({ status: 'error', error: { type: 'error-result' } });
  });

  it("counts an MCP result flagged isError as a failed step, even in a span the framework marked OK (as Mastra's exporter does)", async () => {
    const mcp = (isError: boolean, text: string) => JSON.stringify({ content: [{ text }], isError });
    const tool = (id: string, result: string, extra: Partial<SpanSpec> = {}, attrs: Record<string, number> = {}) => ({
      id,
      ...extra,
      attrs: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'refund_fee', 'gen_ai.tool.call.result': result, ...attrs },
    });
    const { run } = await readTrace(
      [
        tool('flagged', mcp(true, 'payment processor unavailable (503, retryable)'), { ok: true }),
        tool('fine', mcp(false, 'Error: nothing to refund was a valid answer'), { ok: true }),
        tool('exited', mcp(true, 'flagged, but the process says otherwise'), {}, { 'process.exit.code': 0 }),
      ],
      {},
      { errorResultPatterns: [] },
    );
    expect(stepNamed(run.steps, 'flagged')).toMatchObject({ status: 'error', error: { type: 'error-result', message: 'payment processor unavailable (503, retryable)' } });
    expect(stepNamed(run.steps, 'fine')).toMatchObject({ status: 'ok' });
    expect(stepNamed(run.steps, 'exited')).toMatchObject({ status: 'ok' });
  });

  it('gives llm steps the context window of their model, exact names before wildcards', async () => {
    const chat = (id: string, model: string) => ({ id, attrs: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': model } });
    const { run } = await readTrace([chat('exact', 'gpt-4o'), chat('wild', 'gpt-4o-mini'), chat('none', 'llama')], {}, { contextWindows: { 'gpt-4o*': 128_000, 'gpt-4o': 64_000 } });
    expect((stepNamed(run.steps, 'exact') as LlmStep).contextWindow).toBe(64_000);
    expect((stepNamed(run.steps, 'wild') as LlmStep).contextWindow).toBe(128_000);
    expect((stepNamed(run.steps, 'none') as LlmStep).contextWindow).toBeUndefined();
  });
});

describe('message histories', () => {
  it('reads each call of a growing history exactly, sharing the messages it repeats', async () => {
    const history = [{ role: 'user', parts: [{ type: 'text', content: 'Goal: refund 12' }] }];
    const children: Omit<SpanSpec, 'parent'>[] = [];
    for (let call = 0; call < 4; call++) {
      children.push({ id: `c${call}`, attrs: { 'gen_ai.operation.name': 'chat', 'gen_ai.input.messages': JSON.stringify(history) } });
      history.push({ role: 'assistant', parts: [{ type: 'text', content: `step ${call}` }] });
    }
    // Not an extension (the first message changed): read whole.
    children.push({ id: 'rewritten', attrs: { 'gen_ai.operation.name': 'chat', 'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Summary' }] }, ...history.slice(1)]) } });
    const { run } = await readTrace(children);
    const inputs = run.steps.map((step) => (step as LlmStep).inputMessages?.map((message) => message.content));
    expect(inputs).toEqual([
      ['Goal: refund 12'],
      ['Goal: refund 12', 'step 0'],
      ['Goal: refund 12', 'step 0', 'step 1'],
      ['Goal: refund 12', 'step 0', 'step 1', 'step 2'],
      ['Summary', 'step 0', 'step 1', 'step 2', 'step 3'],
    ]);
    const [first, second] = run.steps as LlmStep[];
    expect(second!.inputMessages![0]).toBe(first!.inputMessages![0]);
  });

  it('reuses a model output resent at the head of the next history, and reads any other tail whole', async () => {
    const text = (content: string, role = 'assistant') => ({ role, parts: [{ type: 'text', content }] });
    const history: unknown[] = [text('Goal: refund ORD-12345', 'user')];
    const outputs = [[text('looking it up')], [text('refunding'), text('and emailing')], [text('done')], [text('one'), text('two')]];
    // How each output comes back in the next call's history: exactly, re-spaced, changed, or only in part.
    const resent = [
      (output: unknown[]) => output.map((m) => JSON.stringify(m)).join(','),
      (output: unknown[]) => output.map((m) => JSON.stringify(m)).join(','),
      (output: unknown[]) => output.map((m) => JSON.stringify(m, null, 1)).join(','),
      (output: unknown[]) => JSON.stringify(output[0]),
    ];
    const { children, expected } = growingHistory(JSON.stringify(history), outputs, (output, call) => `${resent[call]!(output)},${JSON.stringify(text(`tool ${call}`, 'tool'))}`);

    const { run, sink } = await readTrace(children);
    expect(sink.problems).toEqual([]);
    const steps = run.steps as LlmStep[];
    expect(steps.map((step) => step.inputMessages?.map((message) => message.content))).toEqual(expected);
    // Resent exactly: the output's own Message objects, parsed once.
    expect(steps[1]!.inputMessages![1]).toBe(steps[0]!.outputMessages![0]);
    expect(steps[2]!.inputMessages!.slice(3, 5)).toEqual(steps[1]!.outputMessages);
    expect(steps[2]!.inputMessages![3]).toBe(steps[1]!.outputMessages![0]);
    // Re-spaced or cut: read from the text, equal in content, not the same objects.
    expect(steps[3]!.inputMessages![6]).not.toBe(steps[2]!.outputMessages![0]);
    expect(steps[4]!.inputMessages![8]).toEqual(steps[3]!.outputMessages![0]);
    expect(steps[4]!.inputMessages).toHaveLength(10);
  });

  it('reuses a GenAI output resent without its finish_reason, and reads any other change from the text', async () => {
    const output = (content: string, finish: string) => ({ role: 'assistant', parts: [{ type: 'text', content }], finish_reason: finish });
    const input = (content: string) => ({ role: 'assistant', parts: [{ type: 'text', content }] });
    const outputs = [
      [output('looking it up', 'tool_call')],
      // Two elements: only the last one's finish_reason can be dropped this way; the first keeps it here.
      [output('refunding', 'stop'), output('and emailing', 'stop')],
      // A finish_reason that is not a plain string is not taken for the key.
      [output('done "really"', 'say "stop"')],
      [output('bye', 'stop')],
    ];
    const resent = [
      (list: ReturnType<typeof output>[]) => JSON.stringify(input(list[0]!.parts[0]!.content)),
      (list: ReturnType<typeof output>[]) => `${JSON.stringify(list[0])},${JSON.stringify(input(list[1]!.parts[0]!.content))}`,
      (list: ReturnType<typeof output>[]) => JSON.stringify(input(list[0]!.parts[0]!.content)),
      // Changed on the way back: read from the text.
      () => JSON.stringify(input('bye!')),
    ];
    const first = JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Goal: refund 12' }] }]);
    const { children, expected } = growingHistory(first, outputs, (list, call) => `${resent[call]!(list)},${JSON.stringify({ role: 'tool', parts: [{ type: 'text', content: `tool ${call}` }] })}`);

    const { run, sink } = await readTrace(children);
    expect(sink.problems).toEqual([]);
    const steps = run.steps as LlmStep[];
    expect(steps.map((step) => step.inputMessages?.map((message) => message.content))).toEqual(expected);
    expect(steps.map((step) => step.inputMessages?.map((message) => message.role))).toEqual(
      expected.map((contents) => contents.map((content, index) => (index === 0 ? 'user' : content.startsWith('tool') ? 'tool' : 'assistant'))),
    );
    expect(steps[1]!.inputMessages![1]).toBe(steps[0]!.outputMessages![0]);
    expect(steps[2]!.inputMessages!.slice(3, 5)).toEqual(steps[1]!.outputMessages);
    expect(steps[2]!.inputMessages![3]).toBe(steps[1]!.outputMessages![0]);
    expect(steps[3]!.inputMessages![6]).toEqual(steps[2]!.outputMessages![0]);
    expect(steps[3]!.inputMessages![6]).not.toBe(steps[2]!.outputMessages![0]);
    expect(steps[4]!.inputMessages![8]).toEqual({ role: 'assistant', content: 'bye!' });
  });

  it('reads system instructions repeated across calls once, and each distinct text as written', async () => {
    const instructions = (content: string) => JSON.stringify([{ type: 'text', content }]);
    const texts = ['You are agent A.', 'You are agent A.', 'You are agent B.', 'You are agent A.', '', 'You are agent B.'];
    const children: Omit<SpanSpec, 'parent'>[] = texts.map((content, call) => ({
      id: `c${call}`,
      attrs: { 'gen_ai.operation.name': 'chat', 'gen_ai.system_instructions': instructions(content), 'gen_ai.input.messages': JSON.stringify([{ role: 'user', content: `ask ${call}` }]) },
    }));
    const { run, sink } = await readTrace(children);
    expect(sink.problems).toEqual([]);
    const steps = run.steps as LlmStep[];
    // Empty instructions add no system message.
    expect(steps.map((step) => step.inputMessages)).toEqual(
      texts.map((content, call) => [...(content === '' ? [] : [{ role: 'system', content }]), { role: 'user', content: `ask ${call}` }]),
    );
    expect(steps[3]!.inputMessages![0]).toBe(steps[0]!.inputMessages![0]);
    expect(steps[5]!.inputMessages![0]).toBe(steps[2]!.inputMessages![0]);
  });

  it('formats times exactly as Date#toISOString', () => {
    for (const ms of [0, 1.5, 59_999.9, T0plus(0), T0plus(61_001), 253_402_300_799_999, 253_402_300_800_000, -1]) {
      expect(isoTime(ms)).toBe(new Date(ms).toISOString());
    }
  });
});

/**
 * Chat spans whose GenAI history grows call by call: each call's output comes back in the next
 * call's history as `resend` writes it (with whatever follows it), then one last call; with the
 * contents each span's history holds, in order.
 */
function growingHistory<Output>(first: string, outputs: readonly Output[], resend: (output: Output, call: number) => string) {
  const contents = (raw: string): string[] => (JSON.parse(raw) as { parts: { content: string }[] }[]).map((m) => m.parts[0]!.content);
  const children: Omit<SpanSpec, 'parent'>[] = [];
  const expected: string[][] = [];
  let raw = first;
  for (const [call, output] of outputs.entries()) {
    children.push({ id: `c${call}`, attrs: { 'gen_ai.operation.name': 'chat', 'gen_ai.input.messages': raw, 'gen_ai.output.messages': JSON.stringify(output) } });
    expected.push(contents(raw));
    raw = `${raw.slice(0, -1)},${resend(output, call)}]`;
  }
  children.push({ id: 'last', attrs: { 'gen_ai.operation.name': 'chat', 'gen_ai.input.messages': raw } });
  expected.push(contents(raw));
  return { children, expected };
}

function T0plus(ms: number): number {
  return Date.UTC(2026, 0, 15, 9, 0, 0) + ms;
}
