import type { Rate } from '../../analysis/types.js';
import type { MeasuredValue } from '../../model/index.js';
import { formatNumber, formatUncertainty } from './values.js';

/**
 * Rates and percentages as every report shows them (trace figures, probe results). The checks'
 * own message data uses analysis/rate.ts, which sits below the reports and rounds with
 * Math.round; these round with toFixed, and golden reports depend on each staying as it is.
 */

/** A fraction as a percentage with at most one decimal: 0.912 → "91.2%", 1 → "100%". */
export function formatPercent(fraction: number): string {
  return `${formatNumber(roundPercent(fraction))}%`;
}

function roundPercent(fraction: number): number {
  return Number((fraction * 100).toFixed(1));
}

/** A Rate as the audit reports show measured rates: its value, 95% interval and sample size. */
export function rateMeasured(name: string, rate: Rate): MeasuredValue {
  return {
    name,
    value: rate.rate === null ? 'not measured' : roundPercent(rate.rate),
    unit: rate.rate === null ? '' : '%',
    ...(rate.interval !== null && { interval: [roundPercent(rate.interval[0]), roundPercent(rate.interval[1])] as const }),
    sampleSize: rate.trials,
  };
}

/**
 * "91.2% did not fail (95% CI 89.8–92.4%, n = 1620)" — the words in `what` go between the value
 * and its uncertainty; undefined when the rate had no trials.
 */
export function formatRate(rate: Rate, what = ''): string | undefined {
  if (rate.rate === null) return undefined;
  return `${formatPercent(rate.rate)}${what === '' ? '' : ` ${what}`} (${formatUncertainty(rateMeasured('', rate))})`;
}

/** "89.8–92.4%"; "–" when there is no interval. */
export function formatInterval(interval: readonly [number, number] | null): string {
  if (interval === null) return '–';
  return `${formatNumber(roundPercent(interval[0]))}–${formatPercent(interval[1])}`;
}

/** The complement of a success rate: Wilson intervals are symmetric, so [1 − high, 1 − low] is exact. */
export function failureRate(rate: Rate): Rate {
  return {
    successes: rate.trials - rate.successes,
    trials: rate.trials,
    rate: rate.rate === null ? null : 1 - rate.rate,
    interval: rate.interval === null ? null : [1 - rate.interval[1], 1 - rate.interval[0]],
  };
}
