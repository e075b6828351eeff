import picocolors from 'picocolors';
import { AREA_TITLES, type Audit, type Outcome, type ScoredFinding, type Verdict } from '../model/index.js';
import { formatScore } from '../scoring/index.js';
import {
  areaBand,
  attentionFindings,
  claimedNotShown,
  creditExplanation,
  decidedByLabel,
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
} from './present/index.js';
import { labelledField } from './text/layout.js';
import { padEndVisible, padStartVisible, visibleWidth, wrap } from './text/wrap.js';
import type { RenderOptions, Reporter } from './types.js';

type Colors = ReturnType<typeof picocolors.createColors>;
type Paint = (text: string) => string;

/** Labels of a finding's fields line up in this column. */
const FIELD = { indent: 2, labelWidth: 13 } as const;
/** References beyond this many are counted, not listed: the JSON report has them all. */
const MAX_REFERENCES = 6;

/**
 * The summary a person reads in their terminal or CI log: the verdict first, then one bar per area,
 * then what needs attention (most damage first) with the fix, then what was left out and why, then
 * the policy and stamp. Lays out for `options.width` columns and never exceeds it.
 */
export const terminalReporter: Reporter<'terminal'> = {
  format: 'terminal',
  fileName: 'mimir-report.txt',
  render(audit: Audit, options: RenderOptions): string {
    // Colour comes from the option only, never from the environment, so render stays pure.
    const c = picocolors.createColors(options.color);
    const width = Math.max(20, Math.floor(options.width));
    const sections = options.brief === true ? [header(audit, width, c), areas(audit, width, c), topFindings(audit, width, c)].filter((lines) => lines.length > 0) : [
      header(audit, width, c),
      areas(audit, width, c),
      attention(audit, width, c),
      claimed(audit, width, c),
      notApplicable(audit, width, c),
      disabled(audit, width, c),
      footer(audit, width, c),
    ].filter((lines) => lines.length > 0);
    return `${sections.map((lines) => lines.join('\n')).join('\n\n')}\n`;
  },
};

function verdictPaint(verdict: Verdict, c: Colors): Paint {
  switch (verdict) {
    case 'red':
      return c.red;
    case 'yellow':
      return c.yellow;
    case 'green':
      return c.green;
  }
}

function outcomePaint(outcome: Outcome, c: Colors): Paint {
  switch (outcome) {
    case 'pass':
      return c.green;
    case 'partial':
      return c.yellow;
    case 'fail':
    case 'error':
      return c.red;
    case 'insufficient-evidence':
      return c.magenta;
    case 'not-applicable':
      return c.dim;
  }
}

function scorePaint(score: number, audit: Audit, c: Colors): Paint {
  return verdictPaint(areaBand(score, audit.policy.thresholds), c);
}

function heading(text: string, width: number, c: Colors): string[] {
  return wrap(text, width).map((line) => c.bold(line));
}

function header(audit: Audit, width: number, c: Colors): string[] {
  const lines: string[] = [];
  const notice = selfAssessmentNotice(audit.policy);
  // DESIGN.md: a plain self-assessment says so on the report's first line, before the verdict.
  if (notice !== undefined) lines.push(...wrap(notice, width).map((line) => c.bold(c.yellow(line))), '');

  const { verdict, overall, reasons } = audit.score;
  const paint = verdictPaint(verdict, c);
  const badge = c.bold(paint(`● ${verdictLabel(verdict)}  ${formatScore(overall)} / 100`));
  const meaning = `  ${verdictMeaning(verdict)}`;
  lines.push(visibleWidth(badge) + visibleWidth(meaning) <= width ? badge + c.dim(meaning) : badge);

  const summary = [audit.system.name, ...summaryParts(audit)].join(' · ');
  lines.push(...wrap(summary, width).map((line) => c.bold(line)));
  if (audit.system.description !== undefined) lines.push(...wrap(audit.system.description, width).map((line) => c.dim(line)));
  lines.push(...wrap(evidenceLine(audit), width).map((line) => c.dim(line)));
  const partial = partialEvidenceNotice(audit);
  if (partial !== undefined) lines.push(...wrap(partial, width).map((line) => c.bold(c.yellow(line))));

  if (reasons.length > 0) {
    lines.push('', ...heading(verdict === 'red' ? 'Why red' : 'Why not green', width, c));
    for (const reason of reasons) lines.push(...wrap(reason.message, width, { firstPrefix: '  • ' }));
  }
  return lines;
}

