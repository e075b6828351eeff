import type { TraceEvidence } from '../../evidence/types.js';
import type { DisplayOptions, ReportFamily, ReporterMap, TraceReportFormat } from '../types.js';
import { traceReportHtml } from './html.js';
import { renderTraceJson } from './json.js';
import { renderTraceTerminal } from './terminal.js';
import { boundReportInput, guardReporters } from '../safe-input.js';

export { TRACE_REPORT_FORMATS, type TraceReportFormat } from '../types.js';

/**
 * The measured figures of trace evidence alone, by format. Colour and width apply to the terminal
 * only. Each first redacts and bounds the evidence (safe-input.ts).
 */
export const TRACE_REPORTERS: ReporterMap<TraceReportFormat, TraceEvidence, DisplayOptions> = guardReporters<TraceReportFormat, TraceEvidence, DisplayOptions>(
  {
    terminal: { format: 'terminal', fileName: 'mimir-traces.txt', render: renderTraceTerminal },
    json: { format: 'json', fileName: 'mimir-traces.json', render: (evidence) => renderTraceJson(evidence) },
    html: { format: 'html', fileName: 'mimir-traces.html', render: (evidence) => traceReportHtml(evidence) },
  },
  (evidence, options, redaction) => ({ input: boundReportInput(evidence, redaction), options }),
);

/** `mimir traces`: the terminal report only goes to stdout. */
export const TRACE_REPORTS: ReportFamily<TraceReportFormat, TraceEvidence, DisplayOptions> = { reporters: TRACE_REPORTERS, terminalCopy: false };

/** The measured figures of trace evidence alone, in one format; pure. */
export function renderTraceReport(evidence: TraceEvidence, format: TraceReportFormat, options: DisplayOptions): string {
  return TRACE_REPORTERS[format].render(evidence, options);
}

export { traceSectionHtml, traceReportHtml } from './html.js';
export { renderTraceJson, TRACE_REPORT_SCHEMA_VERSION } from './json.js';
export { renderTraceTerminal } from './terminal.js';
