import { z } from 'zod';
import { AREAS, EVIDENCE_KINDS, OUTCOMES, PROBE_FAMILIES, SEVERITIES, TRACE_PROBLEM_CODES, VERDICTS } from '../model/index.js';

/**
 * The JSON report's schema: a mirror of the Audit model (src/model/audit.ts), strict so that a
 * field added to the model without being added here fails the schema test rather than slipping
 * out undocumented. A type-level test keeps the two in step in both directions.
 *
 * `exactOptional` matches `exactOptionalPropertyTypes`: an optional field is absent, never `undefined`.
 */

export const REPORT_SCHEMA_ID = 'https://mimir.dev/schemas/report.schema.json';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 digest: 64 lowercase hex characters');
const unitInterval = z.number().min(0).max(1);
const percent = z.number().min(0).max(100);
const nonEmpty = z.string().min(1);

const areaSchema = z.enum(AREAS);
const severitySchema = z.enum(SEVERITIES);
const evidenceKindSchema = z.enum(EVIDENCE_KINDS);
const outcomeSchema = z.enum(OUTCOMES);

const referenceSchema = z.strictObject({
  kind: z.enum(['run', 'span', 'probe', 'answer', 'file']),
  id: z.string(),
  label: z.string().exactOptional(),
  file: z.string().exactOptional(),
  line: z.number().int().min(1).exactOptional(),
});

const measuredValueSchema = z.strictObject({
  name: nonEmpty,
  value: z.union([z.number(), z.string(), z.boolean()]),
  unit: z.string().exactOptional(),
  interval: z.tuple([z.number(), z.number()]).exactOptional(),
  sampleSize: z.number().int().min(0).exactOptional(),
});

const evidenceSourceSchema = z.strictObject({
  kind: evidenceKindSchema,
  path: z.string(),
  sha256,
});

const considerationSchema = z.strictObject({
  kind: evidenceKindSchema,
  answered: z.boolean(),
  reason: z.string().exactOptional(),
});

const remediationSchema = z.strictObject({
  text: nonEmpty,
  effort: z.enum(['hours', 'days', 'weeks']),
});

export const findingSchema = z.strictObject({
  checkId: nonEmpty,
  title: nonEmpty,
  question: nonEmpty,
  rationale: nonEmpty,
  remediation: remediationSchema,
  area: areaSchema,
  severity: severitySchema,
  answerableBy: z.array(evidenceKindSchema),
  outcome: outcomeSchema.describe('pass, partial, fail, insufficient-evidence (unanswered: scores 0), not-applicable (left out, with a written reason) or error (the check itself failed)'),
  credit: unitInterval.describe('Credit before any evidence discount: pass 1, partial the measured fraction, otherwise 0'),
  evidenceKind: evidenceKindSchema.nullable().describe('The evidence that decided the outcome; null when none could'),
  messageId: z.string(),
  message: z.string(),
  measured: z.array(measuredValueSchema),
  references: z.array(referenceSchema),
  considered: z.array(considerationSchema),
  notApplicableReason: z.string().exactOptional(),
  toCapture: z.string().exactOptional(),
  errorDetail: z.string().exactOptional(),
});

export const scoredFindingSchema = findingSchema.extend({
  weight: z.number().positive().describe('Severity weight: critical 10, high 7.5, medium 5, low 2.5'),
  effectiveCredit: unitInterval.describe('Credit after the attestation discount: what the score counts'),
  discounted: z.boolean().describe('True when the check could be measured but was only attested ("claimed, not shown")'),
  counted: z.boolean().describe('False for not-applicable findings, which leave the denominator'),
});

const count = z.number().int().min(0);
// Listed key by key rather than as a record over the enum: the JSON Schema then names each property.
const outcomeCountsSchema = z.strictObject({
  pass: count,
  partial: count,
  fail: count,
  'insufficient-evidence': count,
  'not-applicable': count,
  error: count,
});

const areaScoreSchema = z.strictObject({
  area: areaSchema,
  score: percent,
  earned: z.number().min(0),
  possible: z.number().min(0),
  outcomes: outcomeCountsSchema,
});

const verdictReasonSchema = z.strictObject({
  code: z.enum(['overall-below-red', 'area-below-red', 'critical-check-failed', 'overall-below-green', 'area-below-green', 'critical-check-not-passed']),
  message: z.string(),
  area: areaSchema.exactOptional(),
  checkId: z.string().exactOptional(),
});

