import type { Rate } from '../../analysis/types.js';
import type { MeasuredValue } from '../../model/index.js';
import { toPercent, formatPercent } from '../../shared/percent.js';
import { formatNumber, formatUncertainty } from './values.js';

/** Rates as every report shows them (trace figures, probe results); percentages round as in shared/percent.ts. */
export { formatPercent };

/** A Rate as the audit reports show measured rates: its value, 95% interval and sample size. */
export function rateMeasured(name: string, rate: Rate): MeasuredValue {
  return {
    name,
    value: rate.rate === null ? 'not measured' : toPercent(rate.rate),
    unit: rate.rate === null ? '' : '%',
    ...(rate.interval !== null && { interval: [toPercent(rate.interval[0]), toPercent(rate.interval[1])] as const }),
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
  return `${formatNumber(toPercent(interval[0]))}–${formatPercent(interval[1])}`;
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
