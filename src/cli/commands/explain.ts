import { AREA_TITLES } from '../../model/index.js';
import { readCheckDoc } from '../../checks/docs.js';
import { CHECKS, findCheck } from '../../checks/registry.js';
import { SEVERITY_WEIGHTS } from '../../scoring/index.js';
import { UserError } from '../../shared/errors.js';
import { closestMatch } from '../../shared/suggest.js';
import type { CliIo } from '../io.js';
import { catalogueEntries } from './checks.js';

export function explainCommand(id: string, options: { format: 'terminal' | 'json' }, io: CliIo): number {
  const check = findCheck(id);
  if (!check) {
    const suggestion = closestMatch(id, CHECKS.map((c) => c.id));
    throw new UserError('unknown-check', `unknown check id "${id}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`, {
      hint: 'List the valid ids with `mimir checks`.',
    });
  }
  const doc = readCheckDoc(check);
  if (options.format === 'json') {
    io.stdout.write(JSON.stringify({ ...catalogueEntries([check])[0], doc }, null, 2) + '\n');
    return 0;
  }
  const defaults = check.options.parse({});
  const lines = [
    `${check.id} — ${check.title}`,
    `area: ${AREA_TITLES[check.area]} · severity: ${check.severity} (weight ${SEVERITY_WEIGHTS[check.severity]}) · evidence: ${check.answerableBy.join(', ')}`,
    '',
    `Question: ${check.question}`,
    '',
    `Why it matters: ${check.rationale}`,
    '',
    `Remediation (${check.remediation.effort}): ${check.remediation.text}`,
  ];
  if (check.notApplicableWhen !== undefined) lines.push('', `Not applicable when: ${check.notApplicableWhen.description}`);
  if (Object.keys(defaults).length > 0) {
    lines.push('', `Options (policy.checks.${check.id} in mimir.yaml): ${Object.entries(defaults).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}`);
  }
  // The doc page repeats the id as its heading; skip it.
  lines.push('', doc.replace(/^# .*\n+/, '').trimEnd());
  io.stdout.write(lines.join('\n') + '\n');
  return 0;
}
