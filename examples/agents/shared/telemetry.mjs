// OpenTelemetry for the example agents: a tracer provider whose spans are exported as OTLP/JSON
// (one ExportTraceServiceRequest per flush), to OTEL_EXPORTER_OTLP_ENDPOINT over HTTP
// (POST <endpoint>/v1/traces, the OTLP/HTTP JSON protocol) or, when recording corpora, appended as
// one line to MIMIR_EXAMPLE_OTLP_FILE. Without either, spans are dropped.
//
// No OTLP exporter package is installed, and none is needed: @opentelemetry/otlp-transformer's
// JsonTraceSerializer produces exactly the body an OTLP/HTTP JSON exporter sends.
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { AsyncLocalStorage } from 'node:async_hooks';
import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { isVirtual } from './clock.mjs';

/**
 * The AsyncLocalStorage context manager that @opentelemetry/context-async-hooks provides (not
 * installed here). Without one the API's no-op manager drops the active span at every `await`, and
 * the AI SDK's spans would not nest under the run's root span.
 */
class AsyncLocalStorageContextManager {
  #storage = new AsyncLocalStorage();
  active() {
    return this.#storage.getStore() ?? ROOT_CONTEXT;
  }
  with(ctx, fn, thisArg, ...args) {
    return this.#storage.run(ctx, () => fn.apply(thisArg, args));
  }
  bind(ctx, target) {
    if (typeof target !== 'function') return target;
    const run = (thisArg, args) => this.with(ctx, () => target.apply(thisArg, args));
    return function bound(...args) {
      return run(this, args);
    };
  }
  enable() {
    return this;
  }
  disable() {
    this.#storage.disable();
    return this;
  }
}

/** Keeps ended spans until flush(), then exports them as one request: one line or POST per flush. */
class FlushingSpanProcessor {
  #spans = [];
  #send;
  #pending = Promise.resolve();
  constructor(send) {
    this.#send = send;
  }
  onStart() {}
  onEnd(span) {
    this.#spans.push(span);
  }
  flush() {
    if (this.#spans.length === 0) return this.#pending;
    const spans = this.#spans;
    this.#spans = [];
    const body = new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans));
    this.#pending = this.#pending.then(() => this.#send(body)).catch((error) => {
      process.stderr.write(`telemetry: could not export ${spans.length} spans: ${error instanceof Error ? error.message : String(error)}\n`);
    });
    return this.#pending;
  }
  forceFlush() {
    return this.flush();
  }
  shutdown() {
    return this.flush();
  }
}

function sender() {
  const file = process.env.MIMIR_EXAMPLE_OTLP_FILE;
  if (file) {
    mkdirSync(dirname(file), { recursive: true });
    return async (body) => {
      appendFileSync(file, `${body}\n`);
    };
  }
  const endpoint = process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (process.env.OTEL_EXPORTER_OTLP_ENDPOINT ? `${process.env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces` : undefined);
  if (endpoint) {
    return async (body) => {
      const response = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(10_000) });
      if (!response.ok) throw new Error(`${endpoint} answered ${response.status}`);
    };
  }
  return async () => {};
}

/**
 * Starts tracing for one agent process. Ids are random in real time; in virtual time (recording)
 * they are hashes of the run id, the life (a resumed run is a second life) and a counter, so a
 * re-recorded corpus is byte-identical.
 */
export function startTelemetry({ serviceName, serviceVersion = '1.0.0', runId, life }) {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  let traceSeq = 0;
  let spanSeq = 0;
  const hex = (seed, length) => createHash('sha256').update(seed).digest('hex').slice(0, length);
  const processor = new FlushingSpanProcessor(sender());
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName, 'service.version': serviceVersion }),
    ...(isVirtual && {
      idGenerator: {
        generateTraceId: () => hex(`${runId}:${life}:trace:${++traceSeq}`, 32),
        generateSpanId: () => hex(`${runId}:${life}:span:${++spanSeq}`, 16),
      },
    }),
    spanProcessors: [processor],
  });
  return {
    /** The run's own spans (root, approvals, guardrails). */
    tracer: provider.getTracer(serviceName, serviceVersion),
    /** The tracer handed to the AI SDK's experimental_telemetry. */
    aiTracer: provider.getTracer('ai'),
    /** Exports the spans ended so far (one request). */
    flush: () => processor.flush(),
    /**
     * After a step: exports what ended so far, so a run that is killed still leaves its completed
     * steps behind. When recording a corpus (virtual time) a run is exported once, at its end,
     * which keeps the corpus small (one line per run).
     */
    flushStep: () => (isVirtual ? Promise.resolve() : processor.flush()),
    shutdown: () => provider.shutdown(),
  };
}

/**
 * Records the tool listing the agent works with (the MCP `tools/list` answer: names, descriptions,
 * input and output schemas) as `gen_ai.tool.definitions` on a short span at the start of the run, so
 * a reader of the trace can check calls and results against the contracts the server declared. (The
 * AI SDK's own `ai.prompt.tools` carries input schemas only.)
 */
export function recordToolListing(tracer, serverName, tools) {
  const definitions = tools.map(({ name, description, inputSchema, outputSchema }) => ({ name, description, inputSchema, ...(outputSchema && { outputSchema }) }));
  tracer.startSpan(`tools/list ${serverName}`, { attributes: { 'gen_ai.tool.definitions': JSON.stringify(definitions) } }).end();
}
