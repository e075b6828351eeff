import { z } from 'zod';
import { DEFAULT_POLICY, DEFAULT_THRESHOLDS, PROBE_FAMILIES, RISK_CLASSES } from '../model/index.js';
import { formatVersionOne } from '../shared/format-version.js';
import { compileUserRegExp } from '../shared/user-regexp.js';
import { alertsSchema } from './alerts.js';
import { DEFAULT_ERROR_RESULT_PATTERNS, DEFAULT_MAX_ATTRIBUTE_BYTES } from './trace-defaults.js';
import { serveSchema } from './serve.js';

/**
 * `mimir.yaml`, the single source of truth for its own JSON Schema (schemas/mimir.schema.json,
 * kept in sync by a test). Every object is strict: an unknown key is a typo until proven otherwise.
 * Config describes and knows no checks: `policy.checks` and `policy.disabled` are keyed by check
 * id here, and the audit, which knows the built-in and the custom checks, judges the ids and each
 * check's options against that check's own options schema.
 */
const score = z.number().min(0).max(100);

const toolSchema = z
  .strictObject({
    name: z.string().min(1).optional().describe('The exact tool name.'),
    pattern: z.string().min(1).optional().describe('A wildcard over tool names: * any run of characters, ? one character.'),
    risk: z
      .enum(RISK_CLASSES)
      .describe('How much harm a call can do. money, outbound-message, deletion, irreversible-write, privilege-change and credential-change are high-risk.'),
    description: z.string().optional(),
    exampleResult: z
      .unknown()
      .optional()
      .describe(
        "What a real call of this tool returns (any JSON, or a string), for probes: a simulated call of a high-risk tool with no output schema answers in this shape, its ids and argument values echoed from the call. Without it (and without a sandbox server's recorded result) the simulated answer is mimir's generic one, which agents that validate results may reject.",
      ),
    verifierOnly: z
      .boolean()
      .optional()
      .describe(
        'A tool for verifiers and operators (e.g. one that dumps the whole state): during probes the proxy never offers it to the agent, and a call of it is an unknown tool; scenarios\' upstream checks can still call it.',
      ),
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
        runId: attributeNames.exactOptional(),
        trial: attributeNames.exactOptional(),
        resumedFrom: attributeNames.exactOptional(),
        infrastructureError: attributeNames.exactOptional(),
        stepKind: attributeNames.exactOptional(),
        memoryOperation: attributeNames.exactOptional(),
        memoryScope: attributeNames.exactOptional(),
        memoryKey: attributeNames.exactOptional(),
        memoryContent: attributeNames.exactOptional(),
        stateKey: attributeNames.exactOptional(),
        stateBaseVersion: attributeNames.exactOptional(),
        stateVersion: attributeNames.exactOptional(),
        stateMerge: attributeNames.exactOptional(),
      })
      .default({})
      .describe("Your own attribute names for mimir's vocabulary, tried after the standard ones."),
    errorResultPatterns: z
      .array(
        // Run in linear time (RE2 semantics), so a pattern cannot hang on an agent's text.
        z.string().superRefine((pattern, context) => {
          const compiled = compileUserRegExp(pattern);
          if ('error' in compiled) context.addIssue({ code: 'custom', message: compiled.error });
        }),
      )
      .default([...DEFAULT_ERROR_RESULT_PATTERNS])
      .describe('Regular expressions: a tool result that matches one counts as a failed step where no exit code or span status recorded the outcome.'),
    contextWindows: z
      .record(z.string().min(1), z.number().int().positive())
      .default({})
      .describe('Context window in tokens by model name (wildcards allowed), for context-window headroom.'),
    maxAttributeBytes: z
      .number()
      .int()
      .min(1024)
      .default(DEFAULT_MAX_ATTRIBUTE_BYTES)
      .describe('Attribute values larger than this are truncated (and reported), so one huge value cannot exhaust memory.'),
  })
  .describe('Trace evidence: the agent\'s own recorded runs.');

