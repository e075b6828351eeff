import type { ProbeEvidence, TraceEvidence } from '../evidence/types.js';
import type { Audit } from '../model/index.js';

/** Every reporting command takes `--format` with one or more of these. */
export const REPORT_FORMATS = ['terminal', 'md', 'json', 'html', 'sarif', 'junit'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface RenderOptions {
  /** ANSI colours (terminal only); off when writing to a file or when NO_COLOR is set. */
  readonly color: boolean;
  /** Terminal width to lay out for; reports must read well at 80 columns. */
  readonly width: number;
  /**
   * The trace evidence the audit read, when it read any. The CLI passes it so the HTML report can
   * show the measured figures ("Measured from traces") beside the findings; the audit itself keeps
   * only a summary of it (Audit.traces), so a report rendered from a saved audit shows none.
   */
  readonly traces?: TraceEvidence;
  /** The probe results the audit used, when it used any: the HTML, Markdown and terminal reports show them. */
  readonly probes?: ProbeEvidence;
  /** Terminal only: the verdict, the areas and the top findings, for logs that show several audits. */
  readonly brief?: boolean;
}

/** `F` ties a reporter to its format, so the REPORTERS map can check each key against its reporter. */
export interface Reporter<F extends ReportFormat = ReportFormat> {
  readonly format: F;
  /** File name used under `--out DIR`. */
  readonly fileName: string;
  /** Pure: the same audit and options always give the same text. */
  render(audit: Audit, options: RenderOptions): string;
}