function areas(audit: Audit, width: number, c: Colors): string[] {
  const labelWidth = Math.max(...audit.score.areas.map((a) => AREA_TITLES[a.area].length)) + 2;
  const barWidth = width >= 72 ? 20 : 10;
  // Narrower than title, score and bar side by side: the title gets a line of its own.
  const stacked = 2 + labelWidth + 5 + 2 + barWidth > width;
  const lines = heading('Areas', width, c);
  for (const area of audit.score.areas) {
    const filled = Math.round((Math.min(100, Math.max(0, area.score)) / 100) * barWidth);
    const paint = scorePaint(area.score, audit, c);
    const bar = (filled > 0 ? paint('█'.repeat(filled)) : '') + (filled < barWidth ? c.dim('░'.repeat(barWidth - filled)) : '');
    const score = padStartVisible(paint(formatScore(area.score)), 5);
    if (stacked) lines.push(...wrap(AREA_TITLES[area.area], width, { firstPrefix: '  ' }));
    const start = stacked ? `  ${score}  ${bar}` : `  ${padEndVisible(AREA_TITLES[area.area], labelWidth)}${score}  ${bar}`;
    const counts = outcomeCounts(area.outcomes).map(({ outcome, count }) => ({
      plain: `${count} ${outcomeShortLabel(outcome)}`,
      paint: outcomePaint(outcome, c),
    }));
    const plainCounts = counts.length === 0 ? 'no checks' : counts.map((x) => x.plain).join(' · ');
    const painted = counts.length === 0 ? c.dim(plainCounts) : counts.map((x) => x.paint(x.plain)).join(c.dim(' · '));
    if (visibleWidth(start) + 2 + plainCounts.length <= width) {
      lines.push(`${start}  ${painted}`);
    } else {
      // The legend does not fit beside the bar: it goes under it, wrapped, in plain text.
      const indent = Math.max(2, Math.min(width - 20, visibleWidth(start) - barWidth));
      lines.push(start, ...wrap(plainCounts, width, { firstPrefix: ' '.repeat(indent) }));
    }
  }
  return lines;
}

function attention(audit: Audit, width: number, c: Colors): string[] {
  const findings = attentionFindings(audit);
  if (findings.length === 0) return heading('Nothing needs attention: every counted check passed.', width, c);
  const lines = heading(`Needs attention (${findings.length}, most damage first)`, width, c);
  for (const finding of findings) lines.push('', ...findingBlock(finding, audit, width, c));
  return lines;
}

/** The brief report's last section: the few findings that cost the most, one line each. */
const BRIEF_FINDINGS = 3;
function topFindings(audit: Audit, width: number, c: Colors): string[] {
  const findings = attentionFindings(audit);
  if (findings.length === 0) return [];
  const { shown, more } = limitList(findings, BRIEF_FINDINGS);
  const lines = heading(`Top findings (${findings.length} need attention${more > 0 ? '; the full report lists all' : ''})`, width, c);
  for (const f of shown) {
    const paint = outcomePaint(f.outcome, c);
    const text = `${f.title} (${f.checkId}, ${decidedByLabel(f)}): ${f.message}`;
    lines.push(...wrap(text, width, { firstPrefix: `  ${outcomeSymbol(f.outcome)} ` }).map((line, i) => (i === 0 ? paint(line) : line)));
  }
  return lines;
}

