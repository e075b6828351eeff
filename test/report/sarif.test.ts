import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import type * as Sarif from 'sarif';
import { describe, expect, it } from 'vitest';
import { sarifReporter, toUri } from '../../src/report/sarif.js';
import { maliciousAudit, redAudit, SAMPLE_AUDITS } from '../support/sample-audit.js';

const options = { color: false, width: 80 } as const;
const require = createRequire(import.meta.url);
const OFFICIAL_SCHEMA = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;

function render(audit = redAudit()): Sarif.Log {
  return JSON.parse(sarifReporter.render(audit, options)) as Sarif.Log;
}

function run(log: Sarif.Log): Sarif.Run {
  expect(log.runs).toHaveLength(1);
  return log.runs[0]!;
}

describe('SARIF report', () => {
  it('validates against the official SARIF 2.1.0 schema', () => {
    // The official schema is draft-04, uses keywords ajv's strict mode does not know, and has a
    // pattern that is only valid without the regular expressions' unicode flag.
    const ajv = new AjvDraft04.default({ strict: false, allErrors: true, unicodeRegExp: false });
    addFormats.default(ajv);
    const validate = ajv.compile(OFFICIAL_SCHEMA);
    for (const audit of [...Object.values(SAMPLE_AUDITS).map((make) => make()), maliciousAudit()]) {
      validate(render(audit));
      expect(validate.errors ?? [], audit.system.name).toEqual([]);
    }
    // The schema does check something: a result with an unknown level is refused.
    const broken = render();
    run(broken).results![0]!.level = 'fatal' as Sarif.Result.level;
    expect(validate(broken)).toBe(false);
  });

  it('describes mimir and one rule per check present in the findings', () => {
    const audit = redAudit();
    const { driver } = run(render(audit)).tool;
    expect(driver).toMatchObject({ name: 'mimir', version: audit.stamp.mimirVersion, informationUri: 'https://www.npmjs.com/package/mimir-audit' });
    expect(driver.rules?.map((r) => r.id).sort()).toEqual(audit.findings.map((f) => f.checkId).sort());
    const rule = driver.rules?.find((r) => r.id === 'high-risk-actions-need-prior-approval');
    expect(rule).toMatchObject({
      shortDescription: { text: "High-risk actions wait for a human's approval" },
      fullDescription: { text: expect.stringMatching(/^Does every call that moves money/) as string },
      defaultConfiguration: { level: 'error' },
      properties: { area: 'human-oversight', severity: 'critical', answerableBy: ['probe', 'trace', 'attestation'] },
    });
    expect(rule?.help?.markdown).toMatch(/^\*\*Fix\*\* \(typical effort: days\)/);
  });

  it('has a result for every finding that is neither a pass nor not applicable, at the right level', () => {
    const audit = redAudit();
    const results = run(render(audit)).results ?? [];
    expect(results.map((r) => r.ruleId).sort()).toEqual(
      audit.findings
        .filter((f) => f.outcome !== 'pass' && f.outcome !== 'not-applicable')
        .map((f) => f.checkId)
        .sort(),
    );
    const level = (id: string): string | undefined => results.find((r) => r.ruleId === id)?.level;
    expect(level('high-risk-actions-need-prior-approval')).toBe('error'); // critical fail
    expect(level('hangs-time-out')).toBe('error'); // high fail
    expect(level('context-bleed-is-bounded')).toBe('warning'); // medium error
    expect(level('retries-are-bounded')).toBe('warning'); // partial
    expect(level('failures-end-honestly')).toBe('note'); // insufficient evidence
    for (const result of results) {
      expect(result.partialFingerprints).toEqual({ 'mimirCheckId/v1': result.ruleId });
      expect(run(render(audit)).tool.driver.rules?.[result.ruleIndex ?? -1]?.id).toBe(result.ruleId);
    }
  });

  it('points an attested finding at its line in the answers file, others at mimir.yaml', () => {
    const results = run(render()).results ?? [];
    const attested = results.find((r) => r.ruleId === 'canonical-log-is-append-only');
    expect(attested?.locations?.[0]?.physicalLocation).toEqual({ artifactLocation: { uri: 'mimir-answers.yaml' }, region: { startLine: 18 } });
    const probed = results.find((r) => r.ruleId === 'hangs-time-out');
    expect(probed?.locations?.[0]?.physicalLocation).toEqual({ artifactLocation: { uri: 'examples/back-office/mimir.yaml' } });
    expect(probed?.locations?.[0]?.logicalLocations).toEqual([{ name: 'hangs-time-out', fullyQualifiedName: 'failure-handling/hangs-time-out' }]);
  });

  it('carries the score, verdict and policy on the run, and reports a check that threw', () => {
    const audit = redAudit();
    const sarifRun = run(render(audit));
    expect(sarifRun.properties).toMatchObject({ score: audit.score.overall, verdict: 'red', policy: audit.policy });
    expect(sarifRun.invocations?.[0]?.toolExecutionNotifications?.map((n) => n.descriptor?.id)).toEqual(['context-bleed-is-bounded']);
  });

  it('writes paths as URI references', () => {
    expect(toUri('answers dir/mimir answers.yaml')).toBe('answers%20dir/mimir%20answers.yaml');
    expect(toUri('C:\\work\\mimir.yaml')).toBe('file:///C:/work/mimir.yaml');
    expect(toUri('/srv/a#b.yaml')).toBe('file:///srv/a%23b.yaml');
  });
});
