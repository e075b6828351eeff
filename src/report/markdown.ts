import { AREA_TITLES, type Audit, type ScoredFinding, type Verdict } from '../model/index.js';
import { formatScore } from '../scoring/index.js';
import { markdownCode, markdownFence, markdownText } from './markdown/escape.js';
import {
  attentionFindings,
  capitalize,
  claimedNotShown,
  creditExplanation,
  decidedByLabel,
  evidenceLabel,
  formatMeasured,
  formatReference,
  formatSignedPoints,
  limitList,
  notApplicableFindings,
  outcomeCounts,
  outcomeLabel,
  outcomeShortLabel,
  outcomeSymbol,
  policyLines,
  pointsLost,
  selfAssessmentNotice,
  evidenceLine,
  partialEvidenceNotice,
  stampLines,
  summaryParts,
  verdictLabel,
  verdictMeaning,
  type LabelledLine,
} from './present/index.js';
import type { RenderOptions, Reporter } from './types.js';
import { renderProbesMarkdown } from './probes/index.js';

const BAR_WIDTH = 20;
/** A PR comment lists this many references per finding; the JSON and HTML reports have them all. */
const MAX_REFERENCES = 10;

/**
 * GitHub-flavoured Markdown with the terminal report's content, laid out for a PR comment: the
 * verdict and areas at a glance, a findings table, and the details folded away.
 */
export const markdownReporter: Reporter<'md'> = {
  format: 'md',
  fileName: 'mimir-report.md',
  render(audit: Audit, options?: RenderOptions): string {
    const blocks = [
      ...header(audit),
      areasTable(audit),
      // What the probes made happen comes before the findings it decided.
      ...(options?.probes === undefined ? [] : [renderProbesMarkdown(options.probes).trimEnd()]),
      ...attention(audit),
      ...otherLists(audit),
      policyAndStamp(audit),
    ];
    return `${blocks.join('\n\n')}\n`;
  },
};

function verdictEmoji(verdict: Verdict): string {
  switch (verdict) {
    case 'red':
      return '🔴';
    case 'yellow':
      return '🟡';
    case 'green':
      return '🟢';
  }
}

const md = markdownText;
const cell = (text: string): string => markdownText(text, { table: true });

function header(audit: Audit): string[] {
  const blocks: string[] = [];
  const notice = selfAssessmentNotice(audit.policy);
  // DESIGN.md: a plain self-assessment says so on the first line.
  if (notice !== undefined) blocks.push(`> **${md(notice)}**`);
  const { verdict, overall, reasons } = audit.score;
  blocks.push(`## ${verdictEmoji(verdict)} ${verdictLabel(verdict)} · ${formatScore(overall)} / 100 · ${md(audit.system.name)}`);
  const summary = `**${capitalize(verdictMeaning(verdict))}.** ${summaryParts(audit).join(' · ')}`;
  blocks.push(audit.system.description === undefined ? summary : `${summary}<br>\n${md(audit.system.description)}`);
  blocks.push(`_${md(evidenceLine(audit))}_`);
  const partial = partialEvidenceNotice(audit);
  if (partial !== undefined) blocks.push(`> **${md(partial)}**`);
  if (reasons.length > 0) {
    blocks.push(`**${verdict === 'red' ? 'Why red' : 'Why not green'}**\n\n${reasons.map((r) => `- ${md(r.message)}`).join('\n')}`);
  }
  return blocks;
}

function areasTable(audit: Audit): string {
  const rows = audit.score.areas.map((area) => {
    const filled = Math.round((Math.min(100, Math.max(0, area.score)) / 100) * BAR_WIDTH);
    const bar = `\`${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}\``;
    const counts = outcomeCounts(area.outcomes).map(({ outcome, count }) => `${count} ${outcomeShortLabel(outcome)}`).join(' · ');
    return `| ${AREA_TITLES[area.area]} | ${formatScore(area.score)} | ${bar} | ${counts === '' ? 'no checks' : counts} |`;
  });
  return ['### Areas', '', '| Area | Score | | Checks |', '| :-- | --: | :-- | :-- |', ...rows].join('\n');
}

