// Readiness over time in `mimir serve`: what one evaluation of the windows (1h, 24h, 7d) costs when
// the runs changed — one read of the store, the analyses and the audit per window — against one when
// nothing changed (the store's window fingerprint and the outside evidence's digest, nothing else).
// The baseline is the cheapest honest alternative: `/api/figures?window=7d`, the trace analyses of
// the longest window alone, with no audit and no history. Runs are posted over OTLP/JSON on loopback
// to an in-process server and closed before anything is timed. `/api/figures` is cached per window
// under the same fingerprint: each round's first request after a new run computes (the baseline),
// a second one finds the window unchanged (the cached column).
//
//   npm run build && node bench/serve-readiness.mjs [--runs 2000,5000] [--repeat 5] [--json]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { defaultTraceReadOptions } from '../dist/config/load-config.js';
import { DEFAULT_SERVE_LIMITS, startServe } from '../dist/server/serve.js';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '2000,5000' }, repeat: { type: 'string', default: '5' }, json: { type: 'boolean', default: false } } });
const SIZES = args.runs.split(',').map(Number);
const REPEAT = Number(args.repeat);
const TOOLS = ['lookup_order', 'issue_refund', 'send_email'];

const text = (key, value) => ({ key, value: { stringValue: value } });
const nanos = (ms) => `${Math.round(ms)}000000`;

/** Runs of a root, 2 model calls and 3 tool calls, spread over the last 6 days; a fifth claim success and fail. */
function requestOf(first, count, nowMs) {
  const spans = [];
  for (let index = first; index < first + count; index++) {
    const traceId = randomBytes(16).toString('hex');
    const rootId = randomBytes(8).toString('hex');
    const start = nowMs - 60_000 - ((index * 97_003) % (6 * 86_400_000));
    const silent = index % 5 === 0;
    spans.push({
      traceId,
      spanId: rootId,
      name: 'invoke_agent refunds',
      startTimeUnixNano: nanos(start),
      endTimeUnixNano: nanos(start + 500),
      attributes: [text('gen_ai.operation.name', 'invoke_agent'), text('mimir.run.id', `run-${index}`), text('mimir.task.id', `task-${index % 20}`), text('mimir.run.claimed_status', 'success')],
      events: [{ name: 'gen_ai.evaluation.result', timeUnixNano: nanos(start + 490), attributes: [text('gen_ai.evaluation.score.label', silent ? 'failure' : 'success')] }],
    });
    for (let step = 0; step < 5; step++) {
      const tool = step % 2 === 1 ? TOOLS[(index + step) % TOOLS.length] : undefined;
      spans.push({
        traceId,
        spanId: randomBytes(8).toString('hex'),
        parentSpanId: rootId,
        name: tool === undefined ? 'chat gpt-4o' : `execute_tool ${tool}`,
        startTimeUnixNano: nanos(start + 10 + step * 90),
        endTimeUnixNano: nanos(start + 80 + step * 90),
        attributes: tool === undefined ? [text('gen_ai.operation.name', 'chat')] : [text('gen_ai.operation.name', 'execute_tool'), text('gen_ai.tool.name', tool), text('gen_ai.tool.call.id', `c-${index}-${step}`)],
        ...(tool !== undefined && silent && step === 3 && { status: { code: 2, message: 'upstream 503' } }),
      });
    }
  }
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [text('service.name', 'bench-agent')] }, scopeSpans: [{ scope: { name: 'bench' }, spans }] }] });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function measure(runs) {
  const dataDir = mkdtempSync(join(tmpdir(), 'mimir-bench-readiness-'));
  const server = await startServe({ ...DEFAULT_SERVE_LIMITS, host: '127.0.0.1', port: 0, dataDir, token: undefined, readOptions: defaultTraceReadOptions(), redaction: [], quietMs: 100, evaluateEveryMs: 3_600_000 });
  try {
    const { scheduler } = server.monitoring;
    await scheduler.tick();
    const nowMs = Date.now();
    for (let first = 0; first < runs; first += 200) {
      const response = await fetch(`${server.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: requestOf(first, Math.min(200, runs - first), nowMs) });
      if (response.status !== 200) throw new Error(`ingest answered ${response.status}`);
    }
    while ((await server.store.counts()).runs < runs || server.liveRuns.openCount > 0) await new Promise((resolve) => setTimeout(resolve, 100));

    const changed = [];
    const unchanged = [];
    const figures = [];
    const figuresCached = [];
    for (let round = 0; round < REPEAT; round++) {
      // One more run in the last hour changes every window.
      const response = await fetch(`${server.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: requestOf(runs + round, 1, Date.now()) });
      if (response.status !== 200) throw new Error(`ingest answered ${response.status}`);
      while ((await server.store.counts()).runs < runs + round + 1 || server.liveRuns.openCount > 0) await new Promise((resolve) => setTimeout(resolve, 50));
      let start = performance.now();
      await scheduler.tick();
      changed.push(performance.now() - start);
      start = performance.now();
      await scheduler.tick();
      unchanged.push(performance.now() - start);
      start = performance.now();
      await (await fetch(`${server.url}/api/figures?window=7d`)).json();
      figures.push(performance.now() - start);
      start = performance.now();
      await (await fetch(`${server.url}/api/figures?window=7d`)).json();
      figuresCached.push(performance.now() - start);
    }
    return { runs, changedMs: median(changed), unchangedMs: median(unchanged), figures7dMs: median(figures), figures7dCachedMs: median(figuresCached), recomputed: scheduler.recomputed };
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const results = [];
for (const runs of SIZES) results.push(await measure(runs));
if (args.json) {
  console.log(JSON.stringify(results, null, 2));
} else {
  console.log('| runs in 7d | evaluation, runs changed (1h + 24h + 7d audited) | evaluation, nothing changed | baseline: /api/figures?window=7d | the same, window unchanged (cached) |');
  console.log('|---:|---:|---:|---:|---:|');
  for (const r of results) console.log(`| ${r.runs} | ${r.changedMs.toFixed(0)} ms | ${r.unchangedMs.toFixed(1)} ms | ${r.figures7dMs.toFixed(0)} ms | ${r.figures7dCachedMs.toFixed(1)} ms |`);
}
