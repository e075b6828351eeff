import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPercent, toPercent } from './percent.js';

describe('toPercent / formatPercent', () => {
  it('rounds to a tenth of a percent', () => {
    expect(toPercent(1 / 3)).toBe(33.3);
    expect(toPercent(1)).toBe(100);
    expect(formatPercent(0.125)).toBe('12.5%');
    expect(formatPercent(0.912)).toBe('91.2%');
    expect(formatPercent(1)).toBe('100%');
  });

  it('is never more than 0.05 points from the exact percentage, and shows at most one decimal', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (fraction) => {
        const shown = toPercent(fraction);
        expect(Math.abs(shown - fraction * 100)).toBeLessThanOrEqual(0.05 + 1e-9);
        expect(formatPercent(fraction)).toMatch(/^\d{1,3}(\.\d)?%$/);
      }),
    );
  });
});