function attention(audit: Audit): string[] {
  const findings = attentionFindings(audit);
  if (findings.length === 0) return ['### Nothing needs attention\n\nEvery counted check passed.'];
  const rows = findings.map(
    (f) =>
      `| ${outcomeSymbol(f.outcome)} ${outcomeLabel(f.outcome)} | **${cell(f.title)}**<br>${markdownCode(f.checkId, { table: true })} | ${f.severity} | ${AREA_TITLES[f.area]} | ${evidenceLabel(f.evidenceKind)} | ${formatSignedPoints(-pointsLost(f, audit))} |`,
  );
  const table = [
    `### Needs attention (${findings.length}, most damage first)`,
    '',
    '| Outcome | Check | Severity | Area | Evidence | Points |',
    '| :-- | :-- | :-- | :-- | :-- | --: |',
    ...rows,
  ].join('\n');
  const details = ['<details>', `<summary>What each finding means and how to fix it</summary>`, '', ...findings.map((f) => findingDetails(f, audit)), '</details>'].join('\n');
  return [table, details];
}

function findingDetails(finding: ScoredFinding, audit: Audit): string {
  const lines = [
    `#### ${outcomeSymbol(finding.outcome)} ${md(finding.title)}`,
    '',
    `${markdownCode(finding.checkId)} · ${finding.severity} · ${AREA_TITLES[finding.area]} · ${outcomeLabel(finding.outcome)} · decided by ${md(decidedByLabel(finding))}`,
    '',
    md(finding.message),
    '',
  ];
  const item = (label: string, text: string): void => {
    lines.push(`- **${label}:** ${text}`);
  };
  for (const measured of finding.measured) item('Measured', md(formatMeasured(measured)));
  if (finding.references.length > 0) {
    const { shown, more } = limitList(finding.references, MAX_REFERENCES);
    item('References', shown.map((r) => md(formatReference(r))).join('; ') + (more > 0 ? `; and ${more} more (see the JSON report)` : ''));
  }
  if (finding.outcome === 'insufficient-evidence' && finding.toCapture !== undefined) item('To capture', md(finding.toCapture));
  item(`Fix (${finding.remediation.effort})`, md(finding.remediation.text));
  item('Cost', `${formatSignedPoints(-pointsLost(finding, audit))} points overall · ${md(creditExplanation(finding, audit.policy))}`);
  if (finding.outcome === 'error') {
    lines.push('', 'The check itself failed; this says nothing about the system. Please report it with the JSON report attached.');
    if (finding.errorDetail !== undefined) lines.push('', markdownFence(finding.errorDetail, 'text'));
  }
  lines.push('');
  return lines.join('\n');
}

function otherLists(audit: Audit): string[] {
  const blocks: string[] = [];
  const claimed = claimedNotShown(audit);
  if (claimed.length > 0) {
    blocks.push(
      [
        '### Claimed, not shown',
        '',
        'Measurable checks answered only by attestation:',
        '',
        ...claimed.map((f) => `- ${markdownCode(f.checkId)} ${md(f.title)}: ${md(creditExplanation(f, audit.policy))}`),
      ].join('\n'),
    );
  }
  const notApplicable = notApplicableFindings(audit);
  if (notApplicable.length > 0) {
    blocks.push(
      ['### Not applicable (left out of the score)', '', ...notApplicable.map((f) => `- ${markdownCode(f.checkId)}: ${md(f.notApplicableReason ?? f.message)}`)].join('\n'),
    );
  }
  if (audit.policy.disabled.length > 0) {
    blocks.push(['### Disabled by policy', '', ...audit.policy.disabled.map((d) => `- ${markdownCode(d.checkId)}: ${md(d.justification)}`)].join('\n'));
  }
  return blocks;
}

function labelledTable(lines: readonly LabelledLine[]): string {
  return ['| | |', '| :-- | :-- |', ...lines.map((l) => `| ${l.label} | ${cell(l.value)} |`)].join('\n');
}

function policyAndStamp(audit: Audit): string {
  return [
    '<details>',
    '<summary>Policy and stamp</summary>',
    '',
    '**Policy that produced the verdict**',
    '',
    labelledTable(policyLines(audit.policy)),
    '',
    '**Stamp**',
    '',
    labelledTable(stampLines(audit)),
    '',
    '</details>',
  ].join('\n');
}
