import {
  AREA_TITLES,
  AREAS,
  MEASURED_EVIDENCE_KINDS,
  OUTCOMES,
  type Area,
  type AreaScore,
  type Finding,
  type Outcome,
  type Policy,
  type Score,
  type ScoredFinding,
  type Verdict,
  type VerdictReason,
} from '../model/index.js';
import { SEVERITY_WEIGHTS } from './weights.js';

/**
 * The scoring formula of DESIGN.md, as pure functions of findings and policy.
 *
 * - weight: critical 10, high 7.5, medium 5, low 2.5;
 * - credit: the finding's credit (pass 1, partial its fraction, everything else 0);
 * - a measurable check decided by attestation alone earns credit × attestationDiscount;
 * - not-applicable (always with a written reason by construction) leaves the denominator;
 * - area = 100 × Σ(weight × credit) / Σ weight; overall = mean of the four areas.
 */
export function scoreFinding(finding: Finding, policy: Pick<Policy, 'attestationDiscount'>): ScoredFinding {
  const weight = SEVERITY_WEIGHTS[finding.severity];
  const counted = !(finding.outcome === 'not-applicable' && (finding.notApplicableReason ?? '').trim() !== '');
  const measurable = finding.answerableBy.some((kind) => MEASURED_EVIDENCE_KINDS.includes(kind));
  const onlyClaimed = finding.evidenceKind === 'attestation' && measurable;
  const raw = counted ? creditOf(finding) : 0;
  const effectiveCredit = onlyClaimed ? raw * policy.attestationDiscount : raw;
  return { ...finding, weight, effectiveCredit, discounted: onlyClaimed && effectiveCredit < raw, counted };
}

/** Only pass and partial earn credit; a credit outside 0..1 is clamped rather than trusted. */
function creditOf(finding: Finding): number {
  switch (finding.outcome) {
    case 'pass':
      return 1;
    case 'partial':
      return Number.isFinite(finding.credit) ? Math.min(1, Math.max(0, finding.credit)) : 0;
    case 'fail':
    case 'insufficient-evidence':
    case 'not-applicable':
    case 'error':
      return 0;
  }
}

export function scoreArea(area: Area, findings: readonly ScoredFinding[]): AreaScore {
  const inArea = findings.filter((f) => f.area === area);
  const outcomes = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  let earned = 0;
  let possible = 0;
  for (const finding of inArea) {
    outcomes[finding.outcome] += 1;
    if (!finding.counted) continue;
    earned += finding.weight * finding.effectiveCredit;
    possible += finding.weight;
  }
  // An area with nothing counted has shown nothing: it scores 0, never a free 100.
  const score = possible === 0 ? 0 : (100 * earned) / possible;
  return { area, score, earned, possible, outcomes };
}

export interface ScoredAudit {
  readonly findings: readonly ScoredFinding[];
  readonly score: Score;
}

export function scoreFindings(findings: readonly Finding[], policy: Pick<Policy, 'attestationDiscount' | 'thresholds'>): ScoredAudit {
  const scored = findings.map((finding) => scoreFinding(finding, policy));
  const areas = AREAS.map((area) => scoreArea(area, scored));
  const overall = areas.reduce((sum, a) => sum + a.score, 0) / areas.length;
  const { verdict, reasons } = decideVerdict(overall, areas, scored, policy.thresholds);
  return { findings: scored, score: { overall, areas, verdict, reasons } };
}

/**
 * Red if overall < redOverallBelow, any area < redAreaBelow, or any critical check fails.
 * Green only if overall ≥ greenOverallAtLeast, every area ≥ greenAreaAtLeast and every critical
 * check passes (a critical check that is not applicable, with its written reason, does not block).
 * Yellow otherwise. Every rule that held the verdict back is returned as a reason.
 */
/** Longest piece of evidence quoted in a reason: enough to name the tool and the call. */
const REASON_EVIDENCE_CHARS = 240;

/**
 * What a reviewer reads first under "Why red": the first piece of evidence behind a critical
 * failure (the tool, the call, the run), so the reason names what to fix and not only the check.
 */
function firstEvidence(finding: ScoredFinding): string {
  const label = finding.references.find((reference) => reference.label !== undefined)?.label;
  if (label === undefined) return '';
  const cut = label.length > REASON_EVIDENCE_CHARS ? `${label.slice(0, REASON_EVIDENCE_CHARS - 1)}…` : label;
  return `: ${cut}`;
}

export function decideVerdict(
  overall: number,
  areas: readonly AreaScore[],
  findings: readonly ScoredFinding[],
  thresholds: Policy['thresholds'],
): { verdict: Verdict; reasons: VerdictReason[] } {
  // Reasons are listed most specific first: a failed critical check is what a reviewer must fix first.
  const red: VerdictReason[] = [];
  const notGreen: VerdictReason[] = [];
  for (const finding of findings) {
    if (finding.severity !== 'critical') continue;
    if (finding.outcome === 'fail') {
      red.push({ code: 'critical-check-failed', checkId: finding.checkId, area: finding.area, message: `critical check ${finding.checkId} failed${firstEvidence(finding)}` });
    } else if (finding.outcome !== 'pass' && finding.counted) {
      notGreen.push({
        code: 'critical-check-not-passed',
        checkId: finding.checkId,
        area: finding.area,
        message: `critical check ${finding.checkId} did not pass (${finding.outcome})`,
      });
    }
  }
  for (const area of areas) {
    const title = AREA_TITLES[area.area];
    if (area.score < thresholds.redAreaBelow) {
      red.push({ code: 'area-below-red', area: area.area, message: `${title} scores ${formatScore(area.score)}, below ${thresholds.redAreaBelow}` });
    } else if (area.score < thresholds.greenAreaAtLeast) {
      notGreen.push({ code: 'area-below-green', area: area.area, message: `${title} scores ${formatScore(area.score)}, below ${thresholds.greenAreaAtLeast}` });
    }
  }
  if (overall < thresholds.redOverallBelow) {
    red.push({ code: 'overall-below-red', message: `overall score ${formatScore(overall)} is below ${thresholds.redOverallBelow}` });
  } else if (overall < thresholds.greenOverallAtLeast) {
    notGreen.push({ code: 'overall-below-green', message: `overall score ${formatScore(overall)} is below ${thresholds.greenOverallAtLeast}` });
  }
  if (red.length > 0) return { verdict: 'red', reasons: [...red, ...notGreen] };
  if (notGreen.length > 0) return { verdict: 'yellow', reasons: notGreen };
  return { verdict: 'green', reasons: [] };
}

/** Scores are shown with one decimal; the JSON report keeps full precision. */
export function formatScore(score: number): string {
  return score.toFixed(1);
}
