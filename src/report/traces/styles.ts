/**
 * What the trace figures add to the report's stylesheet (../html/styles.ts, whose variables they
 * use): the section's grid of cards, the "not measured" wording, and the charts. Appended to
 * REPORT_CSS only on pages that show trace figures, so reports without traces are unchanged.
 */
export const TRACE_CSS = `
.trace-summary dl.facts { grid-template-columns: 130px 1fr; }
.trace-summary ul { margin: 0; padding-left: 18px; }
.trace-problems { margin: 16px 0 0; }
.trace-problems figcaption { font-size: 13px; font-weight: 600; margin-bottom: 6px; }
.problems td { font-size: 14px; }
.problems td:nth-child(-n+3) { white-space: nowrap; }
.trace-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); grid-auto-flow: dense; gap: 16px; margin-top: 16px; }
.trace-card { min-width: 0; }
.trace-card.trace-wide { grid-column: 1 / -1; }
.trace-card h3 { margin-bottom: 2px; }
.trace-card .basis { margin: 0 0 10px; font-size: 13px; }
.trace-card dl.facts { grid-template-columns: 150px 1fr; font-size: 14px; }
.trace-card figure { margin: 14px 0 0; }
.trace-card dl.facts + dl.facts, .trace-card figure + dl.facts, .trace-card svg + dl.facts { margin-top: 12px; }
.trace-card figcaption { font-size: 13px; font-weight: 600; color: var(--muted); margin-bottom: 6px; }
.trace-card dl.facts dt.wide, .trace-card dl.facts dd.wide { grid-column: 1 / -1; }
.trace-card dl.facts dd.wide { margin: -4px 0 0 12px; }
/* Tables as wide as their content, not the card: four short numbers should not spread over 900px. */
.trace-card .table-wrap { display: inline-block; max-width: 100%; vertical-align: top; border-radius: 8px; }
.trace-card table { width: auto; }
.trace-card th, .trace-card td { padding: 5px 10px; font-size: 14px; }
.trace-card td.bar { padding-top: 9px; }
svg.table-bar { display: block; width: 100%; min-width: 64px; max-width: 160px; height: 14px; }
.trace-card td.bar { width: 160px; }
.trace-card .more { font-size: 13px; margin: 6px 0 0; }
.not-measured { color: var(--unanswered); }
dd.tone-bad { color: var(--red); font-weight: 600; }
dd.tone-good { color: var(--green); }
dd.tone-missing { color: var(--unanswered); }
ul.refs { list-style: none; padding-left: 0 !important; }
ul.refs li { overflow-wrap: anywhere; }
ul.refs li:target { background: var(--yellow-wash); border-radius: 4px; }
.chart { width: 100%; max-width: 480px; height: auto; display: block; margin-top: 12px; }
.chart.chart-wide { max-width: 720px; }
.chart-legend { justify-content: flex-start; margin-top: 4px; }
.chart-legend .series-projected::before { background: #0969da; }
.chart-legend .series-observed::before { background: var(--ink); border-radius: 50%; }
.chart-legend .series-half::before { background: var(--red); height: 2px; vertical-align: middle; }
.chart-legend .series-mean::before { background: #0969da; }
.chart-legend .series-p90::before { background: #b6d7ff; }
.chart-legend .series-marker::before { background: var(--muted); width: 2px; }
svg .chart-grid { stroke: #eaeef2; stroke-width: 1; }
svg .chart-tick { font-size: 11px; fill: var(--muted); text-anchor: middle; }
svg .chart-tick-y { text-anchor: end; }
svg .chart-value { font-size: 11px; fill: var(--ink); text-anchor: middle; font-weight: 600; }
svg .chart-axis-label { font-size: 12px; fill: var(--muted); text-anchor: middle; }
svg .chart-bar { fill: #0969da; }
svg .chart-bar-p90 { fill: #b6d7ff; }
svg .chart-half { stroke: var(--red); stroke-width: 1.5; stroke-dasharray: 5 4; }
svg .chart-projected { fill: none; stroke: #0969da; stroke-width: 2.5; stroke-linejoin: round; }
svg .chart-observed circle { fill: var(--ink); }
svg .chart-whisker { stroke: var(--ink); stroke-width: 1.5; opacity: 0.55; }
svg .chart-marker { stroke: var(--muted); stroke-width: 1.5; stroke-dasharray: 2 3; }
svg .chart-marker-label { font-size: 11px; fill: var(--muted); }
svg .bar-track { fill: #eaeef2; }
svg .bar-range { fill: #ffcecb; }
svg .bar-value { fill: var(--red); }
svg .bar-fill { fill: #0969da; }
svg .bar-upper { fill: #b6d7ff; }
@media (max-width: 640px) {
  .trace-grid { grid-template-columns: 1fr; }
  .trace-card dl.facts, .trace-summary dl.facts { grid-template-columns: 1fr; }
}
@media print {
  .trace-grid { grid-template-columns: 1fr; }
  .trace-card, figure { break-inside: avoid; }
}
`;
