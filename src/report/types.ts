import type { ProbeEvidence, TraceEvidence } from '../evidence/types.js';
import type { Audit } from '../model/index.js';
import type { SecretPattern } from '../shared/redact.js';

/** Every reporting command takes `--format` with one or more of these. */
export const REPORT_FORMATS = ['terminal', 'md', 'json', 'html', 'sarif', 'junit'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** What `mimir traces --format` accepts (here, not beside the trace reporters, so the CLI can offer them without loading the reporters). */
export const TRACE_REPORT_FORMATS = ['terminal', 'json', 'html'] as const;
export type TraceReportFormat = (typeof TRACE_REPORT_FORMATS)[number];

/** How every report family is laid out (colour and width: terminal reports only) and redacted (all). */
export interface DisplayOptions {
  /** ANSI colours (terminal only); off when writing to a file or when NO_COLOR is set. */
  readonly color: boolean;
  /** Terminal width to lay out for; reports must read well at 80 columns. */
  readonly width: number;
  /** Secrets in the input are redacted unless this says otherwise (`--no-redact`); absent, the built-in patterns apply. */
  readonly redaction?: RedactionSetting;
}

/** How reports treat secrets; the CLI builds it from mimir.yaml and `--no-redact`. */
export interface RedactionSetting {
  /** False only under `--no-redact`: the report is then marked as unredacted. */
  readonly enabled: boolean;
  /** mimir.yaml's `redaction.patterns`, after the built-in ones. */
  readonly patterns: readonly SecretPattern[];
}

export interface RenderOptions extends DisplayOptions {
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

/**
 * One format of one report family: the audit (the default), trace evidence alone, or probe results
 * alone. `F` ties a reporter to its format, so a family's map can check each key against its reporter.
 */
export interface Reporter<F extends string = ReportFormat, Input = Audit, Options extends DisplayOptions = RenderOptions> {
  readonly format: F;
  /** File name used under `--out DIR`. */
  readonly fileName: string;
  /** Pure: the same input and options always give the same text. */
  render(input: Input, options: Options): string;
}

/** A family's reporters by format: a new format does not compile until it has a reporter. */
export type ReporterMap<F extends string, Input, Options extends DisplayOptions> = { readonly [K in F]: Reporter<K, Input, Options> };

/** Every report of one kind of input, and what the CLI does with them (cli/write-reports.ts). */
export interface ReportFamily<F extends string, Input, Options extends DisplayOptions> {
  readonly reporters: ReporterMap<F, Input, Options>;
  /**
   * Whether `--out DIR` also gets a copy of the terminal report (the audit's, handy in CI
   * artifacts); otherwise the terminal report only goes to stdout.
   */
  readonly terminalCopy: boolean;
}
