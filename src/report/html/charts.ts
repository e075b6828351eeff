import { OUTCOMES, type Outcome, type Verdict, type VerdictThresholds } from '../../model/index.js';
import { formatScore } from '../../scoring/index.js';
import { outcomeShortLabel } from '../present/index.js';
import { html, type Html } from './escape.js';

/**
 * Inline SVG charts. Colours come from CSS classes (band-*, outcome-*), so the charts follow the
 * page's stylesheet, print in colour and need nothing from outside the file.
 */

const clamp = (score: number): number => Math.min(100, Math.max(0, score));
/** SVG coordinates with two decimals: enough for the eye, stable for golden files. */
const n = (value: number): number => Math.round(value * 100) / 100;

/** A ring filled to the score, with ticks at the policy's red and green lines for areas. */
export function scoreGauge(score: number, band: Verdict, thresholds: VerdictThresholds, label: string): Html {
  const radius = 48;
  const circumference = 2 * Math.PI * radius;
  const filled = (clamp(score) / 100) * circumference;
  const tick = (value: number, kind: 'red' | 'green', title: string): Html => {
    const angle = (clamp(value) / 100) * 2 * Math.PI - Math.PI / 2;
    const inner = radius - 9;
    const outer = radius + 9;
    return html`<line class="gauge-tick gauge-tick-${kind}" x1="${n(60 + inner * Math.cos(angle))}" y1="${n(60 + inner * Math.sin(angle))}" x2="${n(60 + outer * Math.cos(angle))}" y2="${n(60 + outer * Math.sin(angle))}"><title>${title}</title></line>`;
  };
  return html`<svg class="gauge" viewBox="0 0 120 120" width="120" height="120" role="img" aria-label="${label}: ${formatScore(score)} of 100">
<circle class="gauge-track" cx="60" cy="60" r="${radius}"/>
<circle class="gauge-value band-${band}" cx="60" cy="60" r="${radius}" stroke-dasharray="${n(filled)} ${n(circumference)}" transform="rotate(-90 60 60)"/>
${tick(thresholds.redAreaBelow, 'red', `red below ${thresholds.redAreaBelow}`)}${tick(thresholds.greenAreaAtLeast, 'green', `green from ${thresholds.greenAreaAtLeast}`)}
<text class="gauge-score" x="60" y="62">${formatScore(score)}</text>
<text class="gauge-of" x="60" y="80">/ 100</text>
</svg>`;
}

/** One stacked bar of how many checks ended in each outcome. */
export function outcomeBar(outcomes: Readonly<Record<Outcome, number>>, label: string): Html {
  const total = OUTCOMES.reduce((sum, o) => sum + outcomes[o], 0);
  if (total === 0) {
    return html`<svg class="outcome-bar" viewBox="0 0 200 12" preserveAspectRatio="none" role="img" aria-label="${label}: no checks"><rect class="outcome-none" x="0" y="0" width="200" height="12"/></svg>`;
  }
  let x = 0;
  const segments = OUTCOMES.filter((o) => outcomes[o] > 0).map((outcome) => {
    const width = (outcomes[outcome] / total) * 200;
    const segment = html`<rect class="outcome-${outcome}" x="${n(x)}" y="0" width="${n(width)}" height="12"><title>${outcomes[outcome]} ${outcomeShortLabel(outcome)}</title></rect>`;
    x += width;
    return segment;
  });
  const summary = OUTCOMES.filter((o) => outcomes[o] > 0)
    .map((o) => `${outcomes[o]} ${outcomeShortLabel(o)}`)
    .join(', ');
  return html`<svg class="outcome-bar" viewBox="0 0 200 12" preserveAspectRatio="none" role="img" aria-label="${label}: ${summary}">${segments}</svg>`;
}

/** The overall score on a 0–100 scale coloured by the policy's red, yellow and green zones. */
export function overallScale(score: number, thresholds: VerdictThresholds): Html {
  const width = 400;
  const x = (value: number): number => n((clamp(value) / 100) * width);
  const red = x(thresholds.redOverallBelow);
  const green = x(thresholds.greenOverallAtLeast);
  const marker = x(score);
  const label = (value: number): Html => html`<text class="scale-label" x="${x(value)}" y="40">${value}</text>`;
  return html`<svg class="scale" viewBox="-12 0 424 44" role="img" aria-label="overall score ${formatScore(score)} on a scale where red is below ${thresholds.redOverallBelow} and green from ${thresholds.greenOverallAtLeast}">
<rect class="zone band-red" x="0" y="12" width="${red}" height="12"/>
<rect class="zone band-yellow" x="${red}" y="12" width="${n(green - red)}" height="12"/>
<rect class="zone band-green" x="${green}" y="12" width="${n(width - green)}" height="12"/>
<path class="scale-marker" d="M${marker} 26 l-6 -16 h12 z"/>
${label(0)}${thresholds.redOverallBelow > 0 ? label(thresholds.redOverallBelow) : null}${thresholds.greenOverallAtLeast < 100 ? label(thresholds.greenOverallAtLeast) : null}${label(100)}
</svg>`;
}
