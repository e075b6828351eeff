import { AREA_TITLES, AREAS, type Audit, type DisabledCheck, type ScoredFinding } from '../model/index.js';
import { formatScore } from '../scoring/index.js';
import {
  creditExplanation,
  decidedByLabel,
  findingsOfArea,
  formatMeasured,
  formatReference,
  formatSignedPoints,
  pointsLost,
} from './present/index.js';
import type { Reporter } from './types.js';
import { escapeXml, escapeXmlAttribute } from './xml/escape.js';

/** JUnit's attribute counts for a suite (or all suites). */
interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

/** The suite that holds checks the policy disabled: they have no area of their own in the audit. */
const DISABLED_SUITE = 'disabled';

/**
 * JUnit XML so CI test dashboards show the audit: a suite per area, a test case per check.
 * fail, partial and insufficient-evidence are failures (typed, so a dashboard can tell them
 * apart), error is an error, not-applicable and disabled checks are skipped with their reason.
 */
export const junitReporter: Reporter<'junit'> = {
  format: 'junit',
  fileName: 'mimir-report.junit.xml',
  render(audit: Audit): string {
    const timestamp = audit.stamp.generatedAt;
    const suites = AREAS.map((area) => {
      const findings = findingsOfArea(audit, area);
      const score = audit.score.areas.find((a) => a.area === area)?.score ?? 0;
      const cases = findings.map((f) => testCase(f, audit));
      return suite(AREA_TITLES[area], countsOf(findings.map((f) => caseKind(f))), timestamp, [['area', area], ['score', formatScore(score)]], cases);
    });
    if (audit.policy.disabled.length > 0) {
      const cases = audit.policy.disabled.map(disabledCase);
      suites.push(suite(DISABLED_SUITE, { tests: cases.length, failures: 0, errors: 0, skipped: cases.length }, timestamp, [], cases));
    }
    const total = suites.reduce<Counts>(
      (sum, s) => ({ tests: sum.tests + s.counts.tests, failures: sum.failures + s.counts.failures, errors: sum.errors + s.counts.errors, skipped: sum.skipped + s.counts.skipped }),
      { tests: 0, failures: 0, errors: 0, skipped: 0 },
    );
    const name = `mimir: ${audit.system.name} (${audit.score.verdict} ${formatScore(audit.score.overall)})`;
    return [
      '<?xml version="1.0" encoding="UTF-8"?>',
      `<testsuites name="${escapeXmlAttribute(name)}" ${countAttributes(total)} time="0" timestamp="${escapeXmlAttribute(timestamp)}">`,
      ...suites.map((s) => s.xml),
      '</testsuites>',
      '',
    ].join('\n');
  },
};

type CaseKind = 'passed' | 'failure' | 'error' | 'skipped';

function caseKind(finding: ScoredFinding): CaseKind {
  switch (finding.outcome) {
    case 'pass':
      return 'passed';
    case 'partial':
    case 'fail':
    case 'insufficient-evidence':
      return 'failure';
    case 'error':
      return 'error';
    case 'not-applicable':
      return 'skipped';
  }
}

function countsOf(kinds: readonly CaseKind[]): Counts {
  return {
    tests: kinds.length,
    failures: kinds.filter((k) => k === 'failure').length,
    errors: kinds.filter((k) => k === 'error').length,
    skipped: kinds.filter((k) => k === 'skipped').length,
  };
}

function countAttributes(counts: Counts): string {
  return `tests="${counts.tests}" failures="${counts.failures}" errors="${counts.errors}" skipped="${counts.skipped}"`;
}

function suite(
  name: string,
  counts: Counts,
  timestamp: string,
  properties: readonly (readonly [string, string])[],
  cases: readonly string[],
): { readonly counts: Counts; readonly xml: string } {
  const props =
    properties.length === 0
      ? []
      : ['    <properties>', ...properties.map(([k, v]) => `      <property name="${escapeXmlAttribute(k)}" value="${escapeXmlAttribute(v)}"/>`), '    </properties>'];
  const xml = [
    `  <testsuite name="${escapeXmlAttribute(name)}" ${countAttributes(counts)} time="0" timestamp="${escapeXmlAttribute(timestamp)}">`,
    ...props,
    ...cases,
    '  </testsuite>',
  ].join('\n');
  return { counts, xml };
}

function openCase(classname: string, name: string): string {
  return `    <testcase classname="${escapeXmlAttribute(classname)}" name="${escapeXmlAttribute(name)}" time="0"`;
}

/** What a reader of a CI log needs under a failed case: the measurements, the proof and the fix. */
function body(finding: ScoredFinding, audit: Audit): string {
  const lines = [finding.message, `decided by: ${decidedByLabel(finding)}`];
  for (const measured of finding.measured) lines.push(`measured: ${formatMeasured(measured)}`);
  for (const reference of finding.references) lines.push(`see: ${formatReference(reference)}`);
  if (finding.toCapture !== undefined) lines.push(`to capture: ${finding.toCapture}`);
  if (finding.errorDetail !== undefined) lines.push(`error detail:\n${finding.errorDetail}`);
  lines.push(`fix (${finding.remediation.effort}): ${finding.remediation.text}`);
  lines.push(`cost: ${formatSignedPoints(-pointsLost(finding, audit))} points overall; ${creditExplanation(finding, audit.policy)}`);
  return escapeXml(lines.join('\n'));
}

function testCase(finding: ScoredFinding, audit: Audit): string {
  const open = openCase(finding.area, `${finding.checkId}: ${finding.title}`);
  const element = (tag: 'failure' | 'error', type: string, message: string): string =>
    `${open}>\n      <${tag} type="${type}" message="${escapeXmlAttribute(message)}">${body(finding, audit)}</${tag}>\n    </testcase>`;
  switch (finding.outcome) {
    case 'pass':
      return `${open}/>`;
    case 'fail':
      return element('failure', 'fail', `${finding.severity} · ${finding.message}`);
    case 'partial':
      return element('failure', 'partial', `${finding.severity} · partial, ${creditExplanation(finding, audit.policy)} · ${finding.message}`);
    case 'insufficient-evidence':
      return element('failure', 'insufficient-evidence', `${finding.severity} · insufficient evidence · to capture: ${finding.toCapture ?? 'evidence that can answer this check'}`);
    case 'error':
      return element('error', 'error', finding.message);
    case 'not-applicable':
      return `${open}>\n      <skipped message="${escapeXmlAttribute(`not applicable: ${finding.notApplicableReason ?? finding.message}`)}"/>\n    </testcase>`;
  }
}

function disabledCase(disabled: DisabledCheck): string {
  return `${openCase(DISABLED_SUITE, disabled.checkId)}>\n      <skipped message="${escapeXmlAttribute(`disabled by policy: ${disabled.justification}`)}"/>\n    </testcase>`;
}
