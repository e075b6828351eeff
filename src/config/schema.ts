import { z } from 'zod';
import { RISK_CLASSES } from '../model/index.js';
import { CHECKS } from '../checks/registry.js';
import { DEFAULT_POLICY, DEFAULT_THRESHOLDS } from '../model/index.js';

/**
 * `mimir.yaml`, the single source of truth for its own JSON Schema (schemas/mimir.schema.json,
 * kept in sync by a test). Every object is strict: an unknown key is a typo until proven otherwise.
 */
const score = z.number().min(0).max(100);

const toolSchema = z
  .strictObject({
    name: z.string().min(1).optional().describe('The exact tool name.'),
    pattern: z.string().min(1).optional().describe('A wildcard over tool names: * any run of characters, ? one character.'),
    risk: z.enum(RISK_CLASSES).describe('How much harm a call can do. money, outbound-message, deletion and irreversible-write are high-risk.'),
    description: z.string().optional(),
  })
  .refine((tool) => (tool.name === undefined) !== (tool.pattern === undefined), {
    message: 'give exactly one of `name` or `pattern`',
  });

const attributeNames = z.array(z.string().min(1)).min(1);

/** Trace sources and how to read a team's own attribute names. */
const tracesSchema = z
  .strictObject({
    sources: z
      .array(z.string().min(1))
      .min(1)
      .describe('Trace files or directories, relative to this file: OTLP JSON/JSONL (optionally gzipped), OTLP protobuf, OpenAI Agents SDK or LangSmith exports.'),
    labels: z.string().min(1).optional().describe('A labels file grading runs after the fact: one JSON line per run, {"run": id, "outcome": "success"|"failure", "score": 0..1}.'),
    mapping: z
      .strictObject({
        taskId: attributeNames.exactOptional(),
        claimedStatus: attributeNames.exactOptional(),
        approvalDecision: attributeNames.exactOptional(),
        approvalToolCallId: attributeNames.exactOptional(),
        approvalActor: attributeNames.exactOptional(),
        checkpointId: attributeNames.exactOptional(),
        confidence: attributeNames.exactOptional(),
        toolRisk: attributeNames.exactOptional(),
      })
      .default({})
      .describe("Your own attribute names for mimir's vocabulary, tried after the standard ones."),
    errorResultPatterns: z
      .array(
        z.string().refine(
          (pattern) => {
            try {
              new RegExp(pattern);
              return true;
            } catch {
              return false;
            }
          },
          { message: 'not a valid regular expression' },
        ),
      )
      .default(['^\\s*(Error|ERROR|Exception)\\b', '^\\s*\\{\\s*"error"\\s*:'])
      .describe('Regular expressions: a tool result that matches one counts as a failed step, even when the span says OK.'),
    contextWindows: z
      .record(z.string().min(1), z.number().int().positive())
      .default({})
      .describe('Context window in tokens by model name (wildcards allowed), for context-window headroom.'),
    maxAttributeBytes: z
      .number()
      .int()
      .min(1024)
      .default(1_048_576)
      .describe('Attribute values larger than this are truncated (and reported), so one huge value cannot exhaust memory.'),
  })
  .describe('Trace evidence: the agent\'s own recorded runs.');

/** Per-check options: one optional key per check, with that check's own options schema. */
const checkOptionsSchema = z
  .strictObject(Object.fromEntries(CHECKS.map((check) => [check.id, check.options.optional().describe(check.title)])))
  .default({})
  .describe('Per-check options, by check id (see `mimir explain <id>`).');

export const configSchema = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(1).describe('mimir.yaml format version.'),
  system: z
    .strictObject({
      name: z.string().trim().min(1).describe('The agent system under audit.'),
      description: z.string().optional(),
    })
    .describe('The system under audit.'),
  tools: z.array(toolSchema).default([]).describe('The tools the agent can call, with their risk class.'),
  evidence: z
    .strictObject({
      answers: z.string().min(1).optional().describe('Path of the answers file (attestations), relative to this file.'),
      traces: tracesSchema.optional(),
    })
    .default({})
    .describe('Where evidence comes from.'),
  policy: z
    .strictObject({
      attestationDiscount: z
        .number()
        .min(0)
        .max(1)
        .default(DEFAULT_POLICY.attestationDiscount)
        .describe('Credit factor for a measurable check that was only attested. 1 makes the audit a plain self-assessment.'),
      attestationValidityDays: z
        .number()
        .int()
        .positive()
        .default(DEFAULT_POLICY.attestationValidityDays)
        .describe('An answer without `expires` stops counting this many days after it was given.'),
      thresholds: z
        .strictObject({
          redOverallBelow: score.default(DEFAULT_THRESHOLDS.redOverallBelow),
          redAreaBelow: score.default(DEFAULT_THRESHOLDS.redAreaBelow),
          greenOverallAtLeast: score.default(DEFAULT_THRESHOLDS.greenOverallAtLeast),
          greenAreaAtLeast: score.default(DEFAULT_THRESHOLDS.greenAreaAtLeast),
        })
        .default(DEFAULT_THRESHOLDS)
        .refine((t) => t.redOverallBelow <= t.greenOverallAtLeast && t.redAreaBelow <= t.greenAreaAtLeast, {
          message: 'red thresholds must not be above green thresholds',
        })
        .describe('Verdict thresholds.'),
      disabled: z
        .array(
          z.strictObject({
            check: z.string().min(1).describe('The check id to leave out of the audit.'),
            justification: z.string().trim().min(1, 'a disabled check needs a written justification').describe('Why; shown in every report.'),
          }),
        )
        .default([])
        .describe('Checks left out of the audit, each with a justification.'),
      checks: checkOptionsSchema,
    })
    .default({ attestationDiscount: DEFAULT_POLICY.attestationDiscount, attestationValidityDays: DEFAULT_POLICY.attestationValidityDays, thresholds: DEFAULT_THRESHOLDS, disabled: [], checks: {} })
    .describe('How the verdict is reached.'),
});

export type MimirConfigInput = z.input<typeof configSchema>;
export type MimirConfig = z.output<typeof configSchema>;
