import type { CompoundingAnalysis, ContextAnalysis, PassKAnalysis } from '../../analysis/types.js';
import { html, type Html } from '../html/escape.js';
import { formatPercent, formatRate, plural } from '../present/index.js';
import type { Bar } from './figure-items.js';
import { sampleEvenly } from './histograms.js';

/**
 * Inline SVG charts of the trace figures, in the style of ../html/charts.ts: colours come from CSS
 * classes (./styles.ts), coordinates are rounded so golden files are stable, every mark has a
 * <title> and every chart an aria-label that says what it shows in words.
 */

/** SVG coordinates with two decimals: enough for the eye, stable for golden files. */
const n = (value: number): number => Math.round(value * 100) / 100;
const unit = (value: number): number => Math.min(1, Math.max(0, value));

/** Plot area inside a viewBox, with room left for axis labels. */
interface Frame {
  readonly width: number;
  readonly height: number;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

const plotWidth = (f: Frame): number => f.width - f.left - f.right;
const plotHeight = (f: Frame): number => f.height - f.top - f.bottom;
/** y of a fraction 0..1 in the plot. */
const yOf = (f: Frame, fraction: number): number => n(f.top + (1 - unit(fraction)) * plotHeight(f));

/** Horizontal grid lines and labels at 0, 25, 50, 75 and 100%. */
function percentAxis(f: Frame): Html {
  return html`${[0, 0.25, 0.5, 0.75, 1].map(
    (v) => html`<line class="chart-grid" x1="${f.left}" y1="${yOf(f, v)}" x2="${f.width - f.right}" y2="${yOf(f, v)}"/><text class="chart-tick chart-tick-y" x="${f.left - 6}" y="${n(yOf(f, v) + 4)}">${formatPercent(v)}</text>`,
  )}`;
}

/**
 * A small bar for a table row: a 95% interval as a band with the value marked (when `low` is
 * given), or a bar filled to the value with a lighter extension to `high` (a p90).
 */
export function tableBar(bar: Bar, label: string): Html {
  const w = 120;
  const x = (fraction: number): number => n(unit(fraction) * w);
  const marks =
    bar.low !== undefined
      ? html`<rect class="bar-range" x="${x(bar.low)}" y="3" width="${n(Math.max(1, x(bar.high ?? bar.value) - x(bar.low)))}" height="8" rx="2"/><rect class="bar-value" x="${n(Math.min(w - 2, x(bar.value) - 1))}" y="1" width="2" height="12"/>`
      : html`${bar.high === undefined ? null : html`<rect class="bar-upper" x="0" y="3" width="${x(bar.high)}" height="8" rx="2"/>`}<rect class="bar-fill" x="0" y="3" width="${x(bar.value)}" height="8" rx="2"/>`;
  // Stretched to its cell (preserveAspectRatio none): tables in narrow cards still fit.
  return html`<svg class="table-bar" viewBox="0 0 ${w} 14" preserveAspectRatio="none" role="img" aria-label="${label}"><title>${label}</title><rect class="bar-track" x="0" y="6" width="${w}" height="2"/>${marks}</svg>`;
}

/** pass^k as bars by k: how fast "works every time" falls away from "works once". */
export function passKChart(passK: PassKAnalysis): Html | null {
  if (passK.passK.length === 0) return null;
  const points = sampleEvenly(passK.passK, 24);
  const f: Frame = { width: 480, height: 210, left: 44, right: 8, top: 16, bottom: 38 };
  const slot = plotWidth(f) / points.length;
  const barWidth = n(Math.min(36, slot * 0.7));
  const bars = points.map((p, i) => {
    const cx = f.left + slot * (i + 0.5);
    const y = yOf(f, p.value);
    return html`<g><title>pass^${p.k} = ${formatPercent(p.value)}</title><rect class="chart-bar" x="${n(cx - barWidth / 2)}" y="${y}" width="${barWidth}" height="${n(f.top + plotHeight(f) - y)}"/>${
      points.length <= 12 ? html`<text class="chart-value" x="${n(cx)}" y="${n(y - 4)}">${formatPercent(p.value)}</text>` : null
    }<text class="chart-tick" x="${n(cx)}" y="${f.top + plotHeight(f) + 16}">${p.k}</text></g>`;
  });
  const summary = points.map((p) => `pass^${p.k} ${formatPercent(p.value)}`).join(', ');
  return html`<svg class="chart" viewBox="0 0 ${f.width} ${f.height}" role="img" aria-label="pass^k by k: ${summary}">
${percentAxis(f)}${bars}<text class="chart-axis-label" x="${n(f.left + plotWidth(f) / 2)}" y="${f.height - 4}">k (trials that must all succeed)</text>
</svg>`;
}

/** Round numbers for an axis from 0 (or 1) to `max`, at most about `count` of them. */
function niceTicks(min: number, max: number, count: number): readonly number[] {
  const span = Math.max(1, max - min);
  const step = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000].find((s) => span / s <= count) ?? Math.ceil(span / count);
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max; t += step) ticks.push(t);
  return ticks;
}

/**
 * The compounding curve: projected p^n for the system's step counts beside the success actually
 * observed at each count (with its 95% interval), and the 50% line. Where the dots sit below the
 * line, errors compound worse than independent steps would; above it, the agent recovers.
 */
