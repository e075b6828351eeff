import { describe, expect, it } from 'vitest';
import type { Audit, Finding } from '../../src/model/index.js';
import { compareFindings, diffAudits, renderDiff } from '../../src/report/index.js';
import { visibleWidth } from '../../src/report/text/wrap.js';
import { buildAudit, greenAudit, redAudit, redFindings, sampleFinding, yellowAudit } from '../support/sample-audit.js';
import { scoreFinding } from '../../src/scoring/index.js';
import { DEFAULT_POLICY } from '../../src/model/index.js';

const scored = (finding: Finding) => scoreFinding(finding, DEFAULT_POLICY);
const ids = (list: readonly { checkId: string }[]): string[] => list.map((c) => c.checkId);

describe('diffAudits', () => {
  it('reports score, verdict and per-area changes', () => {
    const before = redAudit();
    const after = yellowAudit();
    const diff = diffAudits(before, after);
    expect(diff.verdict).toEqual({ before: 'red', after: 'yellow', direction: 'better' });
    expect(diff.overall).toEqual({ before: before.score.overall, after: after.score.overall, delta: after.score.overall - before.score.overall });
    expect(diff.areas.map((a) => a.area)).toEqual(['architecture', 'memory-context', 'failure-handling', 'human-oversight']);
    for (const area of diff.areas) {
      const b = before.score.areas.find((a) => a.area === area.area)!.score;
      const a = after.score.areas.find((x) => x.area === area.area)!.score;
      expect(area).toEqual({ area: area.area, before: b, after: a, delta: a - b });
    }
    expect(diffAudits(after, before).verdict.direction).toBe('worse');
    expect(diffAudits(before, before).verdict.direction).toBe('same');
  });

  it('lists every check that got better or worse, most severe first', () => {
    const diff = diffAudits(redAudit(), yellowAudit());
    expect(ids(diff.worse)).toEqual(['rollback-plan-is-tested']);
    expect(diff.worse[0]).toMatchObject({ kind: 'worse', before: { outcome: 'pass' }, after: { outcome: 'fail', evidenceKind: 'attestation' } });
    expect(ids(diff.better)).toEqual([
      'high-risk-actions-need-prior-approval',
      'failures-end-honestly',
      'context-is-rebuilt-from-canonical-state',
      'hangs-time-out',
      'retries-are-bounded',
      'context-bleed-is-bounded',
    ]);
    expect(diff.better.every((c) => c.pointsDelta > 0)).toBe(true);
    expect(diff.unchanged).toBe(7);
    expect(diff.changed).toEqual([]);
    expect(diff.notes).toEqual([]);
  });

  it('reports nothing between an audit and itself', () => {
    const diff = diffAudits(greenAudit(), greenAudit());
    expect([...diff.worse, ...diff.better, ...diff.changed, ...diff.added, ...diff.removed]).toEqual([]);
    expect(diff.unchanged).toBe(14);
    expect(diff.overall.delta).toBe(0);
  });

  it('reports checks added and removed between catalogues, and says the catalogues differ', () => {
    const findings = redFindings();
    const before = buildAudit(findings.filter((f) => f.checkId !== 'denials-are-respected'));
    const afterAudit = buildAudit(findings.filter((f) => f.checkId !== 'hangs-time-out'));
    const after: Audit = { ...afterAudit, stamp: { ...afterAudit.stamp, catalogueVersion: '2026.12.0', catalogueDigest: '0'.repeat(64) } };
    const diff = diffAudits(before, after);
    expect(ids(diff.added)).toEqual(['denials-are-respected']);
    expect(diff.added[0]?.before).toBeUndefined();
    expect(ids(diff.removed)).toEqual(['hangs-time-out']);
    expect(diff.removed[0]?.after).toBeUndefined();
    expect(diff.notes).toEqual([expect.stringMatching(/^The check catalogues differ \(2026\.11\.0 → 2026\.12\.0\)/)]);
  });

  it('warns when the systems or policies differ', () => {
    const diff = diffAudits(redAudit(), redAudit({ systemName: 'Other agent', policy: { attestationDiscount: 1 } }));
    expect(diff.notes).toEqual([expect.stringMatching(/different systems/), expect.stringMatching(/policies differ/)]);
  });
});

