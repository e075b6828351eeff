import type { MeasuredValue, Reference } from '../../model/index.js';

/**
 * Numbers as a reader wants them: integers as they are, fractions to at most three decimals.
 * Reports are compared as text (golden files, diffs), so formatting must be deterministic.
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toFixed(3)));
}

/** Keeps "n = 8" and "95% CI" on one line when text is wrapped. */
const NBSP = '\u00a0';

/** Units that are symbols hug their number ("37.5%"); words get a space ("120 s"). */
function withUnit(text: string, unit: string | undefined): string {
  if (unit === undefined || unit === '') return text;
  return unit === '%' ? `${text}%` : `${text} ${unit}`;
}

export function formatMeasuredValue(measured: MeasuredValue): string {
  const { value } = measured;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string') return withUnit(value, measured.unit);
  return withUnit(formatNumber(value), measured.unit);
}

/** The uncertainty beside a figure: "95% CI 13.7–69.4%, n = 8"; empty when there is none. */
export function formatUncertainty(measured: MeasuredValue): string {
  const parts: string[] = [];
  if (measured.interval) {
    const [low, high] = measured.interval;
    parts.push(`95%${NBSP}CI ${formatNumber(low)}–${withUnit(formatNumber(high), measured.unit)}`);
  }
  if (measured.sampleSize !== undefined) parts.push(`n${NBSP}=${NBSP}${measured.sampleSize}`);
  return parts.join(', ');
}

/** "unapproved high-risk calls: 37.5% (95% CI 13.7–69.4%, n = 8)" */
export function formatMeasured(measured: MeasuredValue): string {
  const uncertainty = formatUncertainty(measured);
  const text = `${measured.name}: ${formatMeasuredValue(measured)}`;
  return uncertainty === '' ? text : `${text} (${uncertainty})`;
}

/** Where a reference sits in a file, "answers.yaml:42", or undefined when it has no place. */
export function formatReferencePlace(reference: Reference): string | undefined {
  if (reference.file === undefined) return undefined;
  return reference.line === undefined ? reference.file : `${reference.file}:${reference.line}`;
}

/** "run run-0142", "answer state-is-checkpointed (answer by dana) at answers.yaml:42" */
export function formatReference(reference: Reference): string {
  const label = reference.label === undefined || reference.label === reference.id ? '' : ` (${reference.label})`;
  const place = formatReferencePlace(reference);
  const at = place === undefined || place === reference.id ? '' : ` at ${place}`;
  return `${reference.kind} ${reference.id}${label}${at}`;
}

/** Digests are 64 hex characters; 12 identify one among a team's audits and fit on a line. */
export function shortDigest(digest: string): string {
  return digest.slice(0, 12);
}

/** Credit as a reader compares it with 1.0: "0.50". */
export function formatCredit(credit: number): string {
  return credit.toFixed(2);
}

/** Score points with one decimal, signed when it is a change: "+4.2", "−3.0", "±0.0". */
export function formatSignedPoints(delta: number): string {
  const rounded = Number(delta.toFixed(1));
  if (rounded === 0) return '±0.0';
  return rounded > 0 ? `+${rounded.toFixed(1)}` : `−${Math.abs(rounded).toFixed(1)}`;
}

/** Keeps long lists (hundreds of run ids) readable; the JSON report always has them all. */
export function limitList<T>(items: readonly T[], max: number): { readonly shown: readonly T[]; readonly more: number } {
  return items.length <= max ? { shown: items, more: 0 } : { shown: items.slice(0, max), more: items.length - max };
}
