import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DuckDBInstance, LIST, VARCHAR, type DuckDBAppender, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { GENAI, OPENINFERENCE, VERCEL } from '../../evidence/trace/conventions/names.js';
import type { ClaimedStatus, Run, RunOutcome, Verdict } from '../../model/index.js';
import { eventFromText, eventJson, spanFromJson, spanToJson, type DurableBatch, type StoredEvent, type StoredSpan } from '../ingest/batch.js';
import { duckDbHistory, HISTORY_TABLES } from './duckdb-history.js';
import { CREATE_TABLES, SCHEMA_VERSION, TOOL_ERROR_RATES_SQL, TRACES_TO_ASSEMBLE_SQL } from './schema.js';
import type { AuditRecord, OpenTrace, RunFacts, ServeStore, StoredLabel, StoredRun, TimeWindow, ToolErrorRate, TraceContents } from './types.js';

/**
 * The store on DuckDB (see the README's "mimir serve" for why DuckDB): one file, owned by this
 * process (DuckDB locks it; a second server on the same data directory is refused). Writes go
 * through one connection, one at a time (a transaction must not interleave with another's
 * statements); reads use a second connection, so the API never waits behind ingestion.
 */
/** DuckDB's buffer pool at most; it spills to disk beyond. */
const STORE_MEMORY_LIMIT = '256MB';

