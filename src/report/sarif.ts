import type * as Sarif from 'sarif';
import { AREA_TITLES, AREAS, type Audit, type Finding, type ScoredFinding, type Severity } from '../model/index.js';
import { markdownText } from './markdown/escape.js';
import { formatReference, pointsLost } from './present/index.js';
import type { Reporter } from './types.js';

/** Where a SARIF consumer (GitHub code scanning, IDE viewers) sends a reader to learn about mimir. */
export const MIMIR_INFORMATION_URI = 'https://www.npmjs.com/package/mimir-audit';
const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
/** Versioned so a change to what identifies a result can be told apart from a new result. */
const FINGERPRINT_KEY = 'mimirCheckId/v1';

/**
 * SARIF 2.1.0 for code-scanning dashboards: one rule per check in the audit, one result per
 * finding that is not a pass or not applicable. A result points at the answer in the answers file
 * when a person's answer decided it, otherwise at the audited system's mimir.yaml.
 */
export const sarifReporter: Reporter<'sarif'> = {
  format: 'sarif',
  fileName: 'mimir-report.sarif',
  render(audit: Audit): string {
    return `${JSON.stringify(sarifLog(audit), null, 2)}\n`;
  },
};

function sarifLog(audit: Audit): Sarif.Log {
  const rules = rulesOf(audit.findings);
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const results = audit.findings.flatMap((finding): Sarif.Result[] => {
    const level = resultLevel(finding);
    if (level === undefined) return [];
    return [
      {
        ruleId: finding.checkId,
        ruleIndex: ruleIndex.get(finding.checkId) ?? -1,
        level,
        message: { text: finding.message },
        locations: [location(finding, audit)],
        partialFingerprints: { [FINGERPRINT_KEY]: finding.checkId },
        properties: {
          outcome: finding.outcome,
          evidenceKind: finding.evidenceKind,
          credit: finding.credit,
          effectiveCredit: finding.effectiveCredit,
          pointsLost: pointsLost(finding, audit),
          measured: finding.measured,
          references: finding.references.map(formatReference),
          ...(finding.toCapture !== undefined && { toCapture: finding.toCapture }),
        },
      },
    ];
  });
  const errors = audit.findings.filter((f) => f.outcome === 'error');
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'mimir',
            version: audit.stamp.mimirVersion,
            ...(isSemanticVersion(audit.stamp.mimirVersion) && { semanticVersion: audit.stamp.mimirVersion }),
            informationUri: MIMIR_INFORMATION_URI,
            rules,
          },
        },
        // The audit itself ran; a check that threw is reported as a notification, not as a failed run.
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: errors.map((f) => ({
              level: 'error' as const,
              message: { text: f.message },
              descriptor: { id: f.checkId },
            })),
          },
        ],
        results,
        properties: {
          system: audit.system.name,
          score: audit.score.overall,
          verdict: audit.score.verdict,
          verdictReasons: audit.score.reasons.map((r) => r.message),
          areas: Object.fromEntries(audit.score.areas.map((a) => [a.area, a.score])),
          policy: audit.policy,
          catalogueVersion: audit.stamp.catalogueVersion,
          catalogueDigest: audit.stamp.catalogueDigest,
          configHash: audit.stamp.configHash,
          generatedAt: audit.stamp.generatedAt,
        },
      },
    ],
  };
}

/** One rule per check in the findings, in area order then by id, so rule indexes are stable. */
function rulesOf(findings: readonly Finding[]): Sarif.ReportingDescriptor[] {
  const byId = new Map<string, Finding>();
  for (const finding of findings) if (!byId.has(finding.checkId)) byId.set(finding.checkId, finding);
  return [...byId.values()]
    .sort((a, b) => AREAS.indexOf(a.area) - AREAS.indexOf(b.area) || (a.checkId < b.checkId ? -1 : a.checkId > b.checkId ? 1 : 0))
    .map((f) => ({
      id: f.checkId,
      shortDescription: { text: f.title },
      fullDescription: { text: f.question },
      help: {
        text: `${f.remediation.text} (Typical effort: ${f.remediation.effort}.) Why it matters: ${f.rationale}`,
        markdown: `**Fix** (typical effort: ${f.remediation.effort}): ${markdownText(f.remediation.text)}\n\n**Why it matters:** ${markdownText(f.rationale)}`,
      },
      defaultConfiguration: { level: severityLevel(f.severity) },
      properties: {
        area: f.area,
        areaTitle: AREA_TITLES[f.area],
        severity: f.severity,
        answerableBy: [...f.answerableBy],
        tags: ['mimir', 'agent-readiness', f.area, f.severity],
      },
    }));
}

function severityLevel(severity: Severity): Sarif.ReportingConfiguration.level {
  switch (severity) {
    case 'critical':
    case 'high':
      return 'error';
    case 'medium':
      return 'warning';
    case 'low':
      return 'note';
  }
}

/** Undefined for outcomes that are not results (pass, not applicable). */
function resultLevel(finding: ScoredFinding): Sarif.Result.level | undefined {
  switch (finding.outcome) {
    case 'pass':
    case 'not-applicable':
      return undefined;
    case 'fail':
    case 'error':
      return finding.severity === 'critical' || finding.severity === 'high' ? 'error' : 'warning';
    case 'partial':
      return 'warning';
    case 'insufficient-evidence':
      // Unanswered is not a defect found, but it still counts against the score: a note keeps it visible.
      return 'note';
  }
}

/** The answer's line when a person's answer decided it, else any referenced file line, else mimir.yaml. */
function location(finding: ScoredFinding, audit: Audit): Sarif.Location {
  const placed = finding.references.filter((r) => r.file !== undefined);
  const reference = placed.find((r) => r.kind === 'answer' && finding.evidenceKind === 'attestation') ?? placed[0];
  const logical: Sarif.LogicalLocation[] = [{ name: finding.checkId, fullyQualifiedName: `${finding.area}/${finding.checkId}` }];
  if (reference?.file !== undefined) {
    return {
      physicalLocation: {
        artifactLocation: { uri: toUri(reference.file) },
        ...(reference.line !== undefined && { region: { startLine: reference.line } }),
      },
      logicalLocations: logical,
    };
  }
  return { physicalLocation: { artifactLocation: { uri: toUri(audit.stamp.configPath) } }, logicalLocations: logical };
}

/** A file path as a SARIF URI reference: forward slashes, each segment percent-encoded, absolute paths as file: URIs. */
export function toUri(path: string): string {
  const slashed = path.replace(/\\/g, '/');
  const encode = (p: string): string => p.split('/').map(encodeURIComponent).join('/');
  if (/^[A-Za-z]:\//.test(slashed)) return `file:///${slashed.slice(0, 2)}${encode(slashed.slice(2))}`;
  if (slashed.startsWith('/')) return `file://${encode(slashed)}`;
  return encode(slashed);
}

function isSemanticVersion(version: string): boolean {
  return /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/.test(version);
}
