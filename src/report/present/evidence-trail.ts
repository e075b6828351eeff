import { EVIDENCE_KINDS, type EvidenceKind, type Finding } from '../../model/index.js';
import { evidenceLabel } from './labels.js';

export type EvidenceStepStatus = 'answered' | 'unanswered' | 'not-consulted' | 'cannot-answer';

export interface EvidenceStep {
  readonly kind: EvidenceKind;
  readonly status: EvidenceStepStatus;
  readonly explanation: string;
}

/**
 * For every evidence kind, strongest first, whether it answered this check and why (not): the
 * report's answer to "what decided this?". Kinds weaker than the one that answered were never
 * consulted; kinds the check does not list cannot answer it at all.
 */
export function evidenceTrail(finding: Finding): readonly EvidenceStep[] {
  return EVIDENCE_KINDS.map((kind): EvidenceStep => {
    const consideration = finding.considered.find((c) => c.kind === kind);
    if (consideration) {
      if (consideration.answered) {
        return { kind, status: 'answered', explanation: 'answered this check' };
      }
      return { kind, status: 'unanswered', explanation: consideration.reason ?? 'did not answer' };
    }
    if (!finding.answerableBy.includes(kind)) {
      return { kind, status: 'cannot-answer', explanation: 'cannot answer this check' };
    }
    if (finding.evidenceKind !== null) {
      // An evaluator that throws ends the check's evaluation, so weaker kinds were never asked.
      const why = finding.outcome === 'error' ? `the ${evidenceLabel(finding.evidenceKind)} evaluator failed first` : `${evidenceLabel(finding.evidenceKind)} evidence already decided`;
      return { kind, status: 'not-consulted', explanation: `not consulted: ${why}` };
    }
    return { kind, status: 'unanswered', explanation: 'did not answer' };
  });
}
