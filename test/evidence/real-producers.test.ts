import { AsyncLocalStorage } from 'node:async_hooks';
import { gzipSync } from 'node:zlib';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, type Context, type ContextManager } from '@opentelemetry/api';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { generateText, stepCountIs, tool } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { LlmStep, Run, ToolStep } from '../../src/model/index.js';
import { read, tempFile } from './support.js';

/**
 * Traces made by the real producers, not by hand: the OpenTelemetry JS SDK with GenAI attributes,
 * and the Vercel AI SDK's own telemetry (generateText with a mock model and a real tool), encoded
 * by @opentelemetry/otlp-transformer both as OTLP JSON and as protobuf. This checks the readers,
 * and our protobuf schema, against an independent encoder.
 */

/** AsyncLocalStorage context propagation, as @opentelemetry/sdk-node would register it. */
class AsyncContextManager implements ContextManager {
  private readonly storage = new AsyncLocalStorage<Context>();
  active(): Context {
    return this.storage.getStore() ?? ROOT_CONTEXT;
  }
  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(scope: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    return this.storage.run(scope, () => fn.apply(thisArg, args));
  }
  bind<T>(_scope: Context, target: T): T {
    return target;
  }
  enable(): this {
    return this;
  }
  disable(): this {
    this.storage.disable();
    return this;
  }
}

let spans: ReadableSpan[] = [];

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncContextManager());
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('mimir-test');

  // 1. The Vercel AI SDK: a tool call, then an answer.
  const usage = { inputTokens: { total: 20, noCache: 20, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: 5, text: 5, reasoning: undefined } };
  const model = new MockLanguageModelV3({
    doGenerate: [
      { content: [{ type: 'tool-call', toolCallId: 'call-1', toolName: 'weather', input: '{"city":"Paris"}' }], finishReason: { unified: 'tool-calls', raw: 'tool_calls' }, usage, warnings: [] },
      { content: [{ type: 'text', text: 'It is sunny in Paris.' }], finishReason: { unified: 'stop', raw: 'stop' }, usage, warnings: [] },
    ],
  });
  await generateText({
    model,
    prompt: 'Weather in Paris?',
    tools: { weather: tool({ description: 'Weather by city', inputSchema: z.object({ city: z.string() }), execute: ({ city }) => Promise.resolve({ city, sky: 'sunny' }) }) },
    stopWhen: stepCountIs(3),
    experimental_telemetry: { isEnabled: true, tracer, functionId: 'weather-agent', metadata: { 'mimir.run.id': 'run-vercel', 'mimir.task.id': 'weather' } },
  });

  // 2. GenAI semantic conventions, written by hand with the SDK (as a Python or Java agent would emit them).
  await tracer.startActiveSpan('invoke_agent refunds', { attributes: { 'gen_ai.operation.name': 'invoke_agent', 'mimir.run.id': 'run-genai', 'mimir.trial': 2 } }, async (root) => {
    tracer.startActiveSpan(
      'chat gpt-4o',
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.usage.input_tokens': 321,
          'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Refund order 7' }] }]),
        },
      },
      (chat) => {
        chat.end();
      },
    );
    tracer.startActiveSpan('execute_tool refund', { attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'refund', 'gen_ai.tool.call.arguments': '{"order":7}' } }, (call) => {
      call.recordException({ name: 'PaymentError', message: 'card declined' });
      call.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
      call.setAttribute('error.type', 'PaymentError');
      call.end();
    });
    root.addEvent('gen_ai.evaluation.result', { 'gen_ai.evaluation.name': 'outcome', 'gen_ai.evaluation.score.label': 'failure', 'gen_ai.evaluation.score.value': 0 });
    await Promise.resolve();
    root.end();
  });
  spans = exporter.getFinishedSpans();
});

afterAll(() => {
  context.disable();
});

function withoutFile(runs: readonly Run[]): unknown[] {
  return runs.map(({ source, ...run }) => ({ ...run, traceId: source?.traceId }));
}

