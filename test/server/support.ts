import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanStatusCode, trace, context as otelContext, ROOT_CONTEXT, type Tracer } from '@opentelemetry/api';
import { defaultTraceReadOptions } from '../../src/config/load-config.js';
import { DEFAULT_SERVE_LIMITS, startServe, type RunningServer, type ServeOptions } from '../../src/server/serve.js';

/** A server on a free loopback port over a fresh data directory; `dispose` closes it and removes the directory. */
export async function startTestServer(overrides: Partial<ServeOptions> = {}): Promise<{ server: RunningServer; dataDir: string; dispose(): Promise<void> }> {
  const dataDir = overrides.dataDir ?? mkdtempSync(join(tmpdir(), 'mimir-serve-test-'));
  const server = await startServe({
    ...DEFAULT_SERVE_LIMITS,
    host: '127.0.0.1',
    port: 0,
    dataDir,
    token: undefined,
    readOptions: defaultTraceReadOptions(),
    redaction: [],
    quietMs: 100,
    onStoreError: (error) => {
      console.error('server error:', error);
    },
    ...overrides,
  });
  return {
    server,
    dataDir,
    async dispose() {
      await server.close();
      if (overrides.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000, what = 'the condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function getJson(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { headers });
  return { status: response.status, body: await response.json() };
}

const TOOLS = ['lookup_order', 'issue_refund', 'send_email'] as const;

/**
 * Agent runs written with the OpenTelemetry SDK in the GenAI conventions, as an instrumented agent
 * would emit them: a root `invoke_agent` with mimir's run attributes, model calls, tool calls of
 * which some fail, and the verified outcome as a `gen_ai.evaluation.result` event. Deterministic
 * for a given `seed`; one run a second from `startMs` (real times, so the runs fall in the server's windows).
 */
export function emitRuns(tracer: Tracer, count: number, seed: number, startMs = Date.now() - count * 1000): void {
  let state = seed;
  const random = (): number => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const base = startMs;
  for (let index = 0; index < count; index++) {
    const start = base + index * 1000;
    const claimed = random() < 0.8 ? 'success' : 'failure';
    const root = tracer.startSpan(
      'invoke_agent refunds',
      { startTime: start, attributes: { 'gen_ai.operation.name': 'invoke_agent', 'mimir.run.id': `run-${seed}-${index}`, 'mimir.task.id': `task-${index % 4}`, 'mimir.trial': 1 + Math.floor(index / 4), 'mimir.run.claimed_status': claimed } },
      ROOT_CONTEXT,
    );
    const inRoot = trace.setSpan(otelContext.active(), root);
    let at = start + 10;
    const steps = 2 + Math.floor(random() * 4);
    let failed = false;
    for (let step = 0; step < steps; step++) {
      const chat = tracer.startSpan('chat gpt-4o', { startTime: at, attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 100 + step * 50 } }, inRoot);
      chat.end(at + 40);
      at += 50;
      const tool = TOOLS[Math.floor(random() * TOOLS.length)] ?? 'lookup_order';
      const call = tracer.startSpan(`execute_tool ${tool}`, { startTime: at, attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': tool, 'gen_ai.tool.call.id': `call-${index}-${step}` } }, inRoot);
      if (random() < 0.2) {
        failed = true;
        call.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream 503' });
        call.setAttribute('error.type', 'UpstreamError');
      }
      call.end(at + 20);
      at += 30;
    }
    root.addEvent('gen_ai.evaluation.result', { 'gen_ai.evaluation.name': 'outcome', 'gen_ai.evaluation.score.label': failed ? 'failure' : 'success', 'gen_ai.evaluation.score.value': failed ? 0 : 1 }, at);
    root.end(at + 5);
  }
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A span of a hand-built request: what the test expects to find stored. */
export interface SentSpan {
  readonly traceId: string;
  readonly spanId: string;
}

let idCounter = 0;
const hexId = (bytes: number): string => {
  idCounter++;
  return (Date.now().toString(16) + idCounter.toString(16).padStart(8, '0') + Math.random().toString(16).slice(2)).padEnd(bytes * 2, '0').slice(0, bytes * 2);
};

/**
 * An OTLP/JSON export request of `traces` whole runs (a root `invoke_agent` and `spansPerTrace - 1`
 * tool calls each), with unique ids, and the spans it carries.
 */
export function otlpJsonRequest(traces: number, spansPerTrace: number, service = 'durable-agent'): { body: string; spans: SentSpan[] } {
  const spans: SentSpan[] = [];
  const otlpSpans: unknown[] = [];
  const now = Date.now();
  for (let t = 0; t < traces; t++) {
    const traceId = hexId(16);
    const rootId = hexId(8);
    const nanos = (ms: number): string => `${ms}000000`;
    otlpSpans.push({
      traceId,
      spanId: rootId,
      name: 'invoke_agent',
      startTimeUnixNano: nanos(now),
      endTimeUnixNano: nanos(now + spansPerTrace * 10 + 5),
      attributes: [{ key: 'gen_ai.operation.name', value: { stringValue: 'invoke_agent' } }],
    });
    spans.push({ traceId, spanId: rootId });
    for (let s = 1; s < spansPerTrace; s++) {
      const spanId = hexId(8);
      otlpSpans.push({
        traceId,
        spanId,
        parentSpanId: rootId,
        name: 'execute_tool lookup_order',
        startTimeUnixNano: nanos(now + s * 10),
        endTimeUnixNano: nanos(now + s * 10 + 5),
        attributes: [
          { key: 'gen_ai.operation.name', value: { stringValue: 'execute_tool' } },
          { key: 'gen_ai.tool.name', value: { stringValue: 'lookup_order' } },
        ],
      });
      spans.push({ traceId, spanId });
    }
  }
  const body = JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] }, scopeSpans: [{ scope: { name: 'test' }, spans: otlpSpans }] }] });
  return { body, spans };
}

export async function postOtlp(url: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
}
