// `mimir serve` under load: concurrent exporters on loopback post OTLP/JSON export requests (whole
// agent runs: a root and tool-call spans) at increasing target rates, each stage for a bounded time.
// Per stage: accepted spans/s, p50/p99 ingest latency (request sent → 200, i.e. fsync'd in the ingest
// log), 429s, and the server's peak RSS (VmHWM). The strongest baseline, measured in the same run by
// the same clients: a bare Node HTTP server on loopback that reads each body and answers 200 `{}`
// (no decoding, no disk): the ceiling of the HTTP path here. Then the durability check: the server is
// SIGKILLed mid-load, started again on the same data, and every acknowledged span must be stored.
//
// The server runs as users run it: with the mimir.yaml `mimir init --yes` writes (its default alert
// rules), plus `serve.evaluateEvery` (default here 2s), so readiness windows (1h/24h/7d) and alerts
// are evaluated during the load. `--bare` leaves the config out (the server before readiness existed).
// After the stages, a soak at a fixed rate samples the server's RSS every second: does it level off?
//
//   npm run build && node bench/serve-load.mjs [--stage-seconds 5] [--rates 2000,5000,10000,20000] [--exporters 8]
//     [--evaluate-every 2s] [--soak-seconds 40] [--soak-rate 4000] [--bare] [--json]
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    'stage-seconds': { type: 'string', default: '5' },
    rates: { type: 'string', default: '2000,5000,10000,20000,40000' },
    exporters: { type: 'string', default: '8' },
    json: { type: 'boolean', default: false },
    'evaluate-every': { type: 'string', default: '2s' },
    'skip-kill': { type: 'boolean', default: false },
    'soak-seconds': { type: 'string', default: '40' },
    'soak-rate': { type: 'string', default: '4000' },
    bare: { type: 'boolean', default: false },
  },
});
const STAGE_MS = Number(args['stage-seconds']) * 1000;
const RATES = args.rates.split(',').map(Number);
const EXPORTERS = Number(args.exporters);
/** Spans per export request: 5 runs of 10 spans, about what a BatchSpanProcessor sends under load. */
const RUNS_PER_REQUEST = 5;
const SPANS_PER_RUN = 10;
const SPANS_PER_REQUEST = RUNS_PER_REQUEST * SPANS_PER_RUN;
const agent = new http.Agent({ keepAlive: true, maxSockets: EXPORTERS * 2 });

/** One export request: its body and its spans' ids. */
function exportRequest() {
  const spans = [];
  const ids = [];
  const now = Date.now();
  const nanos = (ms) => `${ms}000000`;
  const text = (key, value) => ({ key, value: { stringValue: value } });
  for (let run = 0; run < RUNS_PER_REQUEST; run++) {
    const traceId = randomBytes(16).toString('hex');
    const rootId = randomBytes(8).toString('hex');
    spans.push({ traceId, spanId: rootId, name: 'invoke_agent support', startTimeUnixNano: nanos(now), endTimeUnixNano: nanos(now + 500), attributes: [text('gen_ai.operation.name', 'invoke_agent'), text('mimir.run.claimed_status', 'success')] });
    ids.push([traceId, rootId]);
    for (let index = 1; index < SPANS_PER_RUN; index++) {
      const spanId = randomBytes(8).toString('hex');
      const tool = index % 3 === 0 ? 'issue_refund' : 'lookup_order';
      spans.push({
        traceId,
        spanId,
        parentSpanId: rootId,
        name: `execute_tool ${tool}`,
        startTimeUnixNano: nanos(now + index * 40),
        endTimeUnixNano: nanos(now + index * 40 + 25),
        attributes: [text('gen_ai.operation.name', 'execute_tool'), text('gen_ai.tool.name', tool), text('gen_ai.tool.call.arguments', `{"order":"${index}"}`)],
        ...(index % 7 === 0 && { status: { code: 2, message: 'upstream 503' } }),
      });
      ids.push([traceId, spanId]);
    }
  }
  return { body: JSON.stringify({ resourceSpans: [{ resource: { attributes: [text('service.name', 'load-agent')] }, scopeSpans: [{ scope: { name: 'bench' }, spans }] }] }), ids };
}

function post(url, body) {
  return new Promise((resolve) => {
    const started = performance.now();
    const request = http.request(`${url}/v1/traces`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode, ms: performance.now() - started }));
    });
    request.on('error', () => resolve({ status: 0, ms: performance.now() - started }));
    request.end(body);
  });
}

