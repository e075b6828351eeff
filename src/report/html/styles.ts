/**
 * The report's only stylesheet, inlined: system fonts, no web fonts or images, readable on screen
 * and on paper (details are printed open, colours are kept, rows do not split across pages).
 */
export const REPORT_CSS = `
:root {
  --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --paper: #ffffff; --wash: #f6f8fa;
  --red: #cf222e; --red-wash: #ffebe9; --yellow: #9a6700; --yellow-fill: #e3b341; --yellow-wash: #fff8c5;
  --green: #1a7f37; --green-wash: #dafbe1;
  --pass: #2da44e; --partial: #e3b341; --fail: #cf222e; --unanswered: #8250df; --na: #afb8c1; --error: #bf3989;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--wash); color: var(--ink); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1080px; margin: 0 auto; padding: 24px 20px 48px; }
h1, h2, h3 { line-height: 1.25; margin: 0; }
h2 { font-size: 20px; margin: 32px 0 12px; }
h3 { font-size: 15px; }
code, pre, .id { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.87em; }
code { background: var(--wash); border: 1px solid var(--line); border-radius: 4px; padding: 0 4px; }
pre { background: var(--wash); border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; overflow-x: auto; white-space: pre-wrap; }
a { color: #0969da; text-decoration: none; }
a:hover { text-decoration: underline; }
.muted { color: var(--muted); }
.card { background: var(--paper); border: 1px solid var(--line); border-radius: 10px; padding: 16px 20px; }

.notice { background: var(--yellow-wash); border: 1px solid var(--yellow-fill); border-radius: 10px; padding: 10px 16px; margin: 0 0 16px; font-weight: 600; }

.verdict { display: grid; grid-template-columns: auto 1fr; gap: 8px 24px; align-items: center; border-top: 6px solid var(--muted); }
.verdict-red { border-top-color: var(--red); }
.verdict-yellow { border-top-color: var(--yellow-fill); }
.verdict-green { border-top-color: var(--green); }
.badge { display: inline-block; padding: 6px 14px; border-radius: 999px; font-weight: 800; letter-spacing: 0.06em; font-size: 22px; }
.badge-red { background: var(--red-wash); color: var(--red); }
.badge-yellow { background: var(--yellow-wash); color: var(--yellow); }
.badge-green { background: var(--green-wash); color: var(--green); }
.headline { display: flex; align-items: baseline; gap: 6px; margin-top: 8px; }
.headline .score { font-size: 44px; font-weight: 800; }
.headline .of { color: var(--muted); font-size: 18px; }
.system h1 { font-size: 24px; }
.system p { margin: 4px 0 0; }
.scale { width: 100%; max-width: 460px; height: auto; margin-top: 8px; }
.reasons { grid-column: 1 / -1; margin: 4px 0 0; padding: 12px 0 0 0; border-top: 1px solid var(--line); }
.reasons h2 { font-size: 15px; margin: 0 0 4px; }
.reasons ul { margin: 0; padding-left: 20px; }

.areas { display: grid; grid-template-columns: repeat(auto-fit, minmax(230px, 1fr)); gap: 16px; }
.area { display: flex; flex-direction: column; align-items: center; text-align: center; gap: 8px; }
.area .outcome-bar { width: 100%; height: 12px; border-radius: 3px; }
.legend { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; justify-content: center; gap: 2px 10px; font-size: 13px; color: var(--muted); }
.legend li::before { content: ""; display: inline-block; width: 9px; height: 9px; border-radius: 2px; margin-right: 4px; background: currentColor; vertical-align: baseline; }
.legend .outcome-pass::before { background: var(--pass); } .legend .outcome-partial::before { background: var(--partial); }
.legend .outcome-fail::before { background: var(--fail); } .legend .outcome-insufficient-evidence::before { background: var(--unanswered); }
.legend .outcome-not-applicable::before { background: var(--na); } .legend .outcome-error::before { background: var(--error); }

svg .gauge-track { fill: none; stroke: #eaeef2; stroke-width: 12; }
svg .gauge-value { fill: none; stroke-width: 12; }
svg .gauge-value.band-red { stroke: var(--red); } svg .gauge-value.band-yellow { stroke: var(--yellow-fill); } svg .gauge-value.band-green { stroke: var(--green); }
svg .gauge-tick { stroke: var(--ink); stroke-width: 1.5; opacity: 0.45; }
svg .gauge-score { font-size: 24px; font-weight: 800; text-anchor: middle; fill: var(--ink); }
svg .gauge-of { font-size: 11px; text-anchor: middle; fill: var(--muted); }
svg .zone.band-red { fill: var(--red); } svg .zone.band-yellow { fill: var(--yellow-fill); } svg .zone.band-green { fill: var(--green); }
svg .scale-marker { fill: var(--ink); }
svg .scale-line { stroke: var(--ink); stroke-width: 2; }
svg .scale-label { font-size: 11px; text-anchor: middle; fill: var(--muted); }
svg .outcome-pass { fill: var(--pass); } svg .outcome-partial { fill: var(--partial); } svg .outcome-fail { fill: var(--fail); }
svg .outcome-insufficient-evidence { fill: var(--unanswered); } svg .outcome-not-applicable { fill: var(--na); } svg .outcome-error { fill: var(--error); }
svg .outcome-none { fill: #eaeef2; }

.table-wrap { overflow-x: auto; background: var(--paper); border: 1px solid var(--line); border-radius: 10px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 8px 12px; border-bottom: 1px solid var(--line); }
thead th { background: var(--wash); font-size: 13px; color: var(--muted); font-weight: 600; white-space: nowrap; }
tbody tr:last-child td { border-bottom: 0; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.findings .id { display: block; color: var(--muted); font-size: 12px; }

.pill { display: inline-block; white-space: nowrap; border-radius: 999px; padding: 1px 9px; font-size: 12px; font-weight: 700; color: #fff; }
.pill.outcome-pass { background: var(--pass); } .pill.outcome-partial { background: var(--partial); color: var(--ink); }
.pill.outcome-fail { background: var(--fail); } .pill.outcome-insufficient-evidence { background: var(--unanswered); }
.pill.outcome-not-applicable { background: var(--na); color: var(--ink); } .pill.outcome-error { background: var(--error); }
.sev { font-size: 13px; white-space: nowrap; }
.sev-critical { color: var(--red); font-weight: 700; } .sev-high { color: var(--yellow); font-weight: 600; }

details.finding { background: var(--paper); border: 1px solid var(--line); border-radius: 10px; margin: 0 0 10px; }
details.finding > summary { cursor: pointer; padding: 10px 16px; display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 10px; }
details.finding > summary .title { font-weight: 650; }
details.finding[open] > summary { border-bottom: 1px solid var(--line); }
.finding-body { padding: 4px 16px 12px; }
.finding-body .message { font-size: 16px; margin: 10px 0; }
dl.facts { display: grid; grid-template-columns: 170px 1fr; gap: 6px 16px; margin: 0; }
dl.facts dt { color: var(--muted); font-weight: 600; }
dl.facts dd { margin: 0; min-width: 0; }
dl.facts dd > p:first-child { margin-top: 0; }
dl.facts ul, dl.facts ol { margin: 0; padding-left: 18px; }
.measured th, .measured td { padding: 4px 10px 4px 0; border: 0; }
.measured thead th { background: none; padding-left: 0; }
.trail .answered { color: var(--green); font-weight: 600; }
.trail .unanswered { color: var(--yellow); }
.trail .not-consulted, .trail .cannot-answer { color: var(--muted); }

.lists { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 16px; }
.lists ul { margin: 8px 0 0; padding-left: 20px; }
footer { margin-top: 32px; }
footer .card dl.facts { grid-template-columns: 110px 1fr; font-size: 14px; }
footer .card + .card { margin-top: 12px; }
footer h3, .lists h3 { margin-bottom: 8px; }

@media (max-width: 640px) {
  .verdict { grid-template-columns: 1fr; }
  dl.facts { grid-template-columns: 1fr; }
  dl.facts dt { margin-top: 6px; }
}
@media print {
  @page { margin: 14mm; }
  body { background: #fff; font-size: 11pt; }
  main { max-width: none; padding: 0; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .card, details.finding, tr, .area { break-inside: avoid; }
  h2 { break-after: avoid; }
  a { color: inherit; }
  details.finding > summary { list-style: none; }
  details.finding > summary::-webkit-details-marker { display: none; }
  /* Closed details would print as their summary only; on paper every finding is shown. */
  details.finding::details-content { content-visibility: visible; display: contents; }
  details.finding:not([open]) > .finding-body { display: block; }
}
`;
