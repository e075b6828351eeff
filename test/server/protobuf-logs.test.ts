import { context, trace, TraceFlags } from '@opentelemetry/api';
import { ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { LoggerProvider, type LogRecordProcessor, type ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunFacts } from '../../src/server/store/types.js';
import { eventually, getJson, postOtlp, startTestServer } from './support.js';

/**
 * /v1/logs in protobuf, as the OpenTelemetry JS SDK encodes it (its own LogsData serializer, not
 * mimir's schema): a gen_ai.evaluation.result log record grades the run it points at.
 */
let served: Awaited<ReturnType<typeof startTestServer>>;

beforeAll(async () => {
  served = await startTestServer();
});

afterAll(async () => {
  await served.dispose();
});

const TRACE_ID = 'ab'.repeat(16);
const ROOT_SPAN_ID = 'cd'.repeat(8);

describe('protobuf logs', () => {
  it("take a run's verified outcome from a gen_ai.evaluation.result record the SDK encoded", async () => {
    const base = served.server.url;
    const startNs = BigInt(Date.now() - 3000) * 1_000_000n;
    const run = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'proto-logs-agent' } }] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: TRACE_ID,
                  spanId: ROOT_SPAN_ID,
                  name: 'invoke_agent',
                  startTimeUnixNano: String(startNs),
                  endTimeUnixNano: String(startNs + 100_000_000n),
                  attributes: [{ key: 'gen_ai.operation.name', value: { stringValue: 'invoke_agent' } }],
                },
              ],
            },
          ],
        },
      ],
    };
    expect((await postOtlp(`${base}/v1/traces`, JSON.stringify(run))).status).toBe(200);

    // The records as the SDK builds them, kept by a processor of our own (the SDK's simple processor
    // and in-memory exporter disagree with the installed @opentelemetry/core on its export helper).
    const emitted: ReadWriteLogRecord[] = [];
    const keep: LogRecordProcessor = { onEmit: (record) => void emitted.push(record), forceFlush: () => Promise.resolve(), shutdown: () => Promise.resolve() };
    const provider = new LoggerProvider({ processors: [keep] });
    const inRun = trace.setSpanContext(context.active(), { traceId: TRACE_ID, spanId: ROOT_SPAN_ID, traceFlags: TraceFlags.SAMPLED });
    provider.getLogger('grader').emit({
      eventName: 'gen_ai.evaluation.result',
      context: inRun,
      attributes: { 'gen_ai.evaluation.name': 'outcome', 'gen_ai.evaluation.score.label': 'failure' },
    });
    await provider.forceFlush();
    const body = ProtobufLogsSerializer.serializeRequest(emitted);
    expect(emitted).toHaveLength(1);
    expect(body?.length ?? 0).toBeGreaterThan(0);
    const response = await postOtlp(`${base}/v1/logs`, Buffer.from(body as Uint8Array), { 'content-type': 'application/x-protobuf' });
    expect(response.status).toBe(200);

    const stored = await eventually(async () => {
      const { status, body: found } = await getJson(`${base}/api/runs/${TRACE_ID}`);
      const facts = status === 200 ? (found as { facts: RunFacts }).facts : undefined;
      return facts?.outcomeStatus === 'failure' ? facts : undefined;
    }, 10_000, 'the run graded failure by the protobuf log record');
    expect(stored.outcomeSource).toBe('gen_ai.evaluation.result event');
    await provider.shutdown();
  });
});
