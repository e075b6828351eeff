import type { TraceEvidence } from '../../evidence/types.js';

/** Bumped when a field is renamed or removed; new fields within the analyses do not bump it. */
export const TRACE_REPORT_SCHEMA_VERSION = 1;

/**
 * The measured figures as pretty JSON, for scripts and for the reader who wants every example the
 * terminal left out. Nothing is rounded or dropped: the analyses are written as they were computed.
 */
export function renderTraceJson(evidence: TraceEvidence): string {
  const report = {
    schemaVersion: TRACE_REPORT_SCHEMA_VERSION,
    runs: evidence.runCount,
    spans: evidence.spanCount,
    files: evidence.files,
    partial: evidence.partial,
    problems: evidence.problems,
    analyses: evidence.analyses,
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}
