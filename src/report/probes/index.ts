import type { ProbeEvidence } from '../../evidence/types.js';
import type { DisplayOptions, ReportFamily, ReporterMap } from '../types.js';
import { renderProbesHtmlPage } from './html.js';
import { renderProbesJson } from './json.js';
import { renderProbesMarkdown } from './markdown.js';
import { renderProbesTerminal } from './terminal.js';
import { boundReportInput, boundText, guardReporters, MAX_TEXT_CHARS } from '../safe-input.js';

/** Every format the probe results alone can be written in (`mimir probe --format` offers PROBE_COMMAND_FORMATS). */
export const PROBE_REPORT_FORMATS = ['terminal', 'md', 'json', 'html'] as const;
export type ProbeReportFormat = (typeof PROBE_REPORT_FORMATS)[number];

export interface ProbeRenderOptions extends DisplayOptions {
  /** The HTML page's title names the system, when it is given. */
  readonly systemName?: string;
}

/**
 * The probe results alone, by format. Colour and width apply to the terminal only; html is a whole
 * page. Each first redacts and bounds the evidence (tool arguments, the agent's claim) (safe-input.ts).
 */
export const PROBE_REPORTERS: ReporterMap<ProbeReportFormat, ProbeEvidence, ProbeRenderOptions> = guardReporters<ProbeReportFormat, ProbeEvidence, ProbeRenderOptions>(
  {
    terminal: { format: 'terminal', fileName: 'mimir-probes.txt', render: renderProbesTerminal },
    md: { format: 'md', fileName: 'mimir-probes.md', render: (evidence) => renderProbesMarkdown(evidence) },
    json: { format: 'json', fileName: 'mimir-probes.json', render: (evidence) => renderProbesJson(evidence) },
    html: { format: 'html', fileName: 'mimir-probes.html', render: (evidence, options) => renderProbesHtmlPage(evidence, options.systemName) },
  },
  (evidence, options, redaction) => ({
    input: boundReportInput(evidence, redaction),
    options: { ...options, ...(options.systemName !== undefined && { systemName: boundText(options.systemName, MAX_TEXT_CHARS, redaction) }) },
  }),
);

/** `mimir probe`: the terminal report only goes to stdout. */
export const PROBE_REPORTS: ReportFamily<ProbeReportFormat, ProbeEvidence, ProbeRenderOptions> = { reporters: PROBE_REPORTERS, terminalCopy: false };

/** The probe results alone, in one format; pure. */
export function renderProbeReport(evidence: ProbeEvidence, format: ProbeReportFormat, options: ProbeRenderOptions): string {
  return PROBE_REPORTERS[format].render(evidence, options);
}

export { scenarioStatus, type ScenarioStatus } from './figures.js';
export { scenarioStory, type ScenarioStory } from './story.js';
export { summarizeProbes, scenariosWorstFirst, type ProbeSummary } from './summary.js';
export { PROBE_PAGE_CSS, probeScenarioAnchor, probesSectionHtml, renderProbesHtml, renderProbesHtmlPage } from './html.js';
export { PROBES_JSON_SCHEMA_VERSION, probesToJson, renderProbesJson, type ProbeScenarioJson, type ProbesJson } from './json.js';
export { renderProbesMarkdown } from './markdown.js';
export { PROBE_CSS } from './styles.js';
export { renderProbesTerminal } from './terminal.js';
