import { AREAS, OUTCOMES, type Audit, type Outcome, type ScoredFinding } from '../../model/index.js';
import { severityRank } from './labels.js';

/** Outcomes a reader must act on: what failed, what only partly holds, what nobody could answer, what broke. */
export function needsAttention(outcome: Outcome): boolean {
  switch (outcome) {
    case 'fail':
    case 'partial':
    case 'insufficient-evidence':
    case 'error':
      return true;
    case 'pass':
    case 'not-applicable':
      return false;
  }
}

/**
 * How many points of the overall score this finding costs: its share of its area's denominator,
 * times the credit it did not earn, divided over the four areas. It is the honest "damage" figure:
 * a failed check in a thinly covered area costs more than the same check in a crowded one.
 */
export function pointsLost(finding: ScoredFinding, audit: Audit): number {
  if (!finding.counted) return 0;
  const area = audit.score.areas.find((a) => a.area === finding.area);
  if (!area || area.possible === 0) return 0;
  return (100 * finding.weight * (1 - finding.effectiveCredit)) / area.possible / AREAS.length;
}

function byIdThenArea(a: ScoredFinding, b: ScoredFinding): number {
  return a.checkId < b.checkId ? -1 : a.checkId > b.checkId ? 1 : AREAS.indexOf(a.area) - AREAS.indexOf(b.area);
}

/** Most damage first: severity, then points lost, then id so equal findings keep a stable order. */
export function compareByDamage(audit: Audit): (a: ScoredFinding, b: ScoredFinding) => number {
  return (a, b) => severityRank(a.severity) - severityRank(b.severity) || pointsLost(b, audit) - pointsLost(a, audit) || byIdThenArea(a, b);
}

/** Failing, partial, unanswered and broken checks, most damage first. */
export function attentionFindings(audit: Audit): readonly ScoredFinding[] {
  return audit.findings.filter((f) => needsAttention(f.outcome)).sort(compareByDamage(audit));
}

/**
 * Passes that earned less than full credit because a measurable check was only attested:
 * "claimed, not shown". Listed so a reader sees why a passing checklist does not score 100.
 */
export function claimedNotShown(audit: Audit): readonly ScoredFinding[] {
  return audit.findings.filter((f) => f.outcome === 'pass' && f.discounted).sort(compareByDamage(audit));
}

export function notApplicableFindings(audit: Audit): readonly ScoredFinding[] {
  return audit.findings.filter((f) => f.outcome === 'not-applicable').sort(byAreaThenSeverity);
}

function byAreaThenSeverity(a: ScoredFinding, b: ScoredFinding): number {
  return AREAS.indexOf(a.area) - AREAS.indexOf(b.area) || severityRank(a.severity) - severityRank(b.severity) || byIdThenArea(a, b);
}

/**
 * Every finding in the order of a full listing (HTML table, JUnit): what needs attention first,
 * most damage first, then passes and not-applicable by area.
 */
export function findingsInReportOrder(audit: Audit): readonly ScoredFinding[] {
  const rest = audit.findings.filter((f) => !needsAttention(f.outcome)).sort(byAreaThenSeverity);
  return [...attentionFindings(audit), ...rest];
}

/** The findings of one area, most severe first. */
export function findingsOfArea(audit: Audit, area: ScoredFinding['area']): readonly ScoredFinding[] {
  return audit.findings.filter((f) => f.area === area).sort(byAreaThenSeverity);
}

/** Non-zero outcome counts in the canonical outcome order, for area legends. */
export function outcomeCounts(outcomes: Readonly<Record<Outcome, number>>): readonly { readonly outcome: Outcome; readonly count: number }[] {
  return OUTCOMES.filter((o) => outcomes[o] > 0).map((outcome) => ({ outcome, count: outcomes[outcome] }));
}
