import type { ProbeEvidence } from '../../evidence/types.js';
import type { RenderOptions } from '../types.js';
import { renderProbesHtmlPage } from './html.js';
import { renderProbesJson } from './json.js';
import { renderProbesMarkdown } from './markdown.js';
import { renderProbesTerminal } from './terminal.js';

/** What `mimir probe --format` can write. */
export const PROBE_REPORT_FORMATS = ['terminal', 'md', 'json', 'html'] as const;
export type ProbeReportFormat = (typeof PROBE_REPORT_FORMATS)[number];

/** The probe results alone, in one format; pure. Colour and width apply to the terminal only; html is a whole page. */
export function renderProbeReport(evidence: ProbeEvidence, format: ProbeReportFormat, options: Pick<RenderOptions, 'color' | 'width'>): string {
  switch (format) {
    case 'terminal':
      return renderProbesTerminal(evidence, options);
    case 'md':
      return renderProbesMarkdown(evidence);
    case 'json':
      return renderProbesJson(evidence);
    case 'html':
      return renderProbesHtmlPage(evidence);
  }
}

export { summarizeProbes, scenarioStatus, scenarioStory, scenariosWorstFirst, type ProbeSummary, type ScenarioStatus, type ScenarioStory } from './figures.js';
export { PROBE_PAGE_CSS, probeScenarioAnchor, probesSectionHtml, renderProbesHtml, renderProbesHtmlPage } from './html.js';
export { PROBES_JSON_SCHEMA_VERSION, probesToJson, renderProbesJson, type ProbeScenarioJson, type ProbesJson } from './json.js';
export { renderProbesMarkdown } from './markdown.js';
export { PROBE_CSS } from './styles.js';
export { renderProbesTerminal } from './terminal.js';
