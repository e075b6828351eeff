import type { Audit } from '../../model/index.js';
import { attentionFindings } from './order.js';

/** "14 checks", "8 need attention", "1 disabled by policy": the audit at a glance, under the verdict. */
export function summaryParts(audit: Audit): readonly string[] {
  const attention = attentionFindings(audit).length;
  const disabled = audit.policy.disabled.length;
  return [
    `${audit.findings.length} check${audit.findings.length === 1 ? '' : 's'}`,
    `${attention} need${attention === 1 ? 's' : ''} attention`,
    ...(disabled > 0 ? [`${disabled} disabled by policy`] : []),
  ];
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