export async function openDuckDbStore(path: string): Promise<ServeStore> {
  await mkdir(dirname(path), { recursive: true });
  // DuckDB's buffer pool defaults to 80% of the machine's memory: bounded here, like every queue of the server.
  const instance = await DuckDBInstance.create(path, { memory_limit: STORE_MEMORY_LIMIT });
  const writer = await instance.connect();
  const reader = await instance.connect();
  for (const statement of [...CREATE_TABLES, ...HISTORY_TABLES]) await writer.run(statement);
  const state = await rows(writer, 'SELECT applied_seq FROM ingest_state');
  if (state.length === 0) await writer.run('INSERT INTO ingest_state VALUES (0, ?)', [SCHEMA_VERSION]);

  let writes: Promise<unknown> = Promise.resolve();
  /** Runs write operations one after another on the writer connection. */
  const serialized = <T>(operation: () => Promise<T>): Promise<T> => {
    const result = writes.then(operation);
    writes = result.catch(() => undefined);
    return result;
  };
  const transaction = (operation: () => Promise<void>): Promise<void> =>
    serialized(async () => {
      await writer.run('BEGIN TRANSACTION');
      try {
        await operation();
        await writer.run('COMMIT');
      } catch (error) {
        await writer.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });

  const history = duckDbHistory(
    (sql, values) => rows(reader, sql, values),
    (statements) =>
      transaction(async () => {
        for (const statement of statements) await writer.run(statement.sql, statement.values);
      }),
  );

  return {
    ...history,
    async appliedSequence() {
      const [row] = await rows(reader, 'SELECT applied_seq FROM ingest_state');
      return Number(row?.applied_seq ?? 0);
    },

    applyBatches(batches) {
      const last = batches.at(-1);
      if (last === undefined) return Promise.resolve();
      return transaction(async () => {
        await appendSpans(writer, batches);
        for (const batch of batches) {
          for (const stored of batch.events) {
            await writer.run('INSERT INTO span_events VALUES (?, ?, ?, ?)', [stored.traceId, stored.spanId ?? null, batch.sequence, eventJson(stored.event)]);
          }
          for (const traceId of batch.damagedTraces) await writer.run('INSERT INTO damaged_traces VALUES (?, ?)', [traceId, batch.sequence]);
        }
        await writer.run('UPDATE ingest_state SET applied_seq = ?', [last.sequence]);
      });
    },

    async traceContents(traceId) {
      return (await contentsOf(reader, [traceId])).get(traceId) ?? { spans: [], events: [], damaged: false, lastSequence: 0 };
    },

    tracesContents(traceIds) {
      return contentsOf(reader, traceIds);
    },

    async tracesToAssemble() {
      const found = await rows(reader, TRACES_TO_ASSEMBLE_SQL);
      return found.map((row): OpenTrace => ({ traceId: String(row.trace_id), rootEnded: Number(row.root_ended) === 1 }));
    },

    putRuns(stored) {
      if (stored.length === 0) return Promise.resolve();
      return transaction(async () => {
        await writer.run('DELETE FROM runs WHERE trace_id IN (SELECT unnest(?::JSON::VARCHAR[]))', [JSON.stringify(stored.map((one) => one.facts.traceId))]);
        await appendRuns(writer, stored);
      });
    },

    async findRuns(filter) {
      const where: string[] = [];
      const values: DuckDBValue[] = [];
      if (filter.claimed !== undefined) {
        where.push('claimed_status = ?');
        values.push(filter.claimed);
      }
      if (filter.outcome !== undefined) {
        where.push('outcome_status = ?');
        values.push(filter.outcome);
      }
      if (filter.tool !== undefined) {
        where.push('list_contains(tools, ?)');
        values.push(filter.tool);
      }
      if (filter.failure === 'step') where.push('failed_steps > 0');
      if (filter.failure === 'silent') where.push("claimed_status = 'success' AND outcome_status = 'failure'");
      if (filter.window !== undefined) {
        where.push('started_ms >= ? AND started_ms < ?');
        values.push(filter.window.fromMs, filter.window.toMs);
      }
      const sql = `SELECT * EXCLUDE (run_json) FROM runs ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY started_ms DESC NULLS LAST, trace_id LIMIT ${Math.max(0, Math.floor(filter.limit))}`;
      return (await rows(reader, sql, values)).map(factsOf);
    },

    async getRun(id) {
      const [row] = await rows(reader, 'SELECT * FROM runs WHERE run_id = ? OR trace_id = ? ORDER BY closed_ms DESC LIMIT 1', [id, id]);
      return row === undefined ? undefined : { facts: factsOf(row), run: JSON.parse(String(row.run_json)) as Run };
    },

    async *runsInWindow(window) {
      // Paged, so a week of runs is never held at once.
      const page = 500;
      let lastKey: [number, string] = [window.fromMs - 1, ''];
      for (;;) {
        const found = await rows(
          reader,
          `SELECT started_ms, trace_id, run_json FROM runs WHERE started_ms >= ? AND started_ms < ? AND (started_ms > ? OR (started_ms = ? AND trace_id > ?))
           ORDER BY started_ms, trace_id LIMIT ${page}`,
          [window.fromMs, window.toMs, lastKey[0], lastKey[0], lastKey[1]],
        );
        for (const row of found) yield JSON.parse(String(row.run_json)) as Run;
        const last = found.at(-1);
        if (found.length < page || last === undefined) return;
        lastKey = [Number(last.started_ms), String(last.trace_id)];
      }
    },

    async toolErrorRates(window: TimeWindow) {
      return (await rows(reader, TOOL_ERROR_RATES_SQL, [window.fromMs, window.toMs])).map(
        (row): ToolErrorRate => ({ tool: String(row.tool), calls: Number(row.calls), errors: Number(row.errors) }),
      );
    },

    putLabel(label) {
      return serialized(async () => {
        await writer.run('INSERT INTO labels (key, aliases, outcome, score, received_ms, source) VALUES (?, ?::JSON::VARCHAR[], ?, ?, ?, ?)', [
          label.key,
          JSON.stringify(label.aliases),
          label.outcome,
          label.score ?? null,
          label.receivedAtMs,
          label.source ?? null,
        ]);
      });
    },

    async labelsNaming(keys) {
      if (keys.length === 0) return [];
      const keyList = JSON.stringify(keys);
      const found = await rows(
        reader,
        'SELECT key, aliases, outcome, score, received_ms, source FROM labels WHERE key IN (SELECT unnest(?::JSON::VARCHAR[])) OR len(list_intersect(aliases, ?::JSON::VARCHAR[])) > 0',
        [keyList, keyList],
      );
      return found.map(
        (row): StoredLabel => ({
          key: String(row.key),
          aliases: (row.aliases as unknown[]).map(String),
          outcome: row.outcome === 'failure' ? 'failure' : 'success',
          ...(row.score !== null && { score: Number(row.score) }),
          receivedAtMs: Number(row.received_ms),
          ...(typeof row.source === 'string' && { source: row.source }),
        }),
      );
    },

    async tracesNamedBy(keys) {
      if (keys.length === 0) return [];
      const marks = keys.map(() => '?').join(', ');
      const found = await rows(reader, `SELECT DISTINCT trace_id FROM runs WHERE run_id IN (${marks}) OR trace_id IN (${marks}) OR json_extract_string(run_json, '$.conversationId') IN (${marks})`, [
        ...keys,
        ...keys,
        ...keys,
      ]);
      return found.map((row) => String(row.trace_id));
    },

    async counts() {
      const [row] = await rows(reader, 'SELECT (SELECT count(*) FROM spans) AS spans, (SELECT count(*) FROM runs) AS runs');
      return { spans: Number(row?.spans ?? 0), runs: Number(row?.runs ?? 0) };
    },

    putAudit(audit) {
      return transaction(async () => {
        await writer.run('DELETE FROM audits WHERE id = ?', [audit.id]);
        await writer.run('INSERT INTO audits VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
          audit.id,
          audit.receivedAtMs,
          audit.auditedAt,
          audit.system,
          audit.score,
          audit.verdict,
          audit.source,
          audit.reportJson,
        ]);
      });
    },

    async listAudits(limit) {
      const found = await rows(reader, `SELECT * EXCLUDE (report_json) FROM audits ORDER BY received_ms DESC, id LIMIT ${Math.max(0, Math.floor(limit))}`);
      return found.map(auditRecordOf);
    },

    async getAudit(id) {
      const [row] = await rows(reader, 'SELECT * FROM audits WHERE id = ?', [id]);
      return row === undefined ? undefined : { ...auditRecordOf(row), reportJson: String(row.report_json) };
    },

    async close() {
      await writes;
      await writer.run('CHECKPOINT').catch(() => undefined);
      reader.closeSync();
      writer.closeSync();
      instance.closeSync();
    },
  };
}

