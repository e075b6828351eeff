import type { DuckDBValue } from '@duckdb/node-api';
import type { Outcome } from '../../model/index.js';
import type { HistoryStore, StoredReadinessPoint, StoredVerification, VerificationStatus } from './history-types.js';

/**
 * The history tables (readiness points and their checks, alert state and history, verifications) in
 * SQL that ClickHouse could run with the engine clause noted per table, and the label column
 * verifiers need. Run after CREATE_TABLES; every statement is idempotent.
 */
export const HISTORY_TABLES = [
  // ClickHouse: ENGINE = MergeTree ORDER BY (window_name, at_ms).
  `CREATE TABLE IF NOT EXISTS readiness_points (
    window_name VARCHAR NOT NULL,
    at_ms BIGINT NOT NULL,
    score DOUBLE NOT NULL,
    verdict VARCHAR NOT NULL,
    runs INTEGER NOT NULL,
    fingerprint VARCHAR NOT NULL,
    point_json VARCHAR NOT NULL
  )`,
  // ClickHouse: ENGINE = MergeTree ORDER BY (window_name, check_id, at_ms). One row per check per point.
  `CREATE TABLE IF NOT EXISTS readiness_checks (
    window_name VARCHAR NOT NULL,
    at_ms BIGINT NOT NULL,
    check_id VARCHAR NOT NULL,
    outcome VARCHAR NOT NULL,
    check_json VARCHAR NOT NULL
  )`,
  // One row: the alert engine's state as JSON (ClickHouse: ReplacingMergeTree(saved_ms) ORDER BY tuple()).
  `CREATE TABLE IF NOT EXISTS alert_state (saved_ms BIGINT NOT NULL, state_json VARCHAR NOT NULL)`,
  // ClickHouse: ENGINE = MergeTree ORDER BY at_ms.
  `CREATE TABLE IF NOT EXISTS alert_history (at_ms BIGINT NOT NULL, seq BIGINT NOT NULL, entry_json VARCHAR NOT NULL)`,
  // ClickHouse: ENGINE = MergeTree ORDER BY (verifier, at_ms).
  `CREATE TABLE IF NOT EXISTS verifications (
    at_ms BIGINT NOT NULL,
    verifier VARCHAR NOT NULL,
    run_id VARCHAR NOT NULL,
    trace_id VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    outcome VARCHAR,
    reason VARCHAR NOT NULL,
    duration_ms BIGINT NOT NULL
  )`,
  // Where a label came from (`verifier:<name>`); stores made before verifiers get the column empty.
  'ALTER TABLE labels ADD COLUMN IF NOT EXISTS source VARCHAR',
];

type Rows = (sql: string, values?: DuckDBValue[]) => Promise<Record<string, unknown>[]>;
type Write = (statements: readonly { readonly sql: string; readonly values: DuckDBValue[] }[]) => Promise<void>;

/** The HistoryStore methods over a reader and a serialized, transactional writer. */
export function duckDbHistory(read: Rows, write: Write): HistoryStore {
  let historySeq = Date.now();
  return {
    async windowFingerprint(window) {
      // Cast to text: sums of BIGINT are HUGEINT, which JavaScript gets as bigint.
      const [row] = await read(
        'SELECT count(*)::VARCHAR AS runs, coalesce(max(closed_ms), 0)::VARCHAR AS last_closed, coalesce(sum(closed_ms), 0)::VARCHAR AS closed_sum FROM runs WHERE started_ms >= ? AND started_ms < ?',
        [window.fromMs, window.toMs],
      );
      return [row?.runs, row?.last_closed, row?.closed_sum].map((value) => (typeof value === 'string' ? value : '0')).join(':');
    },

    putReadinessPoint(stored) {
      const { point } = stored;
      const atMs = Date.parse(point.at);
      return write([
        {
          sql: 'INSERT INTO readiness_points VALUES (?, ?, ?, ?, ?, ?, ?)',
          values: [point.window, atMs, point.score, point.verdict, point.runs, stored.fingerprint, JSON.stringify(point)],
        },
        ...stored.checks.map((check) => ({ sql: 'INSERT INTO readiness_checks VALUES (?, ?, ?, ?, ?)', values: [point.window, atMs, check.id, check.outcome, JSON.stringify(check)] })),
      ]);
    },

    async readinessPoints(window, limit) {
      const points = await read(`SELECT at_ms, fingerprint, point_json FROM readiness_points WHERE window_name = ? ORDER BY at_ms DESC LIMIT ${wholeLimit(limit)}`, [window]);
      if (points.length === 0) return [];
      const newestAt = Number(points[0]?.at_ms);
      const checks = await read('SELECT check_json FROM readiness_checks WHERE window_name = ? AND at_ms = ? ORDER BY check_id', [window, newestAt]);
      return points.reverse().map(
        (row): StoredReadinessPoint => ({
          point: JSON.parse(String(row.point_json)) as StoredReadinessPoint['point'],
          fingerprint: String(row.fingerprint),
          // Only the newest point carries its checks: the history of each check is read apart (checkHistory).
          checks: Number(row.at_ms) === newestAt ? checks.map((check) => JSON.parse(String(check.check_json)) as StoredReadinessPoint['checks'][number]) : [],
        }),
      );
    },

    async checkHistory(window, fromMs) {
      const found = await read('SELECT at_ms, check_id, outcome FROM readiness_checks WHERE window_name = ? AND at_ms >= ? ORDER BY at_ms, check_id', [window, fromMs]);
      return found.map((row) => ({ atMs: Number(row.at_ms), checkId: String(row.check_id), outcome: String(row.outcome) as Outcome }));
    },

    async loadAlertState() {
      const [row] = await read('SELECT state_json FROM alert_state ORDER BY saved_ms DESC LIMIT 1');
      return row === undefined ? undefined : String(row.state_json);
    },

    saveAlertState(stateJson) {
      return write([
        { sql: 'DELETE FROM alert_state', values: [] },
        { sql: 'INSERT INTO alert_state VALUES (?, ?)', values: [Date.now(), stateJson] },
      ]);
    },

    appendAlertHistory(entries) {
      return write(entries.map((entry) => ({ sql: 'INSERT INTO alert_history VALUES (?, ?, ?)', values: [entry.atMs, ++historySeq, entry.json] })));
    },

    async alertHistory(limit) {
      const found = await read(`SELECT entry_json FROM alert_history ORDER BY at_ms DESC, seq DESC LIMIT ${wholeLimit(limit)}`);
      return found.reverse().map((row) => String(row.entry_json));
    },

    putVerification(v) {
      return write([
        { sql: 'INSERT INTO verifications VALUES (?, ?, ?, ?, ?, ?, ?, ?)', values: [v.atMs, v.verifier, v.runId, v.traceId, v.status, v.outcome ?? null, v.reason, Math.round(v.durationMs)] },
      ]);
    },

    async verifications(limit) {
      const found = await read(`SELECT * FROM verifications ORDER BY at_ms DESC LIMIT ${wholeLimit(limit)}`);
      return found.map(
        (row): StoredVerification => ({
          atMs: Number(row.at_ms),
          verifier: String(row.verifier),
          runId: String(row.run_id),
          traceId: String(row.trace_id),
          status: String(row.status) as VerificationStatus,
          ...(row.outcome === 'success' || row.outcome === 'failure' ? { outcome: row.outcome } : {}),
          reason: String(row.reason),
          durationMs: Number(row.duration_ms),
        }),
      );
    },
  };
}

const wholeLimit = (limit: number): number => Math.max(0, Math.floor(limit));
