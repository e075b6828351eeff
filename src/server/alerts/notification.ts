import type { RunRef } from '../../analysis/types.js';
import { redactSecrets, type SecretPattern } from '../../shared/redact.js';
import type { AlertNotification, AlertRunLink } from './types.js';

export interface LinkOptions {
  /** Where the server shows a run; notifications then link each run behind the figure. */
  readonly runUrl?: (runId: string) => string;
  /**
   * mimir.yaml's own secret patterns, redacted from the example notes (they quote tool errors) like
   * the built-in ones; `false` sends them as they are (`--no-redact`).
   */
  readonly redaction?: readonly SecretPattern[] | false;
}

/** The runs behind a figure, as notifications carry them off the machine: notes redacted, links added. */
export function linkRuns(runs: readonly RunRef[], options: LinkOptions): AlertRunLink[] {
  const { runUrl, redaction = [] } = options;
  return runs.map((ref) => ({
    ...ref,
    ...(ref.note !== undefined && redaction !== false && { note: redactSecrets(ref.note, redaction) }),
    ...(runUrl !== undefined && { url: runUrl(ref.runId) }),
  }));
}

function formatValue(value: number | null): string {
  if (value === null) return 'no data';
  return Number.isInteger(value) ? String(value) : value.toFixed(3);
}

/** One line for chat and pagers: what, how much against what, over what. */
export function describeNotification(notification: Omit<AlertNotification, 'summary'>): string {
  const labels = Object.entries(notification.labels)
    .map(([name, value]) => `${name}=${value}`)
    .join(', ');
  const subject = `${notification.rule}${labels === '' ? '' : ` (${labels})`}`;
  if (notification.kind === 'instant') {
    return `${notification.rule} firing: ${formatValue(notification.value)} × ${notification.event ?? '?'} in run ${notification.labels['run'] ?? '?'}`;
  }
  const threshold = notification.threshold === undefined ? '' : 'above' in notification.threshold ? ` (alert above ${notification.threshold.above})` : ` (alert below ${notification.threshold.below})`;
  const sample = `${notification.sampleSize} sample${notification.sampleSize === 1 ? '' : 's'}`;
  const figure = `${notification.figure ?? ''} ${formatValue(notification.value)}${threshold} over ${notification.window ?? '?'}, ${sample}`;
  switch (notification.state) {
    case 'firing':
      return `${subject} firing: ${figure}${notification.value === null ? ' (no data counts as alerting)' : ''}`;
    case 'resolved':
      return `${subject} resolved: ${figure}`;
    case 'no-data':
      return `${subject} no data: ${sample} over ${notification.window ?? '?'}, fewer than the ${notification.minSamples ?? 1} the rule needs`;
  }
}
