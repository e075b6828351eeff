// What mimir's MCP proxy adds to a tool call. Starts the test upstream MCP server (Streamable HTTP
// on 127.0.0.1), then times sequential tools/call round trips of a read-only tool (get_order) from
// SDK clients in this process: (a) straight to the upstream, (b) through the proxy, whose upstream
// is that same server and whose ledger is the real file ledger (dist/probe/ledger), or an in-memory
// hash chain when that is not built. The two paths alternate call by call (direct then proxied, then
// proxied then direct, …), so each proxied call has a direct call beside it on the same machine at
// the same moment; the headline is the median of those paired differences. After a warm-up, the
// calls run in rounds; each round's paired median is shown too, so a noisy machine shows as spread.
//
//   npm run build && node bench/proxy-latency.mjs [CALLS] [--rounds R] [--warmup W] [--breakdown] [--json]
//
// CALLS (or MIMIR_BENCH_CALLS): timed calls per path in all, split over the rounds (default 5000 in
// 5 rounds); W: untimed calls per path first (default 2000: the JIT is still settling for the first
// thousand or so). The ledger is verified afterwards: it must hold every proxied call, warm-up
// included. --breakdown times two more paths beside them: a plain HTTP relay with no MCP in it (the
// floor of any proxy hop in Node) and the proxy with an in-memory ledger (what the file costs).
// --json prints only a JSON document. Otherwise a table, then a last line in a fixed form:
//   proxy added latency: median 0.62 ms (paired), direct 1.10 ms, proxied 1.72 ms, n=5000
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';

const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: { rounds: { type: 'string' }, warmup: { type: 'string' }, json: { type: 'boolean', default: false }, breakdown: { type: 'boolean', default: false } },
});
const calls = positiveInteger(positionals[0] ?? process.env.MIMIR_BENCH_CALLS ?? '5000', 'CALLS');
const rounds = Math.min(calls, positiveInteger(options.rounds ?? '5', '--rounds'));
const warmup = options.warmup === undefined ? 2000 : positiveInteger(options.warmup, '--warmup', 0);
const fixture = fileURLToPath(new URL('../test/fixtures/mcp-upstream/test-upstream.mjs', import.meta.url));
const dist = new URL('../dist/', import.meta.url);

const { startProxy } = await import(new URL('probe/proxy/mcp-proxy.js', dist).href);

function positiveInteger(text, name, min = 1) {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) throw new Error(`${name} must be a whole number ≥ ${min}, not ${text}`);
  return value;
}

