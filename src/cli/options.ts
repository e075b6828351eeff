import { InvalidArgumentError } from 'commander';
import { REPORT_FORMATS, type ReportFormat } from '../report/types.js';

/** `--format terminal,html` and `--format html --format json` both work; unknown names are refused. */
export function collectFormats(value: string, previous: readonly ReportFormat[] | undefined): ReportFormat[] {
  const formats = [...(previous ?? [])];
  for (const part of value.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    if (!(REPORT_FORMATS as readonly string[]).includes(part)) {
      throw new InvalidArgumentError(`unknown format "${part}"; expected one or more of: ${REPORT_FORMATS.join(', ')}`);
    }
    if (!formats.includes(part as ReportFormat)) formats.push(part as ReportFormat);
  }
  return formats;
}

export function parseScore(value: string): number {
  const score = Number(value);
  if (value.trim() === '' || !Number.isFinite(score) || score < 0 || score > 100) {
    throw new InvalidArgumentError(`expected a number from 0 to 100, got "${value}"`);
  }
  return score;
}