describe('traces from real producers', () => {
  it('reads the Vercel AI SDK trace: one run, model calls and the tool call, mimir ids from telemetry metadata', async () => {
    const { runs, sink } = await read(tempFile('sdk.json', JsonTraceSerializer.serializeRequest(spans)!));
    expect(sink.problems).toEqual([]);
    const run = runs.find((candidate) => candidate.id === 'run-vercel')!;
    expect(run.taskId).toBe('weather');
    expect(run.steps.map((step) => [step.kind, step.name])).toEqual([
      ['llm', 'ai.generateText.doGenerate'],
      ['tool', 'ai.toolCall'],
      ['llm', 'ai.generateText.doGenerate'],
    ]);
    const [first, call, second] = run.steps as [LlmStep, ToolStep, LlmStep];
    expect(first).toMatchObject({ model: 'mock-model-id', inputTokens: 20, outputTokens: 5, outputMessages: [{ role: 'assistant', content: 'weather({"city":"Paris"})' }] });
    expect(call).toMatchObject({ toolName: 'weather', callId: 'call-1', arguments: { city: 'Paris' }, result: { city: 'Paris', sky: 'sunny' }, status: 'ok' });
    expect(second.inputMessages).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: 'weather({"city":"Paris"})' },
      { role: 'tool', content: '{"city":"Paris","sky":"sunny"}' },
    ]);
    expect(run.toolDefinitions).toMatchObject([{ name: 'weather', description: 'Weather by city', inputSchema: { type: 'object' } }]);
  });

  it('reads the GenAI trace: status, exception, evaluation event', async () => {
    const { runs } = await read(tempFile('sdk.json', JsonTraceSerializer.serializeRequest(spans)!));
    const run = runs.find((candidate) => candidate.id === 'run-genai')!;
    expect(run).toMatchObject({ trial: 2, outcome: { status: 'failure', score: 0 } });
    expect(run.steps).toMatchObject([
      { kind: 'llm', model: 'gpt-4o', inputTokens: 321, inputMessages: [{ role: 'user', content: 'Refund order 7' }] },
      { kind: 'tool', toolName: 'refund', arguments: { order: 7 }, status: 'error', error: { type: 'PaymentError', message: 'card declined' } },
    ]);
  });

  it('reads the same spans from protobuf (plain and gzipped) exactly as from JSON', async () => {
    const fromJson = await read(tempFile('sdk.json', JsonTraceSerializer.serializeRequest(spans)!));
    const protobuf = ProtobufTraceSerializer.serializeRequest(spans)!;
    const fromProtobuf = await read(tempFile('sdk.pb', protobuf));
    const fromGzip = await read(tempFile('sdk.pb.gz', gzipSync(protobuf)));
    expect(fromProtobuf.sink.problems).toEqual([]);
    expect(fromGzip.sink.problems).toEqual([]);
    expect(withoutFile(fromProtobuf.runs)).toEqual(withoutFile(fromJson.runs));
    expect(withoutFile(fromGzip.runs)).toEqual(withoutFile(fromJson.runs));
    expect(fromProtobuf.runs).toHaveLength(2);
  });

  it('reads a protobuf export cut short up to the cut, and says where it was cut', async () => {
    const protobuf = ProtobufTraceSerializer.serializeRequest(spans)!;
    const cut = protobuf.subarray(0, Math.floor(protobuf.length * 0.7));
    const { runs, sink } = await read(tempFile('cut.pb', cut));
    expect(sink.problems.filter((problem) => problem.code === 'truncated')).toMatchObject([{ byteOffset: cut.length }]);
    expect(sink.skippedRecords).toBe(1);
    expect(runs.length).toBeGreaterThan(0);
    expect(runs.every((run) => run.damaged === true)).toBe(true);
  });

  it('locates a span that does not decode by its byte offset and reads the others', async () => {
    const protobuf = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!);
    // The first span's name (field 5, a string) turned into an invalid wire type 7.
    const name = Buffer.from('ai.generateText.doGenerate');
    const at = protobuf.indexOf(name) - 2;
    expect(protobuf[at]).toBe(0x2a);
    protobuf[at] = 0x2f;
    const { runs, sink } = await read(tempFile('bad.pb', protobuf));
    expect(sink.problems).toMatchObject([{ code: 'invalid-document', byteOffset: expect.any(Number) as number }]);
    expect(sink.problems[0]!.byteOffset).toBeLessThan(at);
    expect(runs.length).toBeGreaterThan(0);
  });
});
