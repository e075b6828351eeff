import type { Rate } from '../../analysis/types.js';
import { html, type Html } from '../html/escape.js';
import { formatPassRate, type ScenarioStatus } from './figures.js';

/** SVG coordinates with two decimals: enough for the eye, stable for golden files. */
const n = (value: number): number => Math.round(value * 100) / 100;
const unit = (value: number): number => Math.min(1, Math.max(0, value));

/**
 * A scenario's pass rate as a small bar in its table row, in the style of the trace charts: filled
 * to the rate, coloured by the scenario's status, with the Wilson 95% interval as a whisker across
 * it — so "3 of 5" reads as the wide uncertainty it is. Null when no trial was conclusive: nothing
 * is drawn rather than an empty bar that would read as 0%.
 */
export function passRateBar(rate: Rate, status: ScenarioStatus): Html | null {
  if (rate.rate === null) return null;
  const w = 120;
  const x = (fraction: number): number => n(unit(fraction) * w);
  const label = `pass rate ${formatPassRate(rate) ?? ''}`;
  const whisker =
    rate.interval === null
      ? null
      : html`<g class="probe-whisker"><line x1="${x(rate.interval[0])}" y1="8" x2="${x(rate.interval[1])}" y2="8"/><line x1="${x(rate.interval[0])}" y1="3" x2="${x(rate.interval[0])}" y2="13"/><line x1="${x(rate.interval[1])}" y1="3" x2="${x(rate.interval[1])}" y2="13"/></g>`;
  // Stretched to its cell (preserveAspectRatio none) like the trace table bars; the whisker ends are drawn inside the box.
  return html`<svg class="probe-bar" viewBox="-1 0 ${w + 2} 16" preserveAspectRatio="none" role="img" aria-label="${label}"><title>${label}</title><rect class="probe-bar-track" x="0" y="4" width="${w}" height="8" rx="2"/><rect class="probe-bar-fill probe-bar-${status}" x="0" y="4" width="${x(rate.rate)}" height="8" rx="2"/>${whisker}</svg>`;
}
