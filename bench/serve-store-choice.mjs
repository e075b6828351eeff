// How the store for `mimir serve` was chosen: the same spans ingested into DuckDB (@duckdb/node-api)
// and SQLite (better-sqlite3) in the batches the server writes, then the window query the dashboard
// runs most (per-tool error rate over the last hour and the last day). Not part of `npm run bench`:
// better-sqlite3 is not a dependency; run `npm install --no-save better-sqlite3@12` first.
//   node bench/serve-store-choice.mjs [spans=200000]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SPANS = Number(process.argv[2] ?? 200_000);
const BATCH = 500;
const TOOLS = ['lookup_order', 'issue_refund', 'send_email', 'delete_account', 'search_kb', 'update_ticket'];
const NOW = Date.UTC(2026, 11, 7);
const WEEK = 7 * 24 * 3600_000;

/** Deterministic spans over the last week: a third are tool calls, 7% of those fail. */
function* spans() {
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < SPANS; i++) {
    const trace = Math.floor(i / 12);
    const tool = i % 3 === 0 ? TOOLS[Math.floor(random() * TOOLS.length)] : null;
    const start = NOW - Math.floor(random() * WEEK);
    yield {
      service: `svc-${trace % 4}`, start, end: start + 120, traceId: trace.toString(16).padStart(32, '0'), spanId: i.toString(16).padStart(16, '0'),
      name: tool ? `execute_tool ${tool}` : 'chat', tool, status: tool && random() < 0.07 ? 'error' : 'ok', seq: Math.floor(i / BATCH),
      raw: JSON.stringify({ attributes: [['gen_ai.tool.name', tool], ['pad', 'x'.repeat(300)]] }),
    };
  }
}

const WINDOW_SQL = `SELECT tool_name, count(*) AS calls, sum(CASE WHEN status = 'error' THEN 1 ELSE 0 END) AS errors
  FROM spans WHERE start_ms >= ? AND tool_name IS NOT NULL GROUP BY tool_name ORDER BY tool_name`;
const COLUMNS = 'service VARCHAR, start_ms BIGINT, end_ms BIGINT, trace_id VARCHAR, span_id VARCHAR, name VARCHAR, tool_name VARCHAR, status VARCHAR, ingest_seq BIGINT, raw VARCHAR';

async function timeQueries(run) {
  const results = {};
  for (const [label, since] of [['hour', NOW - 3600_000], ['day', NOW - 24 * 3600_000]]) {
    await run(since); // warm
    const start = performance.now();
    for (let i = 0; i < 5; i++) await run(since);
    results[label] = (performance.now() - start) / 5;
  }
  return results;
}

async function duck(dir) {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const path = join(dir, 'spans.duckdb');
  const instance = await DuckDBInstance.create(path);
  const db = await instance.connect();
  await db.run(`CREATE TABLE spans (${COLUMNS})`);
  const start = performance.now();
  let batch = [];
  const flush = async () => {
    await db.run('BEGIN TRANSACTION');
    const appender = await db.createAppender('spans');
    for (const s of batch) {
      appender.appendVarchar(s.service); appender.appendBigInt(BigInt(s.start)); appender.appendBigInt(BigInt(s.end));
      appender.appendVarchar(s.traceId); appender.appendVarchar(s.spanId); appender.appendVarchar(s.name);
      if (s.tool === null) appender.appendNull(); else appender.appendVarchar(s.tool);
      appender.appendVarchar(s.status); appender.appendBigInt(BigInt(s.seq)); appender.appendVarchar(s.raw); appender.endRow();
    }
    appender.closeSync();
    await db.run('COMMIT');
    batch = [];
  };
  for (const s of spans()) { batch.push(s); if (batch.length === BATCH) await flush(); }
  if (batch.length > 0) await flush();
  await db.run('CHECKPOINT');
  const ingestMs = performance.now() - start;
  const query = await timeQueries(async (since) => (await db.runAndReadAll(WINDOW_SQL, [BigInt(since)])).getRowObjectsJS());
  const rows = (await db.runAndReadAll(WINDOW_SQL, [BigInt(NOW - 24 * 3600_000)])).getRowObjectsJS().length;
  db.closeSync(); instance.closeSync();
  return { store: 'duckdb', ingestSpansPerS: Math.round(SPANS / (ingestMs / 1000)), hourQueryMs: query.hour, dayQueryMs: query.day, fileMiB: statSync(path).size / 2 ** 20, rows };
}

async function sqlite(dir) {
  const { default: Database } = await import('better-sqlite3');
  const path = join(dir, 'spans.sqlite');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE spans (${COLUMNS}); CREATE INDEX spans_by_service_time ON spans (service, start_ms, trace_id); CREATE INDEX spans_by_time ON spans (start_ms)`);
  const insert = db.prepare('INSERT INTO spans VALUES (?,?,?,?,?,?,?,?,?,?)');
  const insertBatch = db.transaction((rows) => { for (const s of rows) insert.run(s.service, s.start, s.end, s.traceId, s.spanId, s.name, s.tool, s.status, s.seq, s.raw); });
  const start = performance.now();
  let batch = [];
  for (const s of spans()) { batch.push(s); if (batch.length === BATCH) { insertBatch(batch); batch = []; } }
  if (batch.length > 0) insertBatch(batch);
  db.pragma('wal_checkpoint(TRUNCATE)');
  const ingestMs = performance.now() - start;
  const statement = db.prepare(WINDOW_SQL);
  const query = await timeQueries(async (since) => statement.all(since));
  const rows = statement.all(NOW - 24 * 3600_000).length;
  db.close();
  return { store: 'sqlite', ingestSpansPerS: Math.round(SPANS / (ingestMs / 1000)), hourQueryMs: query.hour, dayQueryMs: query.day, fileMiB: statSync(path).size / 2 ** 20, rows };
}

const dir = mkdtempSync(join(tmpdir(), 'mimir-store-choice-'));
try {
  for (const measure of [duck, sqlite]) {
    try {
      const result = await measure(dir);
      console.log(JSON.stringify({ spans: SPANS, ...result, hourQueryMs: +result.hourQueryMs.toFixed(2), dayQueryMs: +result.dayQueryMs.toFixed(2), fileMiB: +result.fileMiB.toFixed(1) }));
    } catch (error) {
      console.log(`${measure.name}: not measured (${error.message.split('\n')[0]})`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