/** EXPORTERS clients, together aiming at `rate` spans/s (Infinity: as fast as answered) for `ms`. */
async function load(url, rate, ms, acknowledged, shouldStop = () => false) {
  const latencies = [];
  let accepted = 0;
  let refused = 0;
  let failed = 0;
  const interval = Number.isFinite(rate) ? (SPANS_PER_REQUEST * EXPORTERS * 1000) / rate : 0;
  const start = performance.now();
  const end = start + ms;
  await Promise.all(
    Array.from({ length: EXPORTERS }, async (_, exporter) => {
      let next = start + (interval * exporter) / EXPORTERS;
      while (performance.now() < end && !shouldStop()) {
        const wait = next - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        next += interval;
        const { body, ids } = exportRequest();
        const { status, ms: took } = await post(url, body);
        if (status === 200) {
          accepted += SPANS_PER_REQUEST;
          latencies.push(took);
          if (acknowledged) for (const id of ids) acknowledged.push(id);
        } else if (status === 429 || status === 503) refused++;
        else failed++;
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const quantile = (q) => (latencies.length === 0 ? null : latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]);
  return { target: rate, acceptedPerSecond: accepted / seconds, p50Ms: quantile(0.5), p99Ms: quantile(0.99), refused, failed };
}

/** The mimir.yaml a user starts from: `mimir init --yes` (its alert rules), evaluated every `--evaluate-every`. */
function writeConfig(dir) {
  const config = join(dir, 'mimir.yaml');
  execFileSync(process.execPath, [resolve('bin/mimir.js'), 'init', '--yes', '--name', 'load-agent', '--config', config], { cwd: dir, stdio: 'ignore' });
  appendFileSync(config, `\nserve:\n  evaluateEvery: ${args['evaluate-every']}\n`);
  return config;
}

function startServe(dataDir, config) {
  return new Promise((resolve, reject) => {
    const configArgs = config === undefined ? [] : ['--config', config];
    // MIMIR_SERVE_NODE_ARGS: flags for the server's node, e.g. "--cpu-prof --cpu-prof-dir /tmp/prof".
    const nodeArgs = (process.env.MIMIR_SERVE_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...nodeArgs, 'bin/mimir.js', 'serve', '--port', '0', '--data', dataDir, '--quiet-ms', '1000', ...configArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (chunk) => (err += chunk));
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve({ child, url: match[1] });
    });
    child.once('exit', (code) => reject(new Error(`mimir serve exited ${code}: ${err}`)));
  });
}

/** A process's resident set in MB (Linux): `VmHWM` the peak so far, `VmRSS` now. */
function rssMb(pid, field = 'VmHWM') {
  try {
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}
const peakRssMb = (pid) => rssMb(pid, 'VmHWM');

// SIGINT, as Ctrl-C: the server closes cleanly, and a --cpu-prof given through MIMIR_SERVE_NODE_ARGS is written.
async function stop(child, signal = 'SIGINT') {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

async function baselineServer() {
  const server = http.createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${server.address().port}` };
}

async function getJson(url) {
  const response = await fetch(url);
  return { status: response.status, body: await response.json() };
}

const os = await import('node:os');
const results = { machine: { cpus: os.availableParallelism(), loadAverage: os.loadavg().map((x) => +x.toFixed(2)) }, exporters: EXPORTERS, spansPerRequest: SPANS_PER_REQUEST, stages: [], config: args.bare ? 'none' : `mimir init --yes, evaluateEvery ${args['evaluate-every']}` };
const dataDir = mkdtempSync(join(tmpdir(), 'mimir-serve-load-'));
try {
  const config = args.bare ? undefined : writeConfig(dataDir);
  // 1. The baseline: the bare HTTP path, as fast as it answers.
  const baseline = await baselineServer();
  results.baseline = await load(baseline.url, Infinity, STAGE_MS);
  await new Promise((resolve) => baseline.server.close(resolve));

  // 2. mimir serve at increasing rates, then as fast as it answers.
  const serve = await startServe(join(dataDir, 'stages'), config);
  for (const rate of [...RATES, Infinity]) {
    const stage = await load(serve.url, rate, STAGE_MS);
    results.stages.push({ ...stage, target: Number.isFinite(rate) ? rate : 'max', ratioToBaseline: stage.acceptedPerSecond / results.baseline.acceptedPerSecond, peakRssMb: peakRssMb(serve.child.pid) });
  }

  // 2b. The soak: a steady rate on the same server; RSS sampled every second, summarised per fifth.
  const soakMs = Number(args['soak-seconds']) * 1000;
  if (soakMs > 0) {
    const samples = [];
    const sampler = setInterval(() => {
      void getJson(`${serve.url}/api/health`).then(
        ({ body }) => samples.push({ rss: rssMb(serve.child.pid, 'VmRSS'), heapUsed: body.memory?.heapUsed ?? null, openRuns: body.openRuns }),
        () => undefined,
      );
    }, 1000);
    const soak = await load(serve.url, Number(args['soak-rate']), soakMs);
    clearInterval(sampler);
    const fifth = Math.max(1, Math.floor(samples.length / 5));
    const byFifth = (field) => Array.from({ length: Math.ceil(samples.length / fifth) }, (_, index) => Math.max(...samples.slice(index * fifth, (index + 1) * fifth).map((sample) => sample[field] ?? 0)));
    const health = (await getJson(`${serve.url}/api/health`)).body;
    results.soak = { ...soak, seconds: soakMs / 1000, rssMbByFifth: byFifth('rss'), heapUsedMbByFifth: byFifth('heapUsed'), openRunsByFifth: byFifth('openRuns'), peakRssMb: peakRssMb(serve.child.pid), health };
  }
  await stop(serve.child);

  // 3. SIGKILL mid-load, restart, count what was acknowledged and what is stored.
  if (!args['skip-kill']) {
  const killDir = join(dataDir, 'kill');
  const first = await startServe(killDir, config);
  const acknowledged = [];
  let killed = false;
  const loading = load(first.url, Infinity, 60_000, acknowledged, () => killed);
  await new Promise((resolve) => setTimeout(resolve, Math.min(STAGE_MS, 3000)));
  const firstExited = first.child.exitCode !== null || first.child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => first.child.once('exit', resolve));
  first.child.kill('SIGKILL');
  killed = true;
  await loading;
  await firstExited;
  const restarted = await startServe(killDir, config);
  const traces = new Map();
  for (const [traceId, spanId] of acknowledged) traces.set(traceId, [...(traces.get(traceId) ?? []), spanId]);
  let found = 0;
  for (const [traceId, spanIds] of traces) {
    const { status, body } = await getJson(`${restarted.url}/api/traces/${traceId}`);
    if (status !== 200) continue;
    const stored = new Set(body.spans.map((span) => span.spanId));
    for (const spanId of spanIds) if (stored.has(spanId)) found++;
  }
  const health = (await getJson(`${restarted.url}/api/health`)).body;
  results.kill = { acknowledgedSpans: acknowledged.length, acknowledgedAndStored: found, storedSpans: health.stored.spans, lost: acknowledged.length - found };
  await stop(restarted.child);
  }
} finally {
  agent.destroy();
  rmSync(dataDir, { recursive: true, force: true });
}

const round = (value) => (value === null ? '–' : Math.round(value).toLocaleString('en'));
if (args.json) {
  console.log(JSON.stringify(results, null, 2));
} else {
  console.log(`mimir serve load: ${EXPORTERS} exporters, ${SPANS_PER_REQUEST} spans per request, ${STAGE_MS / 1000} s per stage; config: ${results.config}; ${results.machine.cpus} CPUs, load average ${results.machine.loadAverage.join(' ')}`);
  console.log(`baseline (bare Node HTTP server, reads the body, answers 200): ${round(results.baseline.acceptedPerSecond)} spans/s, p99 ${results.baseline.p99Ms.toFixed(1)} ms`);
  console.log('| target spans/s | accepted spans/s | ratio to baseline | p50 ms | p99 ms | 429/503 | peak RSS MB |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|');
  for (const stage of results.stages) {
    console.log(`| ${typeof stage.target === 'number' ? round(stage.target) : stage.target} | ${round(stage.acceptedPerSecond)} | ${stage.ratioToBaseline.toFixed(2)} | ${stage.p50Ms?.toFixed(1) ?? '–'} | ${stage.p99Ms?.toFixed(1) ?? '–'} | ${stage.refused} | ${round(stage.peakRssMb)} |`);
  }
  if (results.soak) {
    const soak = results.soak;
    console.log(`soak at ${round(soak.target)} spans/s for ${soak.seconds} s: accepted ${round(soak.acceptedPerSecond)} spans/s, p50 ${soak.p50Ms?.toFixed(1) ?? '–'} ms, p99 ${soak.p99Ms?.toFixed(1) ?? '–'} ms, 429/503 ${soak.refused}; RSS MB by fifth of the soak: ${soak.rssMbByFifth.map(round).join(' → ')} (peak ${round(soak.peakRssMb)}); JS heap used MB: ${soak.heapUsedMbByFifth.map(round).join(' → ')}; open runs: ${soak.openRunsByFifth.map(round).join(' → ')}; ingest queue at most ${round((soak.health.ingest.maxHeldBytes ?? 0) / 1024)} KiB`);
  }
  const kill = results.kill;
  if (kill) console.log(`SIGKILL mid-load: ${kill.acknowledgedSpans} spans acknowledged, ${kill.acknowledgedAndStored} of them stored after the restart (${kill.lost} lost); ${kill.storedSpans} stored in all`);
}
if (results.kill !== undefined && results.kill.lost !== 0) process.exitCode = 1;
