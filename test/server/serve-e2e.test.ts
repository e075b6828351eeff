import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultTraceReadOptions } from '../../src/config/load-config.js';
import { loadTraces } from '../../src/evidence/load-traces.js';
import type { RunFacts } from '../../src/server/store/types.js';
import { emitRuns, eventually, getJson, startTestServer } from './support.js';

/**
 * The OpenTelemetry JS SDK's own OTLP/HTTP exporters (JSON and protobuf) send agent runs to the
 * server on loopback; the same spans are also written to a file as OTLP JSON. The figures the API
 * computes for the window must equal what `mimir traces` (its loader) computes from the file.
 */
let served: Awaited<ReturnType<typeof startTestServer>>;
let fileAnalyses: unknown;
const RUNS_PER_EXPORTER = 12;
/** Small batches, sent soon: several export requests per exporter, some carrying parts of a run. */
const BATCHING = { maxExportBatchSize: 25, scheduledDelayMillis: 20 };

beforeAll(async () => {
  served = await startTestServer();
  const memory = new InMemorySpanExporter();
  const providers = [
    new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'refund-agent' }),
      spanProcessors: [new SimpleSpanProcessor(memory), new BatchSpanProcessor(new JsonExporter({ url: `${served.server.url}/v1/traces` }), BATCHING)],
    }),
    new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'refund-agent-proto' }),
      spanProcessors: [new SimpleSpanProcessor(memory), new BatchSpanProcessor(new ProtoExporter({ url: `${served.server.url}/v1/traces`, compression: CompressionAlgorithm.GZIP }), BATCHING)],
    }),
  ];
  // One exporter's runs after the other's: the order the file lists them in is the order they started,
  // which is the order the server reads a window in (the figures' example lists follow it).
  const start = Date.now() - 10 * 60_000;
  providers.forEach((provider, index) => {
    emitRuns(provider.getTracer('e2e'), RUNS_PER_EXPORTER, index + 1, start + index * RUNS_PER_EXPORTER * 1000);
  });
  for (const provider of providers) await provider.forceFlush();
  // Taken before shutdown, which empties the in-memory exporter.
  const spans = memory.getFinishedSpans();
  for (const provider of providers) await provider.shutdown();

  const file = join(served.dataDir, 'same-spans.otlp.json');
  writeFileSync(file, JsonTraceSerializer.serializeRequest(spans)!);
  const loaded = await loadTraces({ sources: [file], readOptions: defaultTraceReadOptions(), digest: false });
  fileAnalyses = withoutPlaces(loaded.evidence.analyses);
  await eventually(async () => ((await served.server.store.counts()).runs === 2 * RUNS_PER_EXPORTER && served.server.liveRuns.openCount === 0 ? true : undefined), 15_000, 'every run to close');
}, 30_000);

afterAll(async () => {
  await served.dispose();
}, 15_000);

/** Run references name the file they came from; the server's runs came from no file. */
function withoutPlaces(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPlaces);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'file' && key !== 'line').map(([key, item]) => [key, withoutPlaces(item)]));
}

describe('mimir serve, fed by the OpenTelemetry SDK exporters', () => {
  it('assembles every run, from both exporters', async () => {
    const runs = await eventually(async () => {
      const { body } = await getJson(`${served.server.url}/api/runs?limit=1000`);
      const list = (body as { runs: RunFacts[] }).runs;
      return list.length === 2 * RUNS_PER_EXPORTER && served.server.liveRuns.openCount === 0 ? list : undefined;
    }, 15_000, 'every run to close');
    expect(new Set(runs.map((run) => run.service))).toEqual(new Set(['refund-agent', 'refund-agent-proto']));
    expect(runs.every((run) => run.outcomeSource === 'gen_ai.evaluation.result event')).toBe(true);
  });

  it('computes the same figures as mimir traces over the same spans', async () => {
    const { status, body } = await getJson(`${served.server.url}/api/figures?window=1h`);
    expect(status).toBe(200);
    const figures = body as { runs: number; analyses: unknown };
    expect(figures.runs).toBe(2 * RUNS_PER_EXPORTER);
    expect(withoutPlaces(figures.analyses)).toEqual(fileAnalyses);
  });

  it('filters runs by outcome, tool and failure, and shows one run with its steps', async () => {
    const failed = ((await getJson(`${served.server.url}/api/runs?outcome=failure`)).body as { runs: RunFacts[] }).runs;
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((run) => run.outcomeStatus === 'failure' && run.failedSteps > 0)).toBe(true);
    const silent = ((await getJson(`${served.server.url}/api/runs?failure=silent`)).body as { runs: RunFacts[] }).runs;
    expect(silent.every((run) => run.claimedStatus === 'success' && run.outcomeStatus === 'failure')).toBe(true);
    const withEmail = ((await getJson(`${served.server.url}/api/runs?tool=send_email`)).body as { runs: RunFacts[] }).runs;
    expect(withEmail.length).toBeGreaterThan(0);
    expect(withEmail.every((run) => run.tools.includes('send_email'))).toBe(true);

    const first = failed[0]!;
    const one = await getJson(`${served.server.url}/api/runs/${first.runId}`);
    expect(one.status).toBe(200);
    const stored = one.body as { facts: RunFacts; run: { steps: { kind: string }[] } };
    expect(stored.facts.traceId).toBe(first.traceId);
    expect(stored.run.steps.some((step) => step.kind === 'tool')).toBe(true);
    expect((await getJson(`${served.server.url}/api/runs/no-such-run`)).status).toBe(404);
  });

  it('answers per-tool error rates for a window from the span table', async () => {
    const { body } = await getJson(`${served.server.url}/api/tools?window=24h`);
    const tools = (body as { tools: { tool: string; calls: number; errors: number }[] }).tools;
    const reliability = (fileAnalyses as { reliability: { byTool: Record<string, { trials: number; successes: number }> } }).reliability.byTool;
    for (const { tool, calls, errors } of tools) {
      expect(calls).toBe(reliability[tool]?.trials);
      expect(calls - errors).toBe(reliability[tool]?.successes);
    }
  });

  it('refuses a window it cannot read, saying what it expected', async () => {
    const { status, body } = await getJson(`${served.server.url}/api/figures?window=3w`);
    expect(status).toBe(400);
    expect(body).toMatchObject({ expected: expect.stringContaining('1h') as string });
  });
});
