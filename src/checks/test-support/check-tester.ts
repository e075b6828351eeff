import { describe, expect, it } from 'vitest';
import type { Answer, Attestation, Finding, Outcome, SystemDescription } from '../../model/index.js';
import type { EvidenceBundle, ProbeEvidence, TraceEvidence } from '../../evidence/types.js';
import type { AnyCheck } from '../define-check.js';
import { evaluateCheck } from '../evaluate-check.js';

/**
 * A RuleTester for checks: every check proves it can pass and can fail, on frozen inputs (so a
 * check that mutates its evidence throws), with no two cases alike.
 */
export interface CheckCase {
  readonly name: string;
  /** Shorthand for an attestation answered today by a tester, valid for a year. */
  readonly answer?: Answer;
  readonly note?: string;
  readonly attestation?: Partial<Attestation>;
  readonly traces?: TraceEvidence;
  readonly probes?: ProbeEvidence;
  readonly options?: Record<string, unknown>;
  readonly system?: SystemDescription;
  readonly now?: Date;
}

export interface ExpectedCase extends CheckCase {
  readonly outcome: Outcome;
  /** Substring the finding's message must contain. */
  readonly messageIncludes?: string;
  readonly credit?: number;
  readonly evidenceKind?: Finding['evidenceKind'];
}

export interface CheckCases {
  readonly pass: readonly CheckCase[];
  readonly fail: readonly CheckCase[];
  readonly other?: readonly ExpectedCase[];
}

export const TEST_NOW = new Date('2026-11-24T12:00:00Z');
export const TEST_SYSTEM: SystemDescription = Object.freeze({ name: 'test system', tools: Object.freeze([]) });

export function runCase(check: AnyCheck, testCase: CheckCase): Finding {
  const attestations = new Map<string, Attestation>();
  if (testCase.answer !== undefined || testCase.attestation !== undefined) {
    attestations.set(
      check.id,
      deepFreeze({
        checkId: check.id,
        answer: testCase.answer ?? 'yes',
        by: 'tester@example.com',
        at: '2026-11-20',
        expires: '2027-11-20',
        file: 'answers.yaml',
        line: 1,
        ...(testCase.note !== undefined && { note: testCase.note }),
        ...testCase.attestation,
      }),
    );
  }
  const evidence: EvidenceBundle = deepFreeze({
    ...(attestations.size > 0 && { attestations }),
    ...(testCase.traces && { traces: testCase.traces }),
    ...(testCase.probes && { probes: testCase.probes }),
    sources: [],
  });
  return evaluateCheck(check, {
    system: deepFreeze(testCase.system ?? TEST_SYSTEM),
    evidence,
    ...(testCase.options && { options: deepFreeze(testCase.options) }),
    now: testCase.now ?? TEST_NOW,
    attestationValidityDays: 180,
  });
}

export function testCheck(check: AnyCheck, cases: CheckCases): void {
  describe(`check ${check.id}`, () => {
    it('has at least one passing and one failing case, none duplicated', () => {
      expect(cases.pass.length).toBeGreaterThan(0);
      expect(cases.fail.length).toBeGreaterThan(0);
      const all = [...cases.pass, ...cases.fail, ...(cases.other ?? [])];
      const keys = all.map((c) => JSON.stringify({ ...c, name: undefined }, mapReplacer));
      expect(new Set(keys).size).toBe(keys.length);
      expect(new Set(all.map((c) => c.name)).size).toBe(all.length);
    });
    for (const testCase of cases.pass) {
      it(`passes: ${testCase.name}`, () => {
        const finding = runCase(check, testCase);
        expect(finding.outcome, finding.message).toBe('pass');
        expect(finding.credit).toBe(1);
      });
    }
    for (const testCase of cases.fail) {
      it(`fails: ${testCase.name}`, () => {
        const finding = runCase(check, testCase);
        expect(finding.outcome, finding.message).toBe('fail');
        expect(finding.credit).toBe(0);
      });
    }
    for (const testCase of cases.other ?? []) {
      it(`${testCase.outcome}: ${testCase.name}`, () => {
        const finding = runCase(check, testCase);
        expect(finding.outcome, finding.message).toBe(testCase.outcome);
        if (testCase.messageIncludes !== undefined) expect(finding.message + ' ' + (finding.toCapture ?? '') + ' ' + finding.considered.map((c) => c.reason ?? '').join(' ')).toContain(testCase.messageIncludes);
        if (testCase.credit !== undefined) expect(finding.credit).toBeCloseTo(testCase.credit, 10);
        if (testCase.evidenceKind !== undefined) expect(finding.evidenceKind).toBe(testCase.evidenceKind);
      });
    }
  });
}

function mapReplacer(_key: string, value: unknown): unknown {
  return value instanceof Map ? [...value.entries()] : value;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    if (value instanceof Map) for (const v of value.values()) deepFreeze(v);
    else for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
