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

/** An option that takes a whole number in a range; the message names what the number is. */
function integerInRange(what: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < min || number > max) throw new InvalidArgumentError(`expected ${what} from ${min} to ${max}, got "${value}"`);
    return number;
  };
}

export const parsePort = integerInRange('a port', 0, 65535);
export const parseQuietMs = integerInRange('milliseconds', 0, 3_600_000);
export const parseDemoSeconds = integerInRange('whole seconds', 1, 3600);