/** Spans, events and damage marks of many traces: one scan of each table, whatever the count. */
async function contentsOf(reader: DuckDBConnection, traceIds: readonly string[]): Promise<Map<string, TraceContents>> {
  const contents = new Map<string, { spans: StoredSpan[]; events: StoredEvent[]; damaged: boolean; lastSequence: number }>();
  if (traceIds.length === 0) return contents;
  for (const traceId of traceIds) contents.set(traceId, { spans: [], events: [], damaged: false, lastSequence: 0 });
  const ids = [JSON.stringify(traceIds)];
  const inList = 'trace_id IN (SELECT unnest(?::JSON::VARCHAR[]))';
  for (const row of await rows(reader, `SELECT trace_id, service, span_json, ingest_seq FROM spans WHERE ${inList} ORDER BY ingest_seq`, ids)) {
    const entry = contents.get(String(row.trace_id));
    if (entry === undefined) continue;
    entry.spans.push({ service: String(row.service), span: spanFromJson(JSON.parse(String(row.span_json)) as Parameters<typeof spanFromJson>[0]) });
    entry.lastSequence = Math.max(entry.lastSequence, Number(row.ingest_seq));
  }
  for (const row of await rows(reader, `SELECT trace_id, span_id, event_json, ingest_seq FROM span_events WHERE ${inList} ORDER BY ingest_seq`, ids)) {
    const entry = contents.get(String(row.trace_id));
    if (entry === undefined) continue;
    entry.events.push({ traceId: String(row.trace_id), spanId: typeof row.span_id === 'string' ? row.span_id : undefined, event: eventFromText(String(row.event_json)) });
    entry.lastSequence = Math.max(entry.lastSequence, Number(row.ingest_seq));
  }
  for (const row of await rows(reader, `SELECT trace_id, max(ingest_seq) AS seq FROM damaged_traces WHERE ${inList} GROUP BY trace_id`, ids)) {
    const entry = contents.get(String(row.trace_id));
    if (entry === undefined) continue;
    entry.damaged = true;
    entry.lastSequence = Math.max(entry.lastSequence, Number(row.seq));
  }
  return contents;
}

async function rows(connection: DuckDBConnection, sql: string, values: DuckDBValue[] = []): Promise<Record<string, unknown>[]> {
  const reader = await connection.runAndReadAll(sql, values);
  return reader.getRowObjectsJS();
}

/** Appends text and Unix-ms times to an appender's current row, a missing value as NULL. */
function nullableWriters(appender: DuckDBAppender): { text: (value: string | undefined) => void; time: (value: number | undefined) => void } {
  return {
    text: (value) => {
      if (value === undefined) appender.appendNull();
      else appender.appendVarchar(value);
    },
    time: (value) => {
      if (value === undefined) appender.appendNull();
      else appender.appendBigInt(BigInt(Math.floor(value)));
    },
  };
}

