import { AREAS, type Area, type Audit, type EvidenceKind, type Outcome, type ScoredFinding, type Severity, type Verdict } from '../model/index.js';
import { canonicalJson } from '../shared/hash.js';
import { pointsLost, severityRank } from './present/index.js';

/**
 * What changed between two audits of a system, for `mimir diff` and CI regression gates.
 *
 * How a check's change is ranked (documented here because users gate on it):
 * 1. By the credit it earns towards the score: effective credit (after the attestation discount)
 *    when it counts, and full credit when it is not applicable (it then costs nothing). A pass
 *    attested only (0.5) that becomes a probed pass (1.0) is therefore "better".
 * 2. At equal credit, by outcome: pass > not-applicable > partial > insufficient-evidence > error >
 *    fail. An unanswered check may still pass once evidence arrives, an error is mimir's bug,
 *    a fail is a confirmed defect — so insufficient-evidence → fail is "worse".
 * 3. Same outcome and credit but decided by another kind of evidence: "changed" (neither better
 *    nor worse; what we know changed, the score did not).
 * Checks only in `after` are "added", only in `before` "removed" (the catalogue changed, or a
 * check was disabled/enabled).
 */

export type CheckChangeKind = 'better' | 'worse' | 'changed' | 'added' | 'removed';

export interface CheckState {
  readonly outcome: Outcome;
  readonly effectiveCredit: number;
  readonly counted: boolean;
  readonly evidenceKind: EvidenceKind | null;
  readonly message: string;
}

export interface CheckChange {
  readonly checkId: string;
  readonly title: string;
  readonly area: Area;
  readonly severity: Severity;
  readonly kind: CheckChangeKind;
  readonly before?: CheckState;
  readonly after?: CheckState;
  /** Overall points the check cost before minus what it costs after: positive is an improvement. */
  readonly pointsDelta: number;
}

export interface ScoreChange {
  readonly before: number;
  readonly after: number;
  readonly delta: number;
}

export interface AreaChange extends ScoreChange {
  readonly area: Area;
}

export type Direction = 'better' | 'worse' | 'same';

export interface AuditIdentity {
  readonly system: string;
  readonly generatedAt: string;
  readonly mimirVersion: string;
  readonly catalogueVersion: string;
  readonly catalogueDigest: string;
  readonly configHash: string;
}

export interface AuditDiff {
  readonly before: AuditIdentity;
  readonly after: AuditIdentity;
  readonly overall: ScoreChange;
  readonly verdict: { readonly before: Verdict; readonly after: Verdict; readonly direction: Direction };
  readonly areas: readonly AreaChange[];
  /** Each list sorted most severe first, then by how many points moved. */
  readonly worse: readonly CheckChange[];
  readonly better: readonly CheckChange[];
  readonly changed: readonly CheckChange[];
  readonly added: readonly CheckChange[];
  readonly removed: readonly CheckChange[];
  readonly unchanged: number;
  /** Why the two audits may not be comparable: another system, catalogue or policy. */
  readonly notes: readonly string[];
}

/** Credit differences below this are rounding, not change. */
const EPSILON = 1e-9;

const OUTCOME_RANK: Readonly<Record<Outcome, number>> = {
  pass: 5,
  'not-applicable': 4,
  partial: 3,
  'insufficient-evidence': 2,
  error: 1,
  fail: 0,
};

const VERDICT_RANK: Readonly<Record<Verdict, number>> = { red: 0, yellow: 1, green: 2 };

function standing(finding: ScoredFinding): number {
  return finding.counted ? finding.effectiveCredit : 1;
}

/** Positive when `after` is better than `before`, negative when worse, 0 when neither. */
export function compareFindings(before: ScoredFinding, after: ScoredFinding): number {
  const credit = standing(after) - standing(before);
  if (Math.abs(credit) > EPSILON) return Math.sign(credit);
  return Math.sign(OUTCOME_RANK[after.outcome] - OUTCOME_RANK[before.outcome]);
}

function stateOf(finding: ScoredFinding): CheckState {
  return {
    outcome: finding.outcome,
    effectiveCredit: finding.effectiveCredit,
    counted: finding.counted,
    evidenceKind: finding.evidenceKind,
    message: finding.message,
  };
}

