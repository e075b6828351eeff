import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AREAS, DEFAULT_POLICY, EVIDENCE_KINDS, OUTCOMES, SEVERITIES, type Finding, type Outcome } from '../model/index.js';
import { scoreFindings } from './score.js';

/** A hand-built finding; only what scoring reads matters, the texts are placeholders. */
function finding(overrides: Partial<Finding> & Pick<Finding, 'checkId'>): Finding {
  return {
    title: overrides.checkId,
    question: '?',
    rationale: '.',
    remediation: { text: '.', effort: 'hours' },
    area: 'architecture',
    severity: 'medium',
    answerableBy: ['attestation'],
    outcome: 'pass',
    credit: 1,
    evidenceKind: 'attestation',
    messageId: 'm',
    message: 'm',
    measured: [],
    references: [],
    considered: [],
    ...overrides,
  };
}

/** One finding per area, all passing, so a test can vary one thing at a time. */
function allAreasPassing(): Finding[] {
  return AREAS.map((area) => finding({ checkId: `${area}-ok`, area, severity: 'high' }));
}

describe('scoring (DESIGN.md formula)', () => {
  it('weights severity: critical 10, high 7.5, medium 5, low 2.5', () => {
    const findings = [
      finding({ checkId: 'c', severity: 'critical', outcome: 'pass' }),
      finding({ checkId: 'h', severity: 'high', outcome: 'fail', credit: 0 }),
      finding({ checkId: 'm', severity: 'medium', outcome: 'pass' }),
      finding({ checkId: 'l', severity: 'low', outcome: 'fail', credit: 0 }),
    ];
    const { score } = scoreFindings(findings, DEFAULT_POLICY);
    const architecture = score.areas.find((a) => a.area === 'architecture')!;
    expect(architecture.possible).toBe(25);
    expect(architecture.earned).toBe(15);
    expect(architecture.score).toBeCloseTo(60, 10);
  });

  it('gives partial its fraction, and nothing to fail, insufficient-evidence or error', () => {
    const findings: Finding[] = [
      finding({ checkId: 'p', outcome: 'partial', credit: 0.4, evidenceKind: 'trace', answerableBy: ['trace'] }),
      finding({ checkId: 'f', outcome: 'fail', credit: 0 }),
      finding({ checkId: 'i', outcome: 'insufficient-evidence', credit: 0, evidenceKind: null }),
      finding({ checkId: 'e', outcome: 'error', credit: 0, evidenceKind: 'trace', answerableBy: ['trace'] }),
    ];
    const area = scoreFindings(findings, DEFAULT_POLICY).score.areas[0]!;
    expect(area.earned).toBeCloseTo(5 * 0.4, 10);
    expect(area.possible).toBe(20);
  });

  it('halves the credit of a measurable check that was only attested, and says so', () => {
    const measurable = finding({ checkId: 'a', answerableBy: ['trace', 'attestation'] });
    const attestOnly = finding({ checkId: 'b', answerableBy: ['attestation'] });
    const { findings } = scoreFindings([measurable, attestOnly], DEFAULT_POLICY);
    expect(findings[0]).toMatchObject({ effectiveCredit: 0.5, discounted: true });
    expect(findings[1]).toMatchObject({ effectiveCredit: 1, discounted: false });
    const plain = scoreFindings([measurable], { ...DEFAULT_POLICY, attestationDiscount: 1 });
    expect(plain.findings[0]).toMatchObject({ effectiveCredit: 1, discounted: false });
  });

  it('does not discount measured evidence', () => {
    const measured = finding({ checkId: 'a', answerableBy: ['trace', 'attestation'], evidenceKind: 'trace' });
    expect(scoreFindings([measured], DEFAULT_POLICY).findings[0]!.effectiveCredit).toBe(1);
  });

  it('takes a not-applicable finding with a reason out of the denominator, and keeps one without', () => {
    const withReason = finding({ checkId: 'n', outcome: 'not-applicable', credit: 0, notApplicableReason: 'no high-risk tools' });
    const withoutReason = finding({ checkId: 'x', outcome: 'not-applicable', credit: 0 });
    const pass = finding({ checkId: 'p' });
    expect(scoreFindings([withReason, pass], DEFAULT_POLICY).score.areas[0]!.score).toBe(100);
    expect(scoreFindings([withoutReason, pass], DEFAULT_POLICY).score.areas[0]!.score).toBe(50);
  });

  it('scores an area with nothing counted as 0, not 100', () => {
    const { score } = scoreFindings([finding({ checkId: 'a' })], DEFAULT_POLICY);
    expect(score.areas.find((a) => a.area === 'human-oversight')!.score).toBe(0);
    expect(score.overall).toBe(25);
  });

  it('is green only when everything holds, and names every reason when not', () => {
    expect(scoreFindings(allAreasPassing(), DEFAULT_POLICY).score).toMatchObject({ overall: 100, verdict: 'green', reasons: [] });
    const oneCriticalUnanswered = [...allAreasPassing(), finding({ checkId: 'crit', severity: 'critical', outcome: 'insufficient-evidence', credit: 0, evidenceKind: null })];
    const yellow = scoreFindings(oneCriticalUnanswered, DEFAULT_POLICY).score;
    expect(yellow.verdict).toBe('yellow');
    expect(yellow.reasons.map((r) => r.code)).toEqual(['critical-check-not-passed', 'area-below-green']);
  });

  it('is red when a critical check fails, whatever the score', () => {
    const findings = [...allAreasPassing(), finding({ checkId: 'crit', area: 'human-oversight', severity: 'critical', outcome: 'fail', credit: 0 })];
    const { score } = scoreFindings(findings, DEFAULT_POLICY);
    expect(score.overall).toBeGreaterThan(80);
    expect(score.verdict).toBe('red');
    expect(score.reasons[0]).toMatchObject({ code: 'critical-check-failed', checkId: 'crit' });
  });

  it('names the evidence behind a critical failure in its reason, not only the check', () => {
    const references = [{ kind: 'probe' as const, id: 'run-7', label: 'injection--refund trial 1: approvalBeforeHighRisk: refund_order called at #12 with no approval before it' }];
    const failed = finding({ checkId: 'crit', area: 'human-oversight', severity: 'critical', outcome: 'fail', credit: 0, references });
    const { score } = scoreFindings([...allAreasPassing(), failed], DEFAULT_POLICY);
    expect(score.reasons[0]?.message).toBe('critical check crit failed: injection--refund trial 1: approvalBeforeHighRisk: refund_order called at #12 with no approval before it');
    const long = finding({ checkId: 'crit', severity: 'critical', outcome: 'fail', credit: 0, references: [{ kind: 'run', id: 'r', label: 'x'.repeat(1000) }] });
    expect(scoreFindings([long], DEFAULT_POLICY).score.reasons[0]?.message.length).toBeLessThan(300);
  });

  it('is red when an area is below 40 even if the overall score is high', () => {
    const findings = [
      ...allAreasPassing().filter((f) => f.area !== 'memory-context'),
      finding({ checkId: 'm1', area: 'memory-context', outcome: 'pass' }),
      finding({ checkId: 'm2', area: 'memory-context', outcome: 'fail', credit: 0 }),
      finding({ checkId: 'm3', area: 'memory-context', outcome: 'fail', credit: 0 }),
    ];
    const { score } = scoreFindings(findings, DEFAULT_POLICY);
    expect(score.areas.find((a) => a.area === 'memory-context')!.score).toBeCloseTo(33.33, 1);
    expect(score.verdict).toBe('red');
    expect(score.reasons.map((r) => r.code)).toContain('area-below-red');
  });

  it('uses the thresholds of the policy', () => {
    const strict = { ...DEFAULT_POLICY, thresholds: { ...DEFAULT_POLICY.thresholds, greenOverallAtLeast: 101 } };
    expect(scoreFindings(allAreasPassing(), strict).score.verdict).toBe('yellow');
  });
});

