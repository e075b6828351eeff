import { SEVERITIES, type EvidenceKind, type Finding, type Outcome, type Severity, type Verdict } from '../../model/index.js';

/**
 * Words and symbols every reporter uses for outcomes, verdicts and evidence, in one place so the
 * terminal, Markdown, HTML, SARIF and JUnit reports never disagree on what a thing is called.
 */

export function outcomeLabel(outcome: Outcome): string {
  switch (outcome) {
    case 'pass':
      return 'pass';
    case 'partial':
      return 'partial';
    case 'fail':
      return 'fail';
    case 'insufficient-evidence':
      return 'insufficient evidence';
    case 'not-applicable':
      return 'not applicable';
    case 'error':
      return 'error';
  }
}

/** A short, narrow label for tables and bar legends. */
export function outcomeShortLabel(outcome: Outcome): string {
  switch (outcome) {
    case 'pass':
      return 'pass';
    case 'partial':
      return 'partial';
    case 'fail':
      return 'fail';
    case 'insufficient-evidence':
      return 'unanswered';
    case 'not-applicable':
      return 'n/a';
    case 'error':
      return 'error';
  }
}

/** One-character marks; each is a single terminal column wide. */
export function outcomeSymbol(outcome: Outcome): string {
  switch (outcome) {
    case 'pass':
      return '✓';
    case 'partial':
      return '◐';
    case 'fail':
      return '✗';
    case 'insufficient-evidence':
      return '?';
    case 'not-applicable':
      return '–';
    case 'error':
      return '!';
  }
}

export function verdictLabel(verdict: Verdict): string {
  switch (verdict) {
    case 'red':
      return 'RED';
    case 'yellow':
      return 'YELLOW';
    case 'green':
      return 'GREEN';
  }
}

/** What the verdict means for the reviewer who has to say "ship" or "not yet". */
export function verdictMeaning(verdict: Verdict): string {
  switch (verdict) {
    case 'red':
      return 'not ready for production';
    case 'yellow':
      return 'gaps to close before production';
    case 'green':
      return 'ready for production';
  }
}

export function evidenceLabel(kind: EvidenceKind | null): string {
  if (kind === null) return 'none';
  switch (kind) {
    case 'probe':
      return 'probe';
    case 'trace':
      return 'trace';
    case 'attestation':
      return 'attestation';
  }
}

/** What each kind of evidence is, in a reader's words. */
export function evidenceDescription(kind: EvidenceKind): string {
  switch (kind) {
    case 'probe':
      return 'mimir ran the agent under injected faults';
    case 'trace':
      return "the agent's own recorded runs";
    case 'attestation':
      return "a person's answer";
  }
}

/** 0 for the most severe. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** Which evidence decided a finding, in words: "probe", "trace (its evaluator failed)", "none …". */
export function decidedByLabel(finding: Pick<Finding, 'evidenceKind' | 'outcome'>): string {
  if (finding.evidenceKind === null) return 'none: no evidence could answer it';
  const kind = evidenceLabel(finding.evidenceKind);
  return finding.outcome === 'error' ? `${kind} (its evaluator failed)` : kind;
}
