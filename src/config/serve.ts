import { z } from 'zod';
import { durationMs, durationSchema, queueCapacitySchema } from './alerts.js';
import { requireUniqueNames } from './unique-names.js';

/**
 * The `serve:` section of mimir.yaml, for `mimir serve`: the readiness windows it keeps a history
 * of, how often it evaluates them, and the verifiers that check closed runs against the world.
 */

/** The windows every server keeps, whatever mimir.yaml adds. */
export const BUILT_IN_WINDOWS = ['1h', '24h', '7d'] as const;

const httpUrl = z.url({ protocol: /^https?$/ });

const verifierSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and hyphens')
      .describe('Names the verifier; its answers are stored as labels with source `verifier:<name>`.'),
    command: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe('A command that gets the closed run as JSON on stdin and prints {"outcome": "success"|"failure", "reason": "…"} on stdout. Runs in the folder of mimir.yaml.'),
    url: httpUrl.optional().describe('An HTTP endpoint the closed run is POSTed to as JSON; it answers {"outcome": "success"|"failure", "reason": "…"} with a 2xx status.'),
    headers: z.record(z.string(), z.string()).optional().describe('URL verifiers: extra request headers (e.g. an Authorization header).'),
    sampleRate: z
      .number()
      .min(0)
      .max(1)
      .default(1)
      .describe('The share of closed runs sent to this verifier, 0..1. Chosen by a hash of the run id, so a run reopened by a late span gets the same decision.'),
    timeout: durationSchema.default('30s').describe('How long one verification may take; a later answer is recorded as timed out, never as a success.'),
    concurrency: z.number().int().min(1).max(64).default(2).describe('Verifications running at once.'),
    queueCapacity: queueCapacitySchema('Runs waiting for this verifier at most; when full, further runs are skipped and counted, so verifying never holds up ingestion.'),
  })
  .refine((verifier) => (verifier.command === undefined) !== (verifier.url === undefined), { message: 'give exactly one of `command` or `url`' })
  .refine((verifier) => verifier.headers === undefined || verifier.url !== undefined, { message: '`headers` applies to URL verifiers only', path: ['headers'] })
  .describe('A verifier: checks a closed run against the world (a command or an HTTP endpoint) and answers its outcome.');

export const serveSchema = z
  .strictObject({
    windows: z
      .array(durationSchema)
      .default([])
      .describe('Readiness windows besides 1h, 24h and 7d, e.g. 15m or 30d: each keeps its own history of audits.'),
    evaluateEvery: durationSchema
      .default('1m')
      .refine((text) => (durationMs(text) ?? 0) >= 100, { message: 'at least 100ms' })
      .describe('How often each window is looked at again; it is recomputed only when its runs, their outcomes or the attested and probe evidence changed.'),
    verifiers: z.array(verifierSchema).default([]).describe('World verifiers: each closed run (sampled) is checked, and the answer grades the run like a label.'),
  })
  .superRefine((serve, context) => {
    requireUniqueNames(serve.verifiers, 'verifiers', 'verifiers', context);
  })
  .describe('How `mimir serve` keeps readiness over time and verifies closed runs.');

export type ServeConfig = z.output<typeof serveSchema>;
export type VerifierConfig = ServeConfig['verifiers'][number];

export const DEFAULT_SERVE_CONFIG: ServeConfig = { windows: [], evaluateEvery: '1m', verifiers: [] };
