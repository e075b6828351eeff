/**
 * What the probe section adds to the report's stylesheet (../html/styles.ts, whose variables, pills
 * and tables it uses): the summary card, the scenario table with its pass-rate bars, and a
 * collapsible block per scenario listing its trials. Appended to REPORT_CSS only on pages that show
 * probe results, so reports without probes are unchanged.
 */
export const PROBE_CSS = `
.probe-summary { border-top: 6px solid var(--muted); }
.probe-summary-fail, .probe-summary-error { border-top-color: var(--red); }
.probe-summary-pass { border-top-color: var(--green); }
.probe-summary-inconclusive { border-top-color: var(--unanswered); }
.probe-summary .probe-verdict { font-size: 18px; font-weight: 700; margin: 0; }
.probe-summary .probe-headline { font-size: 16px; margin: 8px 0 12px; max-width: 80ch; }
.probe-summary dl.facts { grid-template-columns: 130px 1fr; font-size: 14px; }
.probe-summary ul.inline { list-style: none; padding: 0; margin: 0; display: flex; flex-wrap: wrap; gap: 4px 6px; }
.tone-fail { color: var(--red); } .tone-pass { color: var(--green); } .tone-inconclusive { color: var(--unanswered); }
.tone-error { color: var(--error); } .tone-not-run { color: var(--muted); }
.probe-table { margin: 16px 0 0; }
.probe-scenarios th, .probe-scenarios td { padding: 8px 9px; }
.probe-scenarios td { font-size: 14px; vertical-align: middle; }
.probe-scenarios td.scenario a { font-weight: 650; color: var(--ink); }
.probe-scenarios td.scenario { min-width: 200px; }
.probe-scenarios td.scenario .family { display: block; color: var(--muted); font-size: 13px; overflow-wrap: anywhere; }
.probe-scenarios td.pill-cell { white-space: nowrap; }
.probe-scenarios td.rate, .probe-scenarios td.passk { white-space: nowrap; }
.probe-scenarios td.rate .rate-text { display: inline-block; min-width: 8em; font-variant-numeric: tabular-nums; }
.probe-scenarios td.zero { color: var(--muted); }
.probe-scenarios td.bad { color: var(--red); font-weight: 700; }
.probe-scenarios td.tone-inconclusive, .probe-scenarios td.tone-error { font-weight: 700; }
.not-measured { color: var(--unanswered); }
svg.probe-bar { display: inline-block; vertical-align: middle; width: 72px; height: 16px; margin-right: 8px; }
svg .probe-bar-track { fill: #eaeef2; }
svg .probe-bar-fill { fill: var(--na); }
svg .probe-bar-pass { fill: var(--pass); } svg .probe-bar-fail { fill: var(--fail); }
svg .probe-whisker line { stroke: var(--ink); stroke-width: 1.5; vector-effect: non-scaling-stroke; }
.probe-key { font-size: 13px; margin: 6px 0 0; }
.probe-details { margin-top: 16px; }
details.probe-scenario { background: var(--paper); border: 1px solid var(--line); border-radius: 10px; margin: 0 0 10px; }
details.probe-scenario > summary { cursor: pointer; padding: 10px 16px; }
details.probe-scenario > summary .summary-line > * { margin-right: 4px; }
details.probe-scenario > summary .title { font-weight: 650; }
details.probe-scenario > summary .story { display: block; margin: 4px 0 0 22px; }
details.probe-scenario[open] > summary { border-bottom: 1px solid var(--line); }
details.probe-scenario:target { box-shadow: 0 0 0 3px var(--yellow-fill); }
.probe-body { padding: 10px 16px 14px; }
.probe-body dl.facts { grid-template-columns: 130px 1fr; font-size: 14px; }
.probe-body h4 { font-size: 14px; margin: 14px 0 6px; }
ol.probe-trials { list-style: none; margin: 0; padding: 0; display: grid; gap: 8px; }
li.probe-trial { border: 1px solid var(--line); border-left: 4px solid var(--na); border-radius: 8px; padding: 8px 12px; }
li.probe-trial-fail { border-left-color: var(--fail); } li.probe-trial-pass { border-left-color: var(--pass); }
li.probe-trial-inconclusive { border-left-color: var(--unanswered); } li.probe-trial-error { border-left-color: var(--error); }
.probe-trial-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 2px 12px; font-size: 14px; }
.probe-trial-head .trial-verdict { font-weight: 700; }
.probe-trial-head code { overflow-wrap: anywhere; }
.probe-trial-head .claim-contradicted { color: var(--red); font-weight: 700; }
.probe-trial-body { display: grid; grid-template-columns: 1fr 1fr; gap: 4px 24px; margin-top: 6px; font-size: 14px; }
.probe-trial-body h5 { margin: 0 0 2px; font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: 0.04em; }
.probe-trial-body ul { margin: 0; padding-left: 18px; }
.probe-trial-body li { overflow-wrap: anywhere; }
ul.observations { list-style: none; padding-left: 0 !important; }
ul.observations li { padding-left: 1.3em; text-indent: -1.3em; }
ul.observations .mark { display: inline-block; width: 1.3em; text-indent: 0; font-weight: 700; }
ul.observations .obs-ok .mark { color: var(--green); } ul.observations .obs-failed .mark { color: var(--red); }
ul.observations .obs-failed code { border-color: var(--fail); }
.probe-reason { margin: 6px 0 0; font-size: 14px; }
@media (max-width: 640px) {
  .probe-summary dl.facts, .probe-body dl.facts, .probe-trial-body { grid-template-columns: 1fr; }
  details.probe-scenario > summary .story { margin-left: 0; }
}
@media print {
  details.probe-scenario, li.probe-trial { break-inside: avoid; }
  details.probe-scenario > summary { list-style: none; }
  details.probe-scenario > summary::-webkit-details-marker { display: none; }
  /* Closed details would print as their summary only; on paper every scenario is shown. */
  details.probe-scenario::details-content { content-visibility: visible; display: contents; }
  details.probe-scenario:not([open]) > .probe-body { display: block; }
}
`;
