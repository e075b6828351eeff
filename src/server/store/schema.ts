/**
 * The store's tables, in SQL that DuckDB runs as written and ClickHouse could run with its engine
 * clauses added (noted per table): plain column types, no constraints the queries rely on, upserts
 * done as delete + insert. Times are Unix milliseconds in BIGINT columns, so window predicates are
 * plain comparisons in any engine.
 */
export const SCHEMA_VERSION = 1;

export const CREATE_TABLES = [
  // ClickHouse: ENGINE = MergeTree ORDER BY (service, start_ms, trace_id). One wide row per span:
  // the columns the window queries filter and group on, and the decoded span as JSON for assembly.
  `CREATE TABLE IF NOT EXISTS spans (
    service VARCHAR NOT NULL,
    start_ms BIGINT,
    end_ms BIGINT,
    trace_id VARCHAR NOT NULL,
    span_id VARCHAR NOT NULL,
    parent_span_id VARCHAR,
    name VARCHAR NOT NULL,
    operation VARCHAR,
    tool_name VARCHAR,
    status VARCHAR NOT NULL,
    ingest_seq BIGINT NOT NULL,
    received_ms BIGINT NOT NULL,
    span_json VARCHAR NOT NULL
  )`,
  // ClickHouse: ENGINE = MergeTree ORDER BY (trace_id, ingest_seq). Log events, attached to their span at assembly.
  `CREATE TABLE IF NOT EXISTS span_events (
    trace_id VARCHAR NOT NULL,
    span_id VARCHAR,
    ingest_seq BIGINT NOT NULL,
    event_json VARCHAR NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS damaged_traces (trace_id VARCHAR NOT NULL, ingest_seq BIGINT NOT NULL)`,
  // ClickHouse: ENGINE = ReplacingMergeTree(closed_ms) ORDER BY (service, started_ms, trace_id). One row per run:
  // its facts as columns, the normalized run as JSON (what the analyses and the run view read).
  `CREATE TABLE IF NOT EXISTS runs (
    trace_id VARCHAR NOT NULL,
    run_id VARCHAR NOT NULL,
    service VARCHAR NOT NULL,
    started_ms BIGINT,
    ended_ms BIGINT,
    task_id VARCHAR,
    claimed_status VARCHAR NOT NULL,
    outcome_status VARCHAR NOT NULL,
    outcome_source VARCHAR,
    steps INTEGER NOT NULL,
    failed_steps INTEGER NOT NULL,
    tools VARCHAR[] NOT NULL,
    failed_tools VARCHAR[] NOT NULL,
    damaged BOOLEAN NOT NULL,
    closed_ms BIGINT NOT NULL,
    last_seq BIGINT NOT NULL,
    run_json VARCHAR NOT NULL
  )`,
  // ClickHouse: ENGINE = MergeTree ORDER BY (key, received_ms).
  `CREATE TABLE IF NOT EXISTS labels (
    key VARCHAR NOT NULL,
    aliases VARCHAR[] NOT NULL,
    outcome VARCHAR NOT NULL,
    score DOUBLE,
    received_ms BIGINT NOT NULL
  )`,
  // ClickHouse: ENGINE = ReplacingMergeTree(received_ms) ORDER BY (system, id). Audit reports as pushed by
  // `mimir audit --server`, the report JSON beside the columns the audit list shows.
  `CREATE TABLE IF NOT EXISTS audits (
    id VARCHAR NOT NULL,
    received_ms BIGINT NOT NULL,
    audited_at VARCHAR NOT NULL,
    system VARCHAR NOT NULL,
    score DOUBLE NOT NULL,
    verdict VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    report_json VARCHAR NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS ingest_state (applied_seq BIGINT NOT NULL, schema_version INTEGER NOT NULL)`,
];

/** Per-tool calls and errors over a window: the dashboard's most frequent question, one scan of the span table. */
export const TOOL_ERROR_RATES_SQL = `SELECT tool_name AS tool, count(*) AS calls, sum(CASE WHEN status = 'error' THEN 1 ELSE 0 END) AS errors
  FROM spans WHERE tool_name IS NOT NULL AND start_ms >= ? AND start_ms < ?
  GROUP BY tool_name ORDER BY tool_name`;

/** Traces with spans (or events, or damage) that no stored run has seen yet. */
export const TRACES_TO_ASSEMBLE_SQL = `WITH latest AS (
    SELECT trace_id, max(ingest_seq) AS seq, max(CASE WHEN parent_span_id IS NULL AND end_ms IS NOT NULL THEN 1 ELSE 0 END) AS root_ended FROM spans GROUP BY trace_id
    UNION ALL SELECT trace_id, max(ingest_seq), 0 FROM span_events GROUP BY trace_id
  ), traces AS (SELECT trace_id, max(seq) AS seq, max(root_ended) AS root_ended FROM latest GROUP BY trace_id)
  SELECT traces.trace_id, traces.root_ended FROM traces LEFT JOIN runs ON runs.trace_id = traces.trace_id
  WHERE runs.trace_id IS NULL OR traces.seq > runs.last_seq`;