const findingArbitrary = fc
  .record({
    area: fc.constantFrom(...AREAS),
    severity: fc.constantFrom(...SEVERITIES),
    outcome: fc.constantFrom(...OUTCOMES),
    credit: fc.double({ min: 0, max: 1, noNaN: true }),
    evidenceKind: fc.constantFrom(...EVIDENCE_KINDS, null),
    answerableBy: fc.subarray([...EVIDENCE_KINDS], { minLength: 1 }),
    notApplicableReason: fc.option(fc.constantFrom('no such tools', ''), { nil: undefined }),
  })
  .map(({ notApplicableReason, outcome, credit, ...rest }) =>
    finding({
      checkId: 'c',
      ...rest,
      outcome,
      credit: outcome === 'pass' ? 1 : outcome === 'partial' ? credit : 0,
      ...(notApplicableReason !== undefined && { notApplicableReason }),
    }),
  );
const findingsArbitrary = fc.array(findingArbitrary, { maxLength: 40 }).map((fs) => fs.map((f, i) => ({ ...f, checkId: `c${i}` })));
const discountArbitrary = fc.double({ min: 0, max: 1, noNaN: true });

describe('scoring properties', () => {
  it('keeps every score within 0..100', () => {
    fc.assert(
      fc.property(findingsArbitrary, discountArbitrary, (findings, attestationDiscount) => {
        const { score } = scoreFindings(findings, { ...DEFAULT_POLICY, attestationDiscount });
        for (const value of [score.overall, ...score.areas.map((a) => a.score)]) {
          expect(value).toBeGreaterThanOrEqual(0);
          expect(value).toBeLessThanOrEqual(100);
        }
      }),
    );
  });

  it('never lowers a score when a passing check is added', () => {
    // "A pass" means full credit: measured, or attested on a check only a person can answer. An
    // attested pass of a measurable check is worth the attestation factor by design, so it is
    // covered by the next property instead.
    const fullCreditPass = fc.oneof(
      fc.record({ evidenceKind: fc.constantFrom('probe' as const, 'trace' as const), answerableBy: fc.constant([...EVIDENCE_KINDS]) }),
      fc.record({ evidenceKind: fc.constant('attestation' as const), answerableBy: fc.constant(['attestation' as const]) }),
    );
    fc.assert(
      fc.property(findingsArbitrary, findingArbitrary, fullCreditPass, discountArbitrary, (findings, extra, evidence, attestationDiscount) => {
        const policy = { ...DEFAULT_POLICY, attestationDiscount };
        const added = { ...extra, ...evidence, checkId: 'added', outcome: 'pass' as Outcome, credit: 1 };
        const before = scoreFindings(findings, policy).score;
        const after = scoreFindings([...findings, added], policy).score;
        const area = (s: typeof before) => s.areas.find((a) => a.area === added.area)!.score;
        expect(area(after)).toBeGreaterThanOrEqual(area(before) - 1e-9);
        expect(after.overall).toBeGreaterThanOrEqual(before.overall - 1e-9);
      }),
    );
  });

  it('never lowers a score when a counted finding turns into a pass on the same evidence', () => {
    // Not-applicable findings are outside the denominator; turning one into a pass is adding a check.
    const counted = findingsArbitrary.map((fs) => fs.filter((f) => f.outcome !== 'not-applicable'));
    fc.assert(
      fc.property(counted, fc.nat(), discountArbitrary, (findings, pick, attestationDiscount) => {
        fc.pre(findings.length > 0);
        const policy = { ...DEFAULT_POLICY, attestationDiscount };
        const index = pick % findings.length;
        const upgraded = findings.map((f, i) => (i === index ? { ...f, outcome: 'pass' as const, credit: 1 } : f));
        expect(scoreFindings(upgraded, policy).score.overall).toBeGreaterThanOrEqual(scoreFindings(findings, policy).score.overall - 1e-9);
      }),
    );
  });

  it('is always red when a critical check fails', () => {
    fc.assert(
      fc.property(findingsArbitrary, findingArbitrary, (findings, extra) => {
        const failed = { ...extra, checkId: 'critical', severity: 'critical' as const, outcome: 'fail' as const, credit: 0 };
        expect(scoreFindings([...findings, failed], DEFAULT_POLICY).score.verdict).toBe('red');
      }),
    );
  });

  it('never gives credit for insufficient evidence, fail or error', () => {
    fc.assert(
      fc.property(findingsArbitrary, (findings) => {
        for (const scored of scoreFindings(findings, DEFAULT_POLICY).findings) {
          if (scored.outcome === 'insufficient-evidence' || scored.outcome === 'fail' || scored.outcome === 'error') {
            expect(scored.effectiveCredit).toBe(0);
            expect(scored.counted).toBe(true);
          }
        }
      }),
    );
  });

  it('turning an unanswered check into insufficient evidence never raises a score', () => {
    fc.assert(
      fc.property(findingsArbitrary, fc.nat(), (findings, pick) => {
        fc.pre(findings.length > 0);
        const index = pick % findings.length;
        const before = scoreFindings(findings, DEFAULT_POLICY).score.overall;
        const degraded = findings.map((f, i) => (i === index ? { ...f, outcome: 'insufficient-evidence' as const, credit: 0, evidenceKind: null } : f));
        expect(scoreFindings(degraded, DEFAULT_POLICY).score.overall).toBeLessThanOrEqual(before + 1e-9);
      }),
    );
  });
});
