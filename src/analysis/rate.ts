import type { MeasuredValue } from '../model/index.js';
import type { Rate } from './basics.js';
import { toPercent } from '../shared/percent.js';

/** The normal quantile for a two-sided 95% interval. */
const Z_95 = 1.959963984540054;

/**
 * A proportion with its Wilson score 95% interval (Wilson 1927; Newcombe 1998, method 3).
 * Wilson rather than the textbook normal interval because agent corpora are small and rates sit near
 * 0 or 1, where the normal interval leaves [0, 1] or collapses to a point: 0 of 20 is [0, 0.161], not [0, 0].
 */
export function wilsonRate(successes: number, trials: number): Rate {
  if (!Number.isInteger(successes) || !Number.isInteger(trials) || successes < 0 || trials < 0 || successes > trials) {
    throw new Error(`wilsonRate: need integers 0 ≤ successes ≤ trials, got ${successes} of ${trials}`);
  }
  if (trials === 0) return { successes, trials, rate: null, interval: null };
  const rate = successes / trials;
  const z2 = Z_95 * Z_95;
  const denominator = 1 + z2 / trials;
  const centre = (rate + z2 / (2 * trials)) / denominator;
  const halfWidth = (Z_95 * Math.sqrt((rate * (1 - rate)) / trials + z2 / (4 * trials * trials))) / denominator;
  // The ends are exact at 0 and 1 in theory; pin them so rounding cannot leave a hair's gap, and so the
  // interval always holds the observed rate whatever the floating point does.
  const low = successes === 0 ? 0 : Math.min(rate, Math.max(0, centre - halfWidth));
  const high = successes === trials ? 1 : Math.max(rate, Math.min(1, centre + halfWidth));
  return { successes, trials, rate, interval: [low, high] };
}

/** A rate as a finding shows it: a percentage with its interval and sample size; undefined when there were no trials. */
export function measuredRate(name: string, rate: Rate): MeasuredValue | undefined {
  if (rate.rate === null || rate.interval === null) return undefined;
  return {
    name,
    value: toPercent(rate.rate),
    unit: '%',
    interval: [toPercent(rate.interval[0]), toPercent(rate.interval[1])],
    sampleSize: rate.trials,
  };
}