/** Secrets of the team's own shapes, redacted like the built-in ones. */
const redactionSchema = z
  .strictObject({
    patterns: z
      .array(
        z.strictObject({
          name: z
            .string()
            .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lower-case letters, digits and hyphens')
            .describe('The kind shown in place of the secret: [redacted:<name>].'),
          pattern: z
            .string()
            .min(1)
            // Checked and run like errorResultPatterns (shared/user-regexp.ts), so hostile text cannot stall a report.
            .superRefine((pattern, context) => {
              const compiled = compileUserRegExp(pattern, 'g');
              if ('error' in compiled) context.addIssue({ code: 'custom', message: compiled.error });
            })
            .describe('A regular expression; every match is redacted. Nested repetition such as (a+)+ is refused, so hostile text cannot stall a report.'),
        }),
      )
      .default([])
      .describe('Patterns redacted in addition to the built-in credential shapes.'),
  })
  .default({ patterns: [] })
  .describe(
    'Every report and log line redacts credentials that traces and probes carry: provider API keys (OpenAI, Anthropic, Stripe, GitHub, Slack, Google), AWS keys, bearer and basic auth, JWTs, private keys, passwords in URLs and password=/secret=/token= assignments. `mimir … --no-redact` turns it off for local debugging.',
  );

const argv = z.array(z.string().min(1)).min(1);
const environment = z.record(z.string(), z.string());
const httpUrl = z.url({ protocol: /^https?$/ });

/** An MCP server the agent's tools come from: a command mimir starts (stdio) or a URL (Streamable HTTP). */
const upstreamSchema = z
  .strictObject({
    name: z.string().min(1).describe('A name for the server, used in the ledger and the report.'),
    command: argv.optional().describe('Start the server over stdio: the executable and its arguments.'),
    cwd: z.string().optional().describe('Working directory for `command`, relative to this file.'),
    env: environment.optional().describe('Extra environment for `command`.'),
    url: httpUrl.optional().describe('Reach an already running server over Streamable HTTP instead.'),
    reset: z
      .union([
        z.strictObject({
          command: argv.describe('A command that restores the server\'s state (run in `cwd`, with `env`); it must exit 0.'),
          cwd: z.string().optional().describe('Working directory for the reset command, relative to this file. Default: the server\'s `cwd`.'),
        }),
        z.strictObject({ url: httpUrl.describe('An HTTP endpoint that restores the server\'s state: mimir POSTs to it and needs a 2xx answer.') }),
      ])
      .optional()
      .describe(
        "Restore the server's state before every probe trial (and before each task's fault-free run), so trials do not see each other's writes: a command, or a URL mimir POSTs to. A reset that fails makes that trial an error, never a verdict on the agent.",
      ),
    allowSideEffects: z
      .boolean()
      .optional()
      .describe(
        "This server is a sandbox (a staging copy that may take real writes): its high-risk calls are forwarded during probes, and mimir records the shape of their real results to shape simulated answers of the same tools later. Default: the probes section's `allowSideEffects`.",
      ),
  })
  .refine((server) => (server.command === undefined) !== (server.url === undefined), { message: 'give exactly one of `command` or `url`' });

/** How mimir starts the agent under test (the agent contract in the README). */
const agentSchema = z
  .strictObject({
    command: argv
      .optional()
      .describe('Start the agent as a command (in its own process group). `{task}` in an argument is replaced by the task JSON.'),
    cwd: z.string().optional().describe('Working directory for `command`, relative to this file.'),
    env: environment.optional().describe('Extra environment for the agent.'),
    url: httpUrl.optional().describe('Or call an agent over HTTP: mimir POSTs the task as JSON, the response is its final report.'),
    timeoutMs: z.number().int().min(100).default(60_000).describe('Hard time limit per run; the whole process group is killed when it passes.'),
  })
  .refine((agent) => (agent.command === undefined) !== (agent.url === undefined), { message: 'give exactly one of `command` or `url`' });

const probeTaskSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes')
    .describe('Names the task in scenario ids and the report.'),
  task: z.unknown().describe('What the agent is asked to do; passed as MIMIR_TASK (JSON) and on stdin.'),
  uses: z
    .array(z.string().min(1))
    .optional()
    .describe('The tools this task needs. When absent, mimir finds out with one fault-free run first.'),
});