function findingBlock(finding: ScoredFinding, audit: Audit, width: number, c: Colors): string[] {
  const paint = outcomePaint(finding.outcome, c);
  const tag = `${outcomeSymbol(finding.outcome)} ${outcomeLabel(finding.outcome).toUpperCase()}  ${finding.severity}  `;
  const lines: string[] = [];
  if (visibleWidth(tag) + 15 <= width) {
    const titleLines = wrap(finding.title, width, { firstPrefix: tag });
    lines.push(...titleLines.map((line, i) => (i === 0 ? paint(c.bold(line.slice(0, tag.length))) + c.bold(line.slice(tag.length)) : c.bold(line))));
  } else {
    // Too narrow to put the title beside its outcome: one under the other.
    lines.push(...wrap(tag.trimEnd(), width).map((line) => paint(c.bold(line))), ...wrap(finding.title, width, { firstPrefix: '  ' }).map((line) => c.bold(line)));
  }

  const field = (label: string, text: string, paintText: Paint = (s) => s): void => {
    lines.push(...labelledField(label, text, width, FIELD).map(paintText));
  };
  field('check', `${finding.checkId} · ${AREA_TITLES[finding.area]}`, c.dim);
  field('decided by', decidedByLabel(finding));
  field('result', finding.message);
  for (const measured of finding.measured) field('measured', formatMeasured(measured));
  if (finding.references.length > 0) {
    const { shown, more } = limitList(finding.references, MAX_REFERENCES);
    field('see', shown.map(formatReference).join('; ') + (more > 0 ? `; and ${more} more` : ''));
  }
  if (finding.outcome === 'insufficient-evidence' && finding.toCapture !== undefined) field('to capture', finding.toCapture, c.magenta);
  if (finding.outcome === 'error') field('bug', 'the check itself failed; this says nothing about the system. Please report it with the JSON report attached.', c.red);
  field(`fix (${finding.remediation.effort})`, finding.remediation.text);
  field('cost', `${formatSignedPoints(-pointsLost(finding, audit))} points overall · ${creditExplanation(finding, audit.policy)}`, c.dim);
  return lines;
}

function claimed(audit: Audit, width: number, c: Colors): string[] {
  const findings = claimedNotShown(audit);
  if (findings.length === 0) return [];
  const lines = heading('Claimed, not shown (measurable, but only attested)', width, c);
  for (const f of findings) {
    lines.push(...wrap(`${f.checkId}: ${f.title}; ${creditExplanation(f, audit.policy)}.`, width, { firstPrefix: `  ${outcomeSymbol(f.outcome)} ` }));
  }
  return lines;
}

function notApplicable(audit: Audit, width: number, c: Colors): string[] {
  const findings = notApplicableFindings(audit);
  if (findings.length === 0) return [];
  const lines = heading('Not applicable (left out of the score)', width, c);
  for (const f of findings) {
    lines.push(...wrap(`${f.checkId}: ${f.notApplicableReason ?? f.message}`, width, { firstPrefix: `  ${outcomeSymbol(f.outcome)} ` }).map(c.dim));
  }
  return lines;
}

function disabled(audit: Audit, width: number, c: Colors): string[] {
  if (audit.policy.disabled.length === 0) return [];
  const lines = heading('Disabled by policy', width, c);
  for (const d of audit.policy.disabled) lines.push(...wrap(`${d.checkId}: ${d.justification}`, width, { firstPrefix: '  ⊘ ' }));
  return lines;
}

function footer(audit: Audit, width: number, c: Colors): string[] {
  const field = (line: { label: string; value: string }): string[] => labelledField(line.label, line.value, width, { indent: 2, labelWidth: 11 });
  return [
    ...heading('Policy', width, c),
    ...policyLines(audit.policy).flatMap(field).map(c.dim),
    '',
    ...heading('Stamp', width, c),
    ...stampLines(audit).flatMap(field).map(c.dim),
  ];
}
