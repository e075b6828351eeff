import type { TraceEvidence } from '../../evidence/types.js';
import type { RenderOptions } from '../types.js';
import { traceReportHtml } from './html.js';
import { renderTraceJson } from './json.js';
import { renderTraceTerminal } from './terminal.js';

/** What `mimir traces --format` accepts. */
export const TRACE_REPORT_FORMATS = ['terminal', 'json', 'html'] as const;
export type TraceReportFormat = (typeof TRACE_REPORT_FORMATS)[number];

/** The measured figures of trace evidence alone, in one format; pure. Colour and width apply to the terminal only. */
export function renderTraceReport(evidence: TraceEvidence, format: TraceReportFormat, options: Pick<RenderOptions, 'color' | 'width'>): string {
  switch (format) {
    case 'terminal':
      return renderTraceTerminal(evidence, options);
    case 'json':
      return renderTraceJson(evidence);
    case 'html':
      return traceReportHtml(evidence);
  }
}

export { traceSectionHtml, traceReportHtml } from './html.js';
export { renderTraceJson, TRACE_REPORT_SCHEMA_VERSION } from './json.js';
export { renderTraceTerminal } from './terminal.js';
