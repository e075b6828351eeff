import type { Audit, Policy } from '../../model/index.js';
import { formatNumber, shortDigest } from './values.js';

/** A labelled line of the policy or stamp; each reporter lays these out its own way. */
export interface LabelledLine {
  readonly label: string;
  readonly value: string;
}

/**
 * DESIGN.md: with an attestation discount of 1 the report must say, on its first line, that the
 * score is a plain self-assessment. Undefined for every other policy.
 */
export function selfAssessmentNotice(policy: Policy): string | undefined {
  if (policy.attestationDiscount !== 1) return undefined;
  return 'Plain self-assessment: attested answers earn full credit (attestation discount 1), so this score rests on what people said, not on what mimir measured.';
}

function discountSentence(discount: number): string {
  if (discount === 1) return 'attested answers earn full credit (plain self-assessment)';
  if (discount === 0) return 'a measurable check answered only by attestation earns no credit';
  return `a measurable check answered only by attestation earns ×${formatNumber(discount)} of its credit ("claimed, not shown")`;
}

/** The policy that produced the verdict; the report always states it (DESIGN.md). */
export function policyLines(policy: Policy): readonly LabelledLine[] {
  const t = policy.thresholds;
  const lines: LabelledLine[] = [
    { label: 'red', value: `overall below ${formatNumber(t.redOverallBelow)}, any area below ${formatNumber(t.redAreaBelow)}, or a critical check fails` },
    {
      label: 'green',
      value: `overall at least ${formatNumber(t.greenOverallAtLeast)}, every area at least ${formatNumber(t.greenAreaAtLeast)}, and every critical check passes`,
    },
    { label: 'yellow', value: 'everything in between' },
    { label: 'claims', value: discountSentence(policy.attestationDiscount) },
    { label: 'answers', value: `an answer without an expiry date counts for ${formatNumber(policy.attestationValidityDays)} days` },
  ];
  const options = Object.keys(policy.checkOptions).sort();
  if (options.length > 0) {
    lines.push({
      label: 'options',
      value: options.map((id) => `${id} ${JSON.stringify(policy.checkOptions[id] ?? {})}`).join('; '),
    });
  }
  return lines;
}

/** What makes the audit reproducible: versions, digests, where the config and evidence came from. */
export function stampLines(audit: Audit): readonly LabelledLine[] {
  const { stamp } = audit;
  return [
    { label: 'mimir', value: stamp.mimirVersion },
    { label: 'catalogue', value: `${stamp.catalogueVersion} (digest ${shortDigest(stamp.catalogueDigest)})` },
    { label: 'config', value: `${stamp.configPath} (sha256 ${shortDigest(stamp.configHash)})` },
    ...(stamp.evidence.length === 0
      ? [{ label: 'evidence', value: 'none' }]
      : stamp.evidence.map((source) => ({ label: 'evidence', value: `${source.kind} ${source.path} (sha256 ${shortDigest(source.sha256)})` }))),
    { label: 'generated', value: stamp.generatedAt },
  ];
}
