import { InvalidArgumentError } from 'commander';
import { REPORT_FORMATS, TRACE_REPORT_FORMATS, type ReportFormat, type TraceReportFormat } from '../report/types.js';
import type { ProbeReportFormat } from '../report/probes/index.js';

/** `--format terminal,html` and `--format html --format json` both work; unknown names are refused. */
function formatCollector<F extends string>(allowed: readonly F[]) {
  return (value: string, previous: readonly F[] | undefined): F[] => {
    const formats = [...(previous ?? [])];
    for (const part of value.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
      if (!(allowed as readonly string[]).includes(part)) {
        throw new InvalidArgumentError(`unknown format "${part}"; expected one or more of: ${allowed.join(', ')}`);
      }
      if (!formats.includes(part as F)) formats.push(part as F);
    }
    return formats;
  };
}

/** What `mimir probe --format` offers: the probe reporters but Markdown, which only the audit's Markdown report uses so far. */
export const PROBE_COMMAND_FORMATS = ['terminal', 'json', 'html'] as const satisfies readonly ProbeReportFormat[];
export type ProbeCommandFormat = (typeof PROBE_COMMAND_FORMATS)[number];

export const collectFormats = formatCollector<ReportFormat>(REPORT_FORMATS);
export const collectTraceFormats = formatCollector<TraceReportFormat>(TRACE_REPORT_FORMATS);
export const collectProbeFormats = formatCollector<ProbeCommandFormat>(PROBE_COMMAND_FORMATS);

export function parseScore(value: string): number {
  const score = Number(value);
  if (value.trim() === '' || !Number.isFinite(score) || score < 0 || score > 100) {
    throw new InvalidArgumentError(`expected a number from 0 to 100, got "${value}"`);
  }
  return score;
}

export function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError(`expected a port from 0 to 65535, got "${value}"`);
  return port;
}
