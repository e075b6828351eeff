import type { Audit } from '../model/index.js';
import { htmlReporter } from './html.js';
import { jsonReporter } from './json.js';
import { junitReporter } from './junit.js';
import { markdownReporter } from './markdown.js';
import { sarifReporter } from './sarif.js';
import { terminalReporter } from './terminal.js';
import { boundReportInput, guardReporters } from './safe-input.js';
import type { RenderOptions, ReportFamily, ReporterMap, ReportFormat } from './types.js';

/**
 * Every reporter by format: a typed map, so a new format in REPORT_FORMATS does not compile until
 * it has a reporter, and each reporter's `format` must equal its key. Each first redacts and bounds
 * the audit and the trace and probe evidence shown beside it (safe-input.ts).
 */
export const REPORTERS: ReporterMap<ReportFormat, Audit, RenderOptions> = guardReporters<ReportFormat, Audit, RenderOptions>(
  {
    terminal: terminalReporter,
    md: markdownReporter,
    json: jsonReporter,
    html: htmlReporter,
    sarif: sarifReporter,
    junit: junitReporter,
  },
  (audit, options, redaction) => ({
    input: boundReportInput(audit, redaction),
    options: {
      ...options,
      ...(options.traces && { traces: boundReportInput(options.traces, redaction) }),
      ...(options.probes && { probes: boundReportInput(options.probes, redaction) }),
    },
  }),
);

/** The audit's reports; under `--out` the terminal report is kept as a file too. */
export const AUDIT_REPORTS: ReportFamily<ReportFormat, Audit, RenderOptions> = { reporters: REPORTERS, terminalCopy: true };

/** Renders one report; pure. */
export function renderReport(audit: Audit, format: ReportFormat, options: RenderOptions): string {
  return REPORTERS[format].render(audit, options);
}

export { boundReportInput, boundText, DEFAULT_REDACTION, MAX_ID_CHARS, MAX_TEXT_CHARS, UNREDACTED_NOTICE } from './safe-input.js';
export { REPORT_FORMATS, type DisplayOptions, type RedactionSetting, type RenderOptions, type Reporter, type ReporterMap, type ReportFamily, type ReportFormat } from './types.js';
export { diffAudits, compareFindings, type AuditDiff, type CheckChange, type CheckChangeKind, type CheckState, type AreaChange, type ScoreChange } from './diff.js';
export { renderDiff, type DiffFormat } from './diff-render.js';
export { parseAuditReport } from './parse-report.js';
export { auditReportSchema, reportJsonSchema, REPORT_SCHEMA_ID } from './report-schema.js';
