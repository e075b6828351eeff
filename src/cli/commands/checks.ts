import pc from 'picocolors';
import { AREA_TITLES, AREAS, EVIDENCE_KINDS, type Area } from '../../model/index.js';
import type { AnyCheck } from '../../checks/define-check.js';
import { CATALOGUE_VERSION, CHECKS } from '../../checks/registry.js';
import { SEVERITY_WEIGHTS } from '../../scoring/index.js';
import { useColor, type CliIo } from '../io.js';

export interface ChecksCommandOptions {
  readonly format: 'terminal' | 'json' | 'md';
  readonly area?: Area;
}

/** The catalogue as data: what `--format json` prints, and what tools built on mimir read. */
export function catalogueEntries(checks: readonly AnyCheck[]) {
  return checks.map((check) => ({
    id: check.id,
    area: check.area,
    severity: check.severity,
    weight: SEVERITY_WEIGHTS[check.severity],
    title: check.title,
    question: check.question,
    rationale: check.rationale,
    remediation: check.remediation,
    answerableBy: check.answerableBy,
    measuredNow: Object.keys(check.evaluators),
    ...(check.notApplicableWhen !== undefined && { notApplicableWhen: check.notApplicableWhen.description }),
    options: defaultsOf(check),
  }));
}

function defaultsOf(check: AnyCheck): Record<string, unknown> {
  return check.options.parse({});
}

export function checksCommand(options: ChecksCommandOptions, io: CliIo): number {
  const checks = CHECKS.filter((c) => options.area === undefined || c.area === options.area);
  switch (options.format) {
    case 'json':
      io.stdout.write(JSON.stringify({ catalogueVersion: CATALOGUE_VERSION, checks: catalogueEntries(checks) }, null, 2) + '\n');
      return 0;
    case 'md': {
      const lines = [`# mimir check catalogue ${CATALOGUE_VERSION}`, ''];
      for (const area of AREAS) {
        const inArea = checks.filter((c) => c.area === area);
        if (inArea.length === 0) continue;
        lines.push(`## ${AREA_TITLES[area]}`, '', '| id | severity | title | evidence |', '|---|---|---|---|');
        for (const c of inArea) lines.push(`| \`${c.id}\` | ${c.severity} | ${c.title} | ${c.answerableBy.join(', ')} |`);
        lines.push('');
      }
      io.stdout.write(lines.join('\n'));
      return 0;
    }
    case 'terminal': {
      const color = pc.createColors(useColor(io));
      const lines: string[] = [];
      for (const area of AREAS) {
        const inArea = checks.filter((c) => c.area === area);
        if (inArea.length === 0) continue;
        lines.push(color.bold(`${AREA_TITLES[area]} (${inArea.length})`));
        for (const c of inArea) {
          // Fixed columns keep the list within 80 columns: the longest id is 54 characters.
          const kinds = EVIDENCE_KINDS.map((k) => (c.answerableBy.includes(k) ? k.charAt(0).toUpperCase() : '·')).join(' ');
          lines.push(`  ${c.id.padEnd(55)} ${severityLabel(c.severity, color)}${' '.repeat(9 - c.severity.length)}${kinds}`);
          lines.push(color.dim(`    ${c.title}`));
        }
        lines.push('');
      }
      lines.push(color.dim('evidence that can answer: P probe, T trace, A attestation'));
      lines.push(color.dim(`${checks.length} checks · catalogue ${CATALOGUE_VERSION} · \`mimir explain <id>\` for details`));
      io.stdout.write(lines.join('\n') + '\n');
      return 0;
    }
  }
}

function severityLabel(severity: AnyCheck['severity'], color: ReturnType<typeof pc.createColors>): string {
  switch (severity) {
    case 'critical':
      return color.red(severity);
    case 'high':
      return color.yellow(severity);
    case 'medium':
      return color.cyan(severity);
    case 'low':
      return color.dim(severity);
  }
}
