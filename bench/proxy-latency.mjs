// What mimir's MCP proxy adds to a tool call. Starts the test upstream MCP server (Streamable HTTP
// on 127.0.0.1), then times N sequential tools/call round trips of a read-only tool (get_order),
// after a warm-up: (a) from an SDK client straight to the upstream, (b) through the proxy, whose
// upstream is that same server and whose ledger is the real file ledger (dist/probe/ledger), or an
// in-memory hash chain when that is not built. The two paths alternate call by call. Prints median
// and p95 of each and the added median latency.
//
//   npm run build && node bench/proxy-latency.mjs [N]      (MIMIR_BENCH_CALLS=N also works)
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

const calls = Number(process.argv[2] ?? process.env.MIMIR_BENCH_CALLS ?? 2000);
const warmup = Math.min(300, Math.max(50, Math.floor(calls / 10)));
const fixture = fileURLToPath(new URL('../test/fixtures/mcp-upstream/test-upstream.mjs', import.meta.url));
const dist = new URL('../dist/', import.meta.url);

const { startProxy } = await import(new URL('probe/proxy/mcp-proxy.js', dist).href);

async function ledgerSink(dir) {
  try {
    const { openLedger } = await import(new URL('probe/ledger/file-ledger.js', dist).href);
    const ledger = await openLedger(join(dir, 'ledger.jsonl'));
    return { kind: 'file ledger (dist/probe/ledger/file-ledger.js)', sink: ledger, close: () => ledger.close() };
  } catch {
    let prev = '0'.repeat(64);
    let seq = 0;
    const sink = {
      append(record) {
        const entry = { ...record, seq: seq++, prev };
        prev = createHash('sha256').update(prev + JSON.stringify(entry)).digest('hex');
        return Promise.resolve({ ...entry, hash: prev });
      },
    };
    return { kind: 'in-memory hash chain (file ledger not built)', sink, close: () => Promise.resolve() };
  }
}

async function startUpstream() {
  const child = spawn(process.execPath, [fixture, '--http', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`test upstream exited with ${code}`)));
    createInterface({ input: child.stdout }).once('line', resolve);
  });
  return { url: JSON.parse(line).url, stop: () => new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGTERM'))) };
}

async function connect(url) {
  const client = new Client({ name: 'bench', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return client;
}

/**
 * Times the two paths in alternation (direct, proxied, direct, …), so both see the same machine:
 * on a shared or busy machine, timing one path after the other measures the noise, not the proxy.
 */
async function timeCalls(directUrl, proxyUrl) {
  const clients = [await connect(directUrl), await connect(proxyUrl)];
  const call = (client) => client.callTool({ name: 'get_order', arguments: { order_id: 'ORD-1001' } });
  for (let i = 0; i < warmup; i++) for (const client of clients) await call(client);
  const samples = [new Float64Array(calls), new Float64Array(calls)];
  const added = new Float64Array(calls);
  for (let i = 0; i < calls; i++) {
    for (const [path, client] of clients.entries()) {
      const started = performance.now();
      const result = await call(client);
      samples[path][i] = performance.now() - started;
      if (result.isError) throw new Error('get_order failed during the benchmark');
    }
    added[i] = samples[1][i] - samples[0][i];
  }
  await Promise.all(clients.map((client) => client.close()));
  return { direct: samples[0].sort(), proxied: samples[1].sort(), added: added.sort() };
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const ms = (value) => value.toFixed(3);

const dir = mkdtempSync(join(tmpdir(), 'mimir-proxy-bench-'));
const upstream = await startUpstream();
const ledger = await ledgerSink(dir);
let proxy;
try {
  proxy = await startProxy({
    upstreams: [{ name: 'shop', url: upstream.url }],
    riskOf: (tool) => (tool === 'issue_refund' ? 'money' : 'read-only'),
    allowSideEffects: false,
    ledger: ledger.sink,
    run: { runId: 'bench', scenarioId: 'proxy-latency', trial: 1 },
    faults: [],
    seed: 1,
    approvals: 'approve',
  });
  const { direct, proxied, added } = await timeCalls(upstream.url, proxy.url);
  const addedMedian = quantile(proxied, 0.5) - quantile(direct, 0.5);
  console.log(`proxy latency: ${calls} sequential tools/call (get_order) per path, alternating, after ${warmup} warm-up calls each; ledger: ${ledger.kind}; node ${process.version}`);
  console.log('| path | median ms | p95 ms |');
  console.log('|---|---:|---:|');
  console.log(`| direct to upstream | ${ms(quantile(direct, 0.5))} | ${ms(quantile(direct, 0.95))} |`);
  console.log(`| through mimir proxy | ${ms(quantile(proxied, 0.5))} | ${ms(quantile(proxied, 0.95))} |`);
  console.log(`added median latency: ${ms(addedMedian)} ms (median of the paired differences: ${ms(quantile(added, 0.5))} ms)`);
  console.log(
    JSON.stringify({
      calls,
      directMedianMs: quantile(direct, 0.5),
      directP95Ms: quantile(direct, 0.95),
      proxyMedianMs: quantile(proxied, 0.5),
      proxyP95Ms: quantile(proxied, 0.95),
      addedMedianMs: addedMedian,
      pairedAddedMedianMs: quantile(added, 0.5),
    }),
  );
} finally {
  await proxy?.close();
  await ledger.close();
  await upstream.stop();
  rmSync(dir, { recursive: true, force: true });
}
