import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { junitReporter } from '../../src/report/junit.js';
import { maliciousAudit, MALICIOUS_TEXT, redAudit, SAMPLE_AUDITS } from '../support/sample-audit.js';
import { wellFormedXml } from '../support/xml.js';

const options = { color: false, width: 80 } as const;

interface Node {
  [key: string]: unknown;
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name) });

function parse(xml: string): { suites: Node; suite: Node[] } {
  const doc = parser.parse(xml) as { testsuites: Node & { testsuite: Node[] } };
  return { suites: doc.testsuites, suite: doc.testsuites.testsuite };
}

function cases(suite: Node): Node[] {
  return (suite.testcase as Node[] | undefined) ?? [];
}

describe('JUnit report', () => {
  it('is well-formed XML for every sample, hostile texts included', () => {
    for (const audit of [...Object.values(SAMPLE_AUDITS).map((make) => make()), maliciousAudit()]) {
      expect(wellFormedXml(junitReporter.render(audit, options)), audit.system.name).toBe(true);
    }
  });

  it('has a suite per area and one for disabled checks, with counts that add up', () => {
    const { suites, suite } = parse(junitReporter.render(redAudit(), options));
    expect(suite.map((s) => s['@name'])).toEqual(['Architecture', 'Memory & context', 'Failure handling', 'Human oversight', 'disabled']);
    let total = { tests: 0, failures: 0, errors: 0, skipped: 0 };
    for (const s of suite) {
      const tc = cases(s);
      const counts = {
        tests: tc.length,
        failures: tc.filter((c) => c.failure !== undefined).length,
        errors: tc.filter((c) => c.error !== undefined).length,
        skipped: tc.filter((c) => c.skipped !== undefined).length,
      };
      expect({ tests: Number(s['@tests']), failures: Number(s['@failures']), errors: Number(s['@errors']), skipped: Number(s['@skipped']) }).toEqual(counts);
      total = { tests: total.tests + counts.tests, failures: total.failures + counts.failures, errors: total.errors + counts.errors, skipped: total.skipped + counts.skipped };
    }
    // 14 findings + 1 disabled; fail ×3, partial ×2, insufficient ×2 are failures; 1 error; n/a + disabled skipped.
    expect(total).toEqual({ tests: 15, failures: 7, errors: 1, skipped: 2 });
    expect({ tests: Number(suites['@tests']), failures: Number(suites['@failures']), errors: Number(suites['@errors']), skipped: Number(suites['@skipped']) }).toEqual(total);
  });

  it('types each failure and names each case by area, id and title', () => {
    const { suite } = parse(junitReporter.render(redAudit(), options));
    const all = suite.flatMap(cases);
    const byId = (id: string): Node => all.find((c) => String(c['@name']).startsWith(`${id}:`) || c['@name'] === id)!;
    const approval = byId('high-risk-actions-need-prior-approval');
    expect(approval['@classname']).toBe('human-oversight');
    expect(approval['@name']).toBe("high-risk-actions-need-prior-approval: High-risk actions wait for a human's approval");
    expect((approval.failure as Node)['@type']).toBe('fail');
    const partial = byId('retries-are-bounded').failure as Node;
    expect(partial['@type']).toBe('partial');
    expect(partial['@message']).toContain('earned 0.60 of 1');
    const insufficient = byId('failures-end-honestly').failure as Node;
    expect(insufficient['@type']).toBe('insufficient-evidence');
    expect(insufficient['@message']).toContain('to capture: Run `mimir probe`');
    expect((byId('context-bleed-is-bounded').error as Node)['@type']).toBe('error');
    expect((byId('memory-is-scoped-per-user').skipped as Node)['@message']).toMatch(/^not applicable: The agent keeps no memory/);
    expect((byId('handoffs-carry-full-context').skipped as Node)['@message']).toMatch(/^disabled by policy: Single agent/);
  });

  it('escapes every text, and a parser reads it back as written', () => {
    const xml = junitReporter.render(maliciousAudit(), options);
    expect(xml).not.toContain('<script>');
    const { suite } = parse(xml);
    const hang = suite.flatMap(cases).find((c) => String(c['@name']).startsWith('hangs-time-out'))!;
    // XML cannot carry ESC; it arrives as U+FFFD, everything else as written.
    expect((hang.failure as Node)['@message']).toBe(`high · ${MALICIOUS_TEXT.replace('\u001b', '\ufffd')}`);
  });
});