function identityOf(audit: Audit): AuditIdentity {
  return {
    system: audit.system.name,
    generatedAt: audit.stamp.generatedAt,
    mimirVersion: audit.stamp.mimirVersion,
    catalogueVersion: audit.stamp.catalogueVersion,
    catalogueDigest: audit.stamp.catalogueDigest,
    configHash: audit.stamp.configHash,
  };
}

function scoreChange(before: number, after: number): ScoreChange {
  return { before, after, delta: after - before };
}

export function diffAudits(before: Audit, after: Audit): AuditDiff {
  const beforeById = new Map(before.findings.map((f) => [f.checkId, f]));
  const afterById = new Map(after.findings.map((f) => [f.checkId, f]));
  const lists: Record<CheckChangeKind, CheckChange[]> = { better: [], worse: [], changed: [], added: [], removed: [] };
  let unchanged = 0;

  for (const next of after.findings) {
    const previous = beforeById.get(next.checkId);
    const base = { checkId: next.checkId, title: next.title, area: next.area, severity: next.severity };
    if (previous === undefined) {
      lists.added.push({ ...base, kind: 'added', after: stateOf(next), pointsDelta: -pointsLost(next, after) });
      continue;
    }
    const comparison = compareFindings(previous, next);
    const kind: CheckChangeKind | undefined =
      comparison > 0 ? 'better' : comparison < 0 ? 'worse' : previous.outcome !== next.outcome || previous.evidenceKind !== next.evidenceKind ? 'changed' : undefined;
    if (kind === undefined) {
      unchanged++;
      continue;
    }
    lists[kind].push({ ...base, kind, before: stateOf(previous), after: stateOf(next), pointsDelta: pointsLost(previous, before) - pointsLost(next, after) });
  }
  for (const previous of before.findings) {
    if (afterById.has(previous.checkId)) continue;
    lists.removed.push({
      checkId: previous.checkId,
      title: previous.title,
      area: previous.area,
      severity: previous.severity,
      kind: 'removed',
      before: stateOf(previous),
      pointsDelta: pointsLost(previous, before),
    });
  }

  const byImpact = (a: CheckChange, b: CheckChange): number =>
    severityRank(a.severity) - severityRank(b.severity) || Math.abs(b.pointsDelta) - Math.abs(a.pointsDelta) || (a.checkId < b.checkId ? -1 : a.checkId > b.checkId ? 1 : 0);
  for (const list of Object.values(lists)) list.sort(byImpact);

  const verdictDelta = VERDICT_RANK[after.score.verdict] - VERDICT_RANK[before.score.verdict];
  return {
    before: identityOf(before),
    after: identityOf(after),
    overall: scoreChange(before.score.overall, after.score.overall),
    verdict: {
      before: before.score.verdict,
      after: after.score.verdict,
      direction: verdictDelta > 0 ? 'better' : verdictDelta < 0 ? 'worse' : 'same',
    },
    areas: AREAS.map((area) => ({
      area,
      ...scoreChange(before.score.areas.find((a) => a.area === area)?.score ?? 0, after.score.areas.find((a) => a.area === area)?.score ?? 0),
    })),
    ...lists,
    unchanged,
    notes: comparabilityNotes(before, after),
  };
}

function comparabilityNotes(before: Audit, after: Audit): string[] {
  const notes: string[] = [];
  if (before.system.name !== after.system.name) {
    notes.push(`The audits are of different systems: "${before.system.name}" and "${after.system.name}".`);
  }
  if (before.stamp.catalogueDigest !== after.stamp.catalogueDigest) {
    notes.push(
      `The check catalogues differ (${before.stamp.catalogueVersion} → ${after.stamp.catalogueVersion}): checks were added, removed or re-weighted, so part of the change comes from the catalogue, not from the system.`,
    );
  }
  if (canonicalJson(before.policy) !== canonicalJson(after.policy)) {
    notes.push('The policies differ: the two verdicts were decided under different rules.');
  }
  return notes;
}