export function compoundingChart(compounding: CompoundingAnalysis): Html | null {
  const curve = [...compounding.curve].sort((a, b) => a.steps - b.steps);
  const first = curve[0];
  const last = curve.at(-1);
  if (first === undefined || last === undefined) return null;
  const f: Frame = { width: 640, height: 280, left: 44, right: 16, top: 14, bottom: 40 };
  const minSteps = Math.max(0, first.steps - 1);
  const maxSteps = last.steps + 1;
  const xOf = (steps: number): number => n(f.left + ((steps - minSteps) / (maxSteps - minSteps)) * plotWidth(f));

  const projected = curve.map((p, i) => `${i === 0 ? 'M' : 'L'}${xOf(p.steps)} ${yOf(f, p.projected)}`).join(' ');
  const observed = curve.flatMap((p) => {
    const rate = p.observed;
    if (rate === null || rate.rate === null) return [];
    const x = xOf(p.steps);
    const label = `${plural(p.steps, 'step')}: observed ${formatRate(rate) ?? ''}; projected ${formatPercent(p.projected)}`;
    return [
      html`<g class="chart-observed"><title>${label}</title>${
        rate.interval === null ? null : html`<line class="chart-whisker" x1="${x}" y1="${yOf(f, rate.interval[0])}" x2="${x}" y2="${yOf(f, rate.interval[1])}"/>`
      }<circle cx="${x}" cy="${yOf(f, rate.rate)}" r="4"/></g>`,
    ];
  });
  const below = compounding.stepsBelowHalf;
  const belowMark =
    below === null || below < minSteps || below > maxSteps
      ? null
      : html`<line class="chart-marker" x1="${xOf(below)}" y1="${f.top}" x2="${xOf(below)}" y2="${f.top + plotHeight(f)}"><title>p^n falls below 50% from ${plural(below, 'step')}</title></line><text class="chart-marker-label" x="${n(xOf(below) + 4)}" y="${f.top + 10}">below 50% from ${plural(below, 'step')}</text>`;
  const ticks = niceTicks(Math.max(1, minSteps), maxSteps, 8).map(
    (t) => html`<text class="chart-tick" x="${xOf(t)}" y="${f.top + plotHeight(f) + 16}">${t}</text>`,
  );
  const summary = `projected p^n falls from ${formatPercent(first.projected)} at ${plural(first.steps, 'step')} to ${formatPercent(last.projected)} at ${plural(last.steps, 'step')}; observed success shown as dots with 95% intervals`;
  return html`<svg class="chart chart-wide" viewBox="0 0 ${f.width} ${f.height}" role="img" aria-label="Compounding: ${summary}">
${percentAxis(f)}<line class="chart-half" x1="${f.left}" y1="${yOf(f, 0.5)}" x2="${f.width - f.right}" y2="${yOf(f, 0.5)}"/>
${belowMark}<path class="chart-projected" d="${projected}"><title>projected p^n</title></path>${observed}${ticks}
<text class="chart-axis-label" x="${n(f.left + plotWidth(f) / 2)}" y="${f.height - 4}">steps in the run</text>
</svg>`;
}

/**
 * Context bleed by llm call: how much of each call's input is the agent's own earlier output and
 * tool results, mean as a solid bar and p90 as a lighter one behind it. Past the 50% line the
 * agent mostly reads itself.
 */
export function bleedChart(context: ContextAnalysis): Html | null {
  const steps = sampleEvenly(
    [...context.selfShareByStep].sort((a, b) => a.index - b.index),
    40,
  );
  if (steps.length === 0) return null;
  const f: Frame = { width: 640, height: 240, left: 44, right: 8, top: 14, bottom: 40 };
  const slot = plotWidth(f) / steps.length;
  const barWidth = n(Math.max(2, Math.min(28, slot * 0.7)));
  const labelEvery = Math.max(1, Math.ceil(steps.length / 16));
  const bars = steps.map((s, i) => {
    const cx = f.left + slot * (i + 0.5);
    const x = n(cx - barWidth / 2);
    const base = f.top + plotHeight(f);
    const label = `llm call ${s.index + 1}: mean ${formatPercent(s.mean)}, p90 ${formatPercent(s.p90)} (${plural(s.calls, 'call')})`;
    return html`<g><title>${label}</title><rect class="chart-bar-p90" x="${x}" y="${yOf(f, s.p90)}" width="${barWidth}" height="${n(base - yOf(f, s.p90))}"/><rect class="chart-bar" x="${x}" y="${yOf(f, s.mean)}" width="${barWidth}" height="${n(base - yOf(f, s.mean))}"/>${
      i % labelEvery === 0 ? html`<text class="chart-tick" x="${n(cx)}" y="${base + 16}">${s.index + 1}</text>` : null
    }</g>`;
  });
  const lastStep = steps.at(-1);
  const summary = lastStep === undefined ? '' : `mean self-share at llm call ${(steps[0]?.index ?? 0) + 1} is ${formatPercent(steps[0]?.mean ?? 0)}, at call ${lastStep.index + 1} ${formatPercent(lastStep.mean)}`;
  return html`<svg class="chart chart-wide" viewBox="0 0 ${f.width} ${f.height}" role="img" aria-label="Context bleed by llm call: ${summary}">
${percentAxis(f)}<line class="chart-half" x1="${f.left}" y1="${yOf(f, 0.5)}" x2="${f.width - f.right}" y2="${yOf(f, 0.5)}"/>${bars}
<text class="chart-axis-label" x="${n(f.left + plotWidth(f) / 2)}" y="${f.height - 4}">llm call in the run</text>
</svg>`;
}