/** Probes: run the real agent under injected faults through mimir's MCP proxy. */
const probesSchema = z
  .strictObject({
    agent: agentSchema,
    servers: z.array(upstreamSchema).min(1).describe("The MCP servers the agent's tools come from; the proxy forwards to them."),
    tasks: z.array(probeTaskSchema).min(1).describe('Realistic tasks the built-in battery runs under faults.'),
    trials: z.number().int().min(1).max(100).default(3).describe('Trials per scenario; pass^k and intervals are computed over them.'),
    concurrency: z.number().int().min(1).max(64).default(2).describe('Trials run at once.'),
    seed: z.number().int().default(1).describe('Seeds the fault plan, so a probe run can be reproduced.'),
    retryCap: z.number().int().min(0).default(3).describe('Retries of one failing call the agent may make before it must give up.'),
    battery: z
      .union([z.boolean(), z.array(z.enum(PROBE_FAMILIES.filter((f) => f !== 'custom')))])
      .default(true)
      .describe('Run the built-in battery (true), none of it (false), or only these families.'),
    scenarios: z.string().min(1).optional().describe('A scenarios file of your own (YAML), relative to this file.'),
    allowSideEffects: z
      .boolean()
      .default(false)
      .describe('Forward calls of high-risk tools to the real servers. Off: they are simulated and recorded, never sent.'),
    idempotencyKeys: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'Argument names that carry an idempotency key, besides the common ones (idempotency_key, idempotencyKey, request_id, dedupe_key …): a repeat of a high-risk call with the same key is a replay, not a second effect, whether simulated or forwarded.',
      ),
    approvalTool: z
      .string()
      .min(1)
      .optional()
      .describe("The agent's own approval tool, answered by mimir. Absent: mimir adds `request_approval` to the tool list."),
    out: z.string().min(1).default('.mimir/probes').describe('Where the ledger and the probe results are written, relative to this file.'),
  })
  .describe('Probes: run the real agent under injected faults and verify the world.');

/** What config needs to know of a check to describe its options: its id, its title, its options schema. */
export interface CheckOptionsDescription {
  readonly id: string;
  readonly title: string;
  readonly options: z.ZodType;
}

/** Per-check options with one optional key per check, each with that check's own options schema. */
export function checkOptionsSchema(checks: readonly CheckOptionsDescription[]) {
  return z.strictObject(Object.fromEntries(checks.map((check) => [check.id, check.options.optional().describe(check.title)])));
}

const CHECK_OPTIONS_DESCRIPTION = 'Per-check options, by check id (see `mimir explain <id>`).';

/** mimir.yaml as config validates it: check options by check id, left for the audit to judge. */
export const configSchema = configSchemaWith(z.record(z.string(), z.unknown()).default({}).describe(CHECK_OPTIONS_DESCRIPTION));

/** mimir.yaml with the given checks' options spelled out, for the JSON Schema editors complete from. */
export function configSchemaDescribing(checks: readonly CheckOptionsDescription[]) {
  return configSchemaWith(checkOptionsSchema(checks).default({}).describe(CHECK_OPTIONS_DESCRIPTION));
}

function configSchemaWith(checkOptions: z.ZodType<Record<string, unknown>, Record<string, unknown> | undefined>) {
  return z.strictObject({
    $schema: z.string().optional(),
    version: formatVersionOne('mimir.yaml').describe('mimir.yaml format version.'),
    system: z
      .strictObject({
        name: z.string().trim().min(1).describe('The agent system under audit.'),
        description: z.string().optional(),
      })
      .describe('The system under audit.'),
    tools: z.array(toolSchema).default([]).describe('The tools the agent can call, with their risk class.'),
    probes: probesSchema.optional(),
    redaction: redactionSchema,
    evidence: z
      .strictObject({
        answers: z.string().min(1).optional().describe('Path of the answers file (attestations), relative to this file.'),
        traces: tracesSchema.optional(),
      })
      .default({})
      .describe('Where evidence comes from.'),
    alerts: alertsSchema.optional(),
    serve: serveSchema.optional(),
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
        checks: checkOptions,
      })
      .default({ attestationDiscount: DEFAULT_POLICY.attestationDiscount, attestationValidityDays: DEFAULT_POLICY.attestationValidityDays, thresholds: DEFAULT_THRESHOLDS, disabled: [], checks: {} })
      .describe('How the verdict is reached.'),
  });
}

export type MimirConfigInput = z.input<typeof configSchema>;
export type MimirConfig = z.output<typeof configSchema>;
