// OpenTelemetry traces of each run, following the GenAI semantic conventions (invoke_agent, chat,
// execute_tool) plus mimir's vocabulary where OpenTelemetry has no word. Exported as OTLP/HTTP
// JSON to OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, or OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces.
// Without an endpoint nothing is recorded or written. Each span is exported as it ends, so a
// killed run still leaves what it did.
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';

export { SpanKind, SpanStatusCode };

function endpoint() {
  const traces = process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (traces) return traces;
  const base = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  return base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined;
}

class OtlpJsonExporter {
  constructor(url) {
    this.url = url;
    this.pending = new Set();
  }

  export(spans, done) {
    const body = JsonTraceSerializer.serializeRequest(spans);
    const request = fetch(this.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(5000) })
      .then((response) => done({ code: response.ok ? 0 : 1 }))
      .catch((error) => {
        process.stderr.write(`[helpdesk-agent] trace export failed: ${String(error)}\n`);
        done({ code: 1, error });
      });
    this.pending.add(request);
    void request.finally(() => this.pending.delete(request));
  }

  async forceFlush() {
    await Promise.allSettled([...this.pending]);
  }

  async shutdown() {
    await this.forceFlush();
  }
}

export function createTelemetry({ serviceName, serviceVersion }) {
  const url = endpoint();
  const captureContent = process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT === 'true';
  let provider;
  let tracer = trace.getTracer('helpdesk-agent'); // the API's no-op tracer unless an endpoint is set
  if (url) {
    provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': serviceName, 'service.version': serviceVersion }),
      spanProcessors: [new SimpleSpanProcessor(new OtlpJsonExporter(url))],
    });
    tracer = provider.getTracer('helpdesk-agent', serviceVersion);
  }
  return {
    enabled: Boolean(url),
    captureContent,
    /** Starts a span under `parent` (a span), or a root span. Returns the span. */
    start(name, attributes, parent, kind = SpanKind.INTERNAL) {
      const ctx = parent ? trace.setSpan(context.active(), parent) : context.active();
      return tracer.startSpan(name, { kind, attributes, root: !parent }, ctx);
    },
    async shutdown() {
      if (provider) await provider.shutdown().catch(() => undefined);
    },
  };
}

/** Ends a span as failed, with the GenAI `error.type`. */
export function failSpan(span, errorType, message) {
  span.setAttribute('error.type', errorType);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
  span.end();
}