const scoreSchema = z.strictObject({
  overall: percent.describe('Mean of the four area scores'),
  areas: z.array(areaScoreSchema),
  verdict: z.enum(VERDICTS),
  reasons: z.array(verdictReasonSchema),
});

const stampSchema = z.strictObject({
  mimirVersion: nonEmpty,
  catalogueVersion: nonEmpty,
  catalogueDigest: z.string(),
  configPath: z.string(),
  configHash: z.string(),
  evidence: z.array(evidenceSourceSchema),
  generatedAt: z.iso.datetime({ offset: true }),
});

const policySchema = z.strictObject({
  attestationDiscount: unitInterval,
  attestationValidityDays: z.number().min(0),
  thresholds: z.strictObject({
    redOverallBelow: percent,
    redAreaBelow: percent,
    greenOverallAtLeast: percent,
    greenAreaAtLeast: percent,
  }),
  disabled: z.array(z.strictObject({ checkId: nonEmpty, justification: nonEmpty })),
  checkOptions: z.record(z.string(), z.record(z.string(), z.unknown())),
});

const traceProblemSchema = z.strictObject({
  code: z.enum(TRACE_PROBLEM_CODES),
  message: z.string(),
  file: z.string(),
  line: z.number().int().min(1).exactOptional(),
  byteOffset: z.number().int().min(0).exactOptional(),
  runId: z.string().exactOptional(),
  spanId: z.string().exactOptional(),
});

const traceSummarySchema = z.strictObject({
  runs: count,
  spans: count,
  files: z.array(z.string()),
  partial: z.boolean().describe('True when trace input was skipped or repaired: the audit rests on partial evidence'),
  problems: z.strictObject({
    total: count,
    byCode: z.partialRecord(z.enum(TRACE_PROBLEM_CODES), count),
    examples: z.array(traceProblemSchema),
    damagedRuns: count,
    skippedRecords: count,
  }),
  fromProbes: z
    .strictObject({
      runs: count.describe('Runs the agent traced during the probes (among `runs`)'),
      interfered: count.describe('Of those, runs mimir interfered with (a planned fault or refusal): left out of the reliability figures'),
      withOutcome: count.describe('Runs graded by what the probe saw in the world'),
      leftOut: count.describe('Runs mimir stopped (a planned kill, its deadline): left out entirely'),
      files: count,
    })
    .exactOptional()
    .describe("What the probe session's own traces added to the trace evidence"),
});

const probeSummarySchema = z.strictObject({
  source: z.enum(['run', 'file']).describe('run: probes ran in this audit; file: results of an earlier `mimir probe` were read'),
  resultsPath: z.string(),
  ledgerPath: z.string().exactOptional(),
  generatedAt: z.string(),
  scenarios: count,
  trials: count,
  passed: count,
  failed: count,
  inconclusive: count.describe('Trials whose declared fault never fired: never counted as passed'),
  errored: count.describe('Trials that failed for infrastructure reasons: excluded and counted'),
  lostToHarness: count.exactOptional().describe('Inconclusive or errored trials that mimir itself cost (a simulated answer the agent rejected, a proxy or runner failure): never counted as failed'),
  skipped: z.array(z.strictObject({ family: z.enum(PROBE_FAMILIES), reason: z.string() })),
});

export const auditReportSchema = z.strictObject({
  unredacted: z.literal(true).exactOptional().describe('Present when the report was written with --no-redact: it may hold secrets from traces and probes'),
  schemaVersion: z.literal(1).describe('Version of this report format; `mimir diff` reads version 1'),
  system: z.strictObject({ name: z.string(), description: z.string().exactOptional() }),
  stamp: stampSchema,
  policy: policySchema,
  findings: z.array(scoredFindingSchema),
  score: scoreSchema,
  traces: traceSummarySchema.exactOptional().describe('Present when the audit read traces'),
  probes: probeSummarySchema.exactOptional().describe('Present when the audit used probe results'),
});

/** The JSON Schema of `mimir-report.json`, committed as schemas/report.schema.json. */
export function reportJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(auditReportSchema, { target: 'draft-2020-12', io: 'output' });
  return {
    $schema: generated.$schema,
    $id: REPORT_SCHEMA_ID,
    title: 'mimir audit report',
    description: 'The JSON report of `mimir audit` (mimir-report.json): every finding, area score, the verdict, the policy and the stamp.',
    ...generated,
  };
}
