import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { measuredRate, wilsonRate } from './rate.js';

describe('wilsonRate', () => {
  // Newcombe (1998), "Two-sided confidence intervals for the single proportion", table I, method 3.
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
    [29, 29, 0.883, 1],
  ])('%i of %i → [%f, %f] (published values)', (successes, trials, low, high) => {
    const rate = wilsonRate(successes, trials);
    expect(rate.rate).toBe(successes / trials);
    expect(rate.interval![0]).toBeCloseTo(low, 4);
    expect(rate.interval![1]).toBeCloseTo(high, 4);
  });

  it('is symmetric: s of n mirrors n−s of n', () => {
    const a = wilsonRate(5, 10).interval!;
    expect(a[0]).toBeCloseTo(1 - a[1], 12);
    expect(a[0]).toBeCloseTo(0.2366, 4);
  });

  it('has no rate and no interval without trials', () => {
    expect(wilsonRate(0, 0)).toEqual({ successes: 0, trials: 0, rate: null, interval: null });
  });

  it('rejects impossible counts', () => {
    expect(() => wilsonRate(3, 2)).toThrow(/successes ≤ trials/);
    expect(() => wilsonRate(-1, 2)).toThrow();
    expect(() => wilsonRate(1.5, 2)).toThrow();
  });

  it('always holds the observed rate, inside [0, 1], pinned at the ends', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }).chain((trials) => fc.tuple(fc.integer({ min: 0, max: trials }), fc.constant(trials))),
        ([successes, trials]) => {
          const { rate, interval } = wilsonRate(successes, trials);
          if (rate === null || interval === null) return false;
          const [low, high] = interval;
          return (
            low >= 0 &&
            high <= 1 &&
            low <= rate &&
            rate <= high &&
            (successes === 0 ? low === 0 : low > 0) &&
            (successes === trials ? high === 1 : high < 1)
          );
        },
      ),
    );
  });

  it('narrows as the sample grows at the same rate', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 2, max: 20 }), (trials, rawSuccesses, factor) => {
        const successes = Math.min(rawSuccesses, trials);
        const small = wilsonRate(successes, trials).interval!;
        const large = wilsonRate(successes * factor, trials * factor).interval!;
        return large[1] - large[0] < small[1] - small[0];
      }),
    );
  });
});

describe('measuredRate', () => {
  it('shows a rate as a percentage with its interval and sample size', () => {
    expect(measuredRate('silent failures', wilsonRate(3, 8))).toEqual({
      name: 'silent failures',
      value: 37.5,
      unit: '%',
      interval: [13.7, 69.4],
      sampleSize: 8,
    });
  });

  it('has nothing to show without trials', () => {
    expect(measuredRate('x', wilsonRate(0, 0))).toBeUndefined();
  });
});