/**
 * Runs through an appender, in the table's column order: one INSERT statement per run (parsed,
 * bound and run each time) made closing 200 runs take 0.3–3.6 s under load, longer than they took to arrive.
 */
async function appendRuns(connection: DuckDBConnection, stored: readonly StoredRun[]): Promise<void> {
  const appender = await connection.createAppender('runs');
  const { text, time } = nullableWriters(appender);
  for (const { facts, run } of stored) {
    text(facts.traceId);
    text(facts.runId);
    text(facts.service);
    time(facts.startedAtMs);
    time(facts.endedAtMs);
    text(facts.taskId);
    text(facts.claimedStatus);
    text(facts.outcomeStatus);
    text(facts.outcomeSource);
    appender.appendInteger(facts.steps);
    appender.appendInteger(facts.failedSteps);
    appender.appendList(facts.tools, LIST(VARCHAR));
    appender.appendList(facts.failedTools, LIST(VARCHAR));
    appender.appendBoolean(facts.damaged);
    time(facts.closedAtMs);
    time(facts.lastSequence);
    text(JSON.stringify(run));
    appender.endRow();
  }
  appender.closeSync();
}

/** Spans through DuckDB's appender: one call per value, no SQL parsed per row. */
async function appendSpans(connection: DuckDBConnection, batches: readonly DurableBatch[]): Promise<void> {
  if (!batches.some((batch) => batch.spans.length > 0)) return;
  const appender = await connection.createAppender('spans');
  const { text, time } = nullableWriters(appender);
  for (const batch of batches) {
    for (const { service, span } of batch.spans) {
      text(service);
      time(span.startMs);
      time(span.endMs);
      text(span.traceId);
      text(span.spanId);
      text(span.parentSpanId);
      text(span.name);
      text(stringAttribute(span.attributes.get('gen_ai.operation.name')));
      text(toolNameOf(span.attributes));
      text(span.statusCode);
      appender.appendBigInt(BigInt(batch.sequence));
      appender.appendBigInt(BigInt(batch.receivedAtMs));
      text(JSON.stringify(spanToJson(span)));
      appender.endRow();
    }
  }
  appender.closeSync();
}

const stringAttribute = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * The tool a span calls, for the span table's `tool` column (per-tool calls and errors): named as the
 * trace readers name it, in each convention they read (GenAI, Vercel AI SDK tool-call spans,
 * OpenInference TOOL spans). The GenAI name alone left the Vercel AI SDK's tool calls uncounted.
 */
export function toolNameOf(attributes: ReadonlyMap<string, unknown>): string | undefined {
  return (
    stringAttribute(attributes.get(GENAI.toolName)) ??
    stringAttribute(attributes.get(VERCEL.toolCallName)) ??
    (attributes.get(OPENINFERENCE.spanKind) === 'TOOL' ? stringAttribute(attributes.get(OPENINFERENCE.toolName)) : undefined)
  );
}

function auditRecordOf(row: Record<string, unknown>): AuditRecord {
  return {
    id: String(row.id),
    receivedAtMs: Number(row.received_ms),
    auditedAt: String(row.audited_at),
    system: String(row.system),
    score: Number(row.score),
    verdict: String(row.verdict) as Verdict,
    source: row.source === 'window' ? 'window' : 'pushed',
  };
}

function factsOf(row: Record<string, unknown>): RunFacts {
  const optionalNumber = (value: unknown): number | undefined => (value === null || value === undefined ? undefined : Number(value));
  return {
    runId: String(row.run_id),
    traceId: String(row.trace_id),
    service: String(row.service),
    startedAtMs: optionalNumber(row.started_ms),
    endedAtMs: optionalNumber(row.ended_ms),
    taskId: typeof row.task_id === 'string' ? row.task_id : undefined,
    claimedStatus: String(row.claimed_status) as ClaimedStatus,
    outcomeStatus: String(row.outcome_status) as RunOutcome['status'],
    outcomeSource: typeof row.outcome_source === 'string' ? row.outcome_source : undefined,
    steps: Number(row.steps),
    failedSteps: Number(row.failed_steps),
    tools: (row.tools as unknown[]).map(String),
    failedTools: (row.failed_tools as unknown[]).map(String),
    damaged: row.damaged === true,
    closedAtMs: Number(row.closed_ms),
    lastSequence: Number(row.last_seq),
  };
}