describe('compareFindings', () => {
  const attestedPass = scored(sampleFinding('state-is-checkpointed', { outcome: 'pass', evidenceKind: 'attestation', message: '' }));
  const probedPass = scored(sampleFinding('state-is-checkpointed', { outcome: 'pass', evidenceKind: 'probe', message: '' }));
  const of = (outcome: Finding['outcome'], evidenceKind: Finding['evidenceKind'] = 'trace') =>
    scored(sampleFinding('state-is-checkpointed', { outcome, evidenceKind, message: '', ...(outcome === 'not-applicable' && { notApplicableReason: 'no state' }) }));

  it('ranks by the credit a finding earns first: an attested pass shown by a probe is better', () => {
    expect(compareFindings(attestedPass, probedPass)).toBe(1);
    expect(compareFindings(probedPass, attestedPass)).toBe(-1);
  });

  it('ranks equal credit by outcome: pass > not-applicable > partial > insufficient-evidence > error > fail', () => {
    expect(compareFindings(of('insufficient-evidence', null), of('fail'))).toBe(-1);
    expect(compareFindings(of('fail'), of('error'))).toBe(1);
    expect(compareFindings(of('error'), of('insufficient-evidence', null))).toBe(1);
    expect(compareFindings(of('fail'), of('not-applicable'))).toBe(1);
    expect(compareFindings(of('pass'), of('not-applicable'))).toBe(-1);
  });

  it('calls a change of evidence at the same standing "changed"', () => {
    const before = buildAudit([sampleFinding('hangs-time-out', { outcome: 'fail', evidenceKind: 'trace', message: '' })]);
    const after = buildAudit([sampleFinding('hangs-time-out', { outcome: 'fail', evidenceKind: 'probe', message: '' })]);
    const diff = diffAudits(before, after);
    expect(ids(diff.changed)).toEqual(['hangs-time-out']);
    expect(diff.worse).toEqual([]);
  });
});

describe('renderDiff', () => {
  const diff = diffAudits(redAudit(), yellowAudit());

  it('renders for the terminal within the width, worse first', () => {
    const text = renderDiff(diff, 'terminal', { color: false, width: 80 });
    expect(text.split('\n')[0]).toMatch(/^RED \d+\.\d → YELLOW \d+\.\d {2}\+\d+\.\d points$/);
    expect(text.indexOf('Worse (1)')).toBeLessThan(text.indexOf('Better (6)'));
    expect(text).toMatch(/outcome +pass \(attestation\) → fail \(attestation\)/);
    for (const width of [40, 80, 120]) {
      for (const line of renderDiff(diff, 'terminal', { color: true, width }).split('\n')) expect(visibleWidth(line)).toBeLessThanOrEqual(width);
    }
    expect(renderDiff(diffAudits(redAudit(), redAudit()), 'terminal', { color: false, width: 80 })).toContain('No check changed outcome (14 compared).');
  });

  it('renders Markdown tables for a PR comment', () => {
    const text = renderDiff(diff, 'md', { color: false, width: 80 });
    expect(text.split('\n')[0]).toMatch(/^## mimir diff: RED \d+\.\d → YELLOW \d+\.\d \(\+\d+\.\d\)$/);
    expect(text).toContain('### Worse (1)');
    expect(text).toMatch(/\| ✗ The rollback plan has been rehearsed<br>`rollback-plan-is-tested` \| medium \| Failure handling \| pass \(attestation\) → fail \(attestation\) \| −\d+\.\d \|/);
  });

  it('renders JSON that reads back to the diff', () => {
    expect(JSON.parse(renderDiff(diff, 'json', { color: false, width: 80 }))).toEqual(JSON.parse(JSON.stringify(diff)));
  });
});