async function ledgerSink(dir) {
  try {
    const { openLedger } = await import(new URL('probe/ledger/file-ledger.js', dist).href);
    const { verifyLedger } = await import(new URL('probe/ledger/verify-ledger.js', dist).href);
    const path = join(dir, 'ledger.jsonl');
    const ledger = await openLedger(path);
    return {
      kind: 'file ledger (dist/probe/ledger/file-ledger.js)',
      sink: ledger,
      close: () => ledger.close(),
      verify: async () => {
        const result = await verifyLedger(path, { expect: { entries: ledger.entries, lastHash: ledger.lastHash } });
        return { ok: result.ok, entries: result.entries };
      },
    };
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
    return { kind: 'in-memory hash chain (file ledger not built)', sink, close: () => Promise.resolve(), verify: () => Promise.resolve({ ok: true, entries: seq }) };
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

const call = (client) => client.callTool({ name: 'get_order', arguments: { order_id: 'ORD-1001' } });

async function timed(client) {
  const started = performance.now();
  const result = await call(client);
  const elapsed = performance.now() - started;
  if (result.isError) throw new Error('get_order failed during the benchmark');
  return elapsed;
}

/**
 * Times the paths in alternation (paths[0] is the direct one), so all see the same machine: on a
 * shared or busy machine, timing one path after the other measures the noise, not the proxy. The
 * order rotates from call to call, so no path is always the one that runs first.
 */
async function timeCalls(urls) {
  const clients = [];
  for (const url of urls) clients.push(await connect(url));
  for (let i = 0; i < warmup; i++) for (const client of clients) await call(client);
  const samples = clients.map(() => new Float64Array(calls));
  const added = clients.map(() => new Float64Array(calls));
  const perRound = [];
  let i = 0;
  for (let round = 0; round < rounds; round++) {
    const end = Math.round(((round + 1) * calls) / rounds);
    const from = i;
    for (; i < end; i++) {
      for (let step = 0; step < clients.length; step++) {
        const path = (i + step) % clients.length;
        samples[path][i] = await timed(clients[path]);
      }
      for (let path = 1; path < clients.length; path++) added[path][i] = samples[path][i] - samples[0][i];
    }
    const median = (values) => quantile(values.slice(from, end).sort(), 0.5);
    perRound.push({ calls: end - from, pairedAddedMedianMs: median(added[1]), directMedianMs: median(samples[0]), proxyMedianMs: median(samples[1]) });
  }
  await Promise.all(clients.map((client) => client.close()));
  return { samples: samples.map((values) => values.sort()), added: added.map((values) => values.sort()), perRound };
}

/**
 * For --breakdown: an HTTP relay with no MCP in it, in this process like the proxy, forwarding each
 * request's bytes to the upstream over a kept-alive connection and the answer's bytes back. What it
 * adds is the floor for any proxy here: one more HTTP server and client hop in Node.
 */
async function startRelay(target) {
  const upstreamUrl = new URL(target);
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const forward = http.request(upstreamUrl, { method: req.method, headers: { ...req.headers, host: upstreamUrl.host }, agent }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', () => res.destroy());
      res.on('close', () => forward.destroy());
      forward.end(Buffer.concat(chunks));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}${upstreamUrl.pathname}`,
    close: () => new Promise((resolve) => (server.closeAllConnections(), agent.destroy(), server.close(resolve))),
  };
}

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
const ms = (value, digits = 3) => value.toFixed(digits);

const dir = mkdtempSync(join(tmpdir(), 'mimir-proxy-bench-'));
const upstream = await startUpstream();
const ledger = await ledgerSink(dir);
const proxyConfig = (sink) => ({
  upstreams: [{ name: 'shop', url: upstream.url }],
  riskOf: (tool) => (tool === 'issue_refund' ? 'money' : 'read-only'),
  allowSideEffects: false,
  ledger: sink,
  run: { runId: 'bench', scenarioId: 'proxy-latency', trial: 1 },
  faults: [],
  seed: 1,
  approvals: 'approve',
});
const extras = [];
let proxy;
try {
  proxy = await startProxy(proxyConfig(ledger.sink));
  const urls = [upstream.url, proxy.url];
  if (options.breakdown) {
    const { InMemoryLedger } = await import(new URL('probe/ledger/in-memory-ledger.js', dist).href);
    const relay = await startRelay(upstream.url);
    const inMemory = await startProxy(proxyConfig(new InMemoryLedger()));
    extras.push(relay, inMemory);
    urls.push(relay.url, inMemory.url);
  }
  const { samples, added, perRound } = await timeCalls(urls);
  await proxy.close();
  proxy = undefined;
  await ledger.close();
  // Every proxied call, warm-up included, is in the ledger, and the chain verifies.
  const recorded = await ledger.verify();
  if (!recorded.ok || recorded.entries !== warmup + calls) throw new Error(`the ledger does not hold the ${warmup + calls} proxied calls: ${JSON.stringify(recorded)}`);
  const [direct, proxied] = samples;
  const result = {
    calls,
    rounds,
    warmup,
    node: process.version,
    ledger: ledger.kind,
    ledgerEntries: recorded.entries,
    pairedAddedMedianMs: quantile(added[1], 0.5),
    pairedAddedP95Ms: quantile(added[1], 0.95),
    directMedianMs: quantile(direct, 0.5),
    directP95Ms: quantile(direct, 0.95),
    proxyMedianMs: quantile(proxied, 0.5),
    proxyP95Ms: quantile(proxied, 0.95),
    addedMedianMs: quantile(proxied, 0.5) - quantile(direct, 0.5),
    perRound,
    ...(options.breakdown && {
      breakdown: {
        plainHttpRelayPairedAddedMedianMs: quantile(added[2], 0.5),
        proxyInMemoryLedgerPairedAddedMedianMs: quantile(added[3], 0.5),
        proxyFileLedgerPairedAddedMedianMs: quantile(added[1], 0.5),
      },
    }),
  };
  if (options.json) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    console.log(`proxy latency: ${calls} sequential tools/call (get_order) per path in ${rounds} rounds, paths alternating, after ${warmup} warm-up calls each; ledger: ${ledger.kind}, ${recorded.entries} entries, verified; node ${process.version}`);
    console.log('| path | median ms | p95 ms | added, paired median ms |');
    console.log('|---|---:|---:|---:|');
    console.log(`| direct to upstream | ${ms(result.directMedianMs)} | ${ms(result.directP95Ms)} | |`);
    console.log(`| through mimir proxy | ${ms(result.proxyMedianMs)} | ${ms(result.proxyP95Ms)} | ${ms(result.pairedAddedMedianMs)} |`);
    if (options.breakdown) {
      console.log(`| plain HTTP relay, no MCP (the floor of a hop) | ${ms(quantile(samples[2], 0.5))} | ${ms(quantile(samples[2], 0.95))} | ${ms(quantile(added[2], 0.5))} |`);
      console.log(`| mimir proxy, in-memory ledger | ${ms(quantile(samples[3], 0.5))} | ${ms(quantile(samples[3], 0.95))} | ${ms(quantile(added[3], 0.5))} |`);
    }
    console.log(`paired added median per round: ${perRound.map((r) => ms(r.pairedAddedMedianMs)).join(', ')} ms; p95 of the paired differences ${ms(result.pairedAddedP95Ms)} ms; difference of the medians ${ms(result.addedMedianMs)} ms`);
    console.log(`proxy added latency: median ${ms(result.pairedAddedMedianMs, 2)} ms (paired), direct ${ms(result.directMedianMs, 2)} ms, proxied ${ms(result.proxyMedianMs, 2)} ms, n=${calls}`);
  }
} finally {
  await proxy?.close();
  await Promise.all(extras.map((extra) => extra.close()));
  await ledger.close();
  await upstream.stop();
  rmSync(dir, { recursive: true, force: true });
}
