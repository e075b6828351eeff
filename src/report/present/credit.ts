import type { Policy, ScoredFinding } from '../../model/index.js';
import { formatCredit, formatNumber } from './values.js';

/**
 * What a finding earned, in words: "earned 0.25 of 1 (0.50 attested × 0.5: claimed, not shown)".
 * Not-applicable findings earn nothing and cost nothing: they left the denominator.
 */
export function creditExplanation(finding: ScoredFinding, policy: Pick<Policy, 'attestationDiscount'>): string {
  if (!finding.counted) return 'not counted (not applicable)';
  const earned = `earned ${formatCredit(finding.effectiveCredit)} of 1`;
  if (!finding.discounted) return earned;
  return `${earned} (${formatCredit(finding.credit)} attested × ${formatNumber(policy.attestationDiscount)}: claimed, not shown)`;
}
