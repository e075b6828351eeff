import { readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import { z } from 'zod';
import type { ProbesConfig } from '../../config/load-config.js';
import { CLAIMED_STATUSES, HARNESS_CAUSES, PROBE_FAMILIES, TRIAL_VERDICTS, type ProbeFamily, type ProbeTraceLife, type ToolDefinition } from '../../model/index.js';
import { UserError } from '../../shared/errors.js';
import { canonicalJson, sha256 } from '../../shared/hash.js';
import type { MimirConfig } from '../../config/schema.js';
import { fileExists, readUserFile } from '../../shared/read-user-file.js';
import type { ProbeEvidence } from '../types.js';

/** The results file's name in the probes' `out` directory. */
export const PROBE_RESULTS_FILE = 'probe-results.json';

/** A family the battery could not generate, and why (shown in the report, never silent). */
export interface SkippedFamily {
  readonly family: ProbeFamily;
  readonly reason: string;
}

/** The results file `mimir probe` writes and `mimir audit` reads. */
export interface ProbeResultsFile {
  readonly schemaVersion: 1;
  readonly generatedAt: string;
  readonly configHash: string;
  readonly seed: number;
  readonly evidence: ProbeEvidence;
  readonly skipped: readonly SkippedFamily[];
  /** Where the agent's own traces of the probe runs were received, if it exported any. */
  readonly tracesDir?: string;
  /** Which agent process of which trial exported which of those files (`ProbeTraceLife`). */
  readonly traceLives?: readonly ProbeTraceLife[];
  /** The tools the proxy listed to the agent, with their schemas: traced calls are checked against them. */
  readonly toolDefinitions?: readonly ToolDefinition[];
  /**
   * The ledger's length and last hash when the session ended. A hash chain alone cannot show that
   * whole entries were cut from its end; `mimir ledger verify` compares against these.
   */
  readonly ledger?: { readonly entries: number; readonly lastHash: string };
}

/**
 * The parts of mimir.yaml that probe results depend on: the probes section (agent, servers, tasks,
 * battery, approvals) and the tools with their risk classes and example results. Editing the
 * policy, the answers file, the trace sources or the system's description leaves them valid.
 */
export function probeConfigDigest(config: Pick<MimirConfig, 'probes' | 'tools'>): string {
  return sha256(canonicalJson({ probes: config.probes ?? null, tools: config.tools }));
}

/**
 * What probe results depend on besides the agent itself: the probe-relevant parts of mimir.yaml
 * (`probeConfigDigest`) and the scenarios file. Results made with other inputs are stale, and
 * `mimir audit` ignores them.
 */
export async function probeInputsHash(configDigest: string, probes: ProbesConfig): Promise<string> {
  if (probes.scenarios === undefined) return configDigest;
  const scenarios = await readFile(probes.scenarios).catch(() => Buffer.from(''));
  return sha256(`${configDigest}\n${sha256(scenarios)}`);
}

/**
 * The results file `mimir probe` writes and `mimir audit` reads back. It is validated like any
 * user input: a hand-edited or damaged file is a located error, never evidence.
 */
const count = z.number().int().min(0);
const fraction = z.number().min(0).max(1);

const observationSchema = z.strictObject({
  expectation: z.string(),
  ok: z.boolean(),
  detail: z.string(),
  ledgerSeqs: z.array(count).exactOptional(),
});

const trialSchema = z.strictObject({
  runId: z.string(),
  trial: z.number().int().min(1),
  verdict: z.enum(TRIAL_VERDICTS),
  faultFired: z.boolean(),
  claimedStatus: z.enum(CLAIMED_STATUSES),
  claimSummary: z.string().exactOptional(),
  behaviour: z.array(z.string()),
  observations: z.array(observationSchema),
  reason: z.string().exactOptional(),
  inconclusiveReason: z.string().exactOptional(),
  harnessCause: z.enum(HARNESS_CAUSES).exactOptional(),
});

const scenarioResultSchema = z.strictObject({
  id: z.string(),
  family: z.enum(PROBE_FAMILIES),
  title: z.string(),
  tool: z.string().exactOptional(),
  trials: z.array(trialSchema),
  passed: count,
  failed: count,
  inconclusive: count,
  errored: count,
  lostToHarness: count.exactOptional(),
  passRate: z.strictObject({
    successes: count,
    trials: count,
    rate: fraction.nullable(),
    interval: z.tuple([fraction, fraction]).nullable(),
  }),
  passK: z.array(z.strictObject({ k: z.number().int().min(1), value: fraction })),
});

export const probeResultsFileSchema = z.strictObject({
  schemaVersion: z.literal(1),
  generatedAt: z.string(),
  configHash: z.string().regex(/^[0-9a-f]{64}$/),
  seed: z.number().int(),
  evidence: z.strictObject({
    scenarios: z.array(scenarioResultSchema),
    toolsListed: z.array(z.string()),
    ledgerPath: z.string().exactOptional(),
  }),
  skipped: z.array(z.strictObject({ family: z.enum(PROBE_FAMILIES), reason: z.string() })),
  tracesDir: z.string().exactOptional(),
  traceLives: z
    .array(
      z.strictObject({
        runId: z.string(),
        scenarioId: z.string(),
        family: z.enum([...PROBE_FAMILIES, 'baseline']),
        trial: count,
        life: z.enum(['first', 'resume', 'follow-up', 'baseline']),
        taskId: z.string().exactOptional(),
        files: z.array(z.string()),
        endedBy: z.enum(['itself', 'planned-kill', 'deadline', 'not-started']),
        interfered: z.boolean(),
        outcome: z.strictObject({ status: z.enum(['success', 'failure']), basis: z.string() }).exactOptional(),
      }),
    )
    .exactOptional(),
  toolDefinitions: z
    .array(z.strictObject({ name: z.string(), description: z.string().exactOptional(), inputSchema: z.unknown().exactOptional(), outputSchema: z.unknown().exactOptional() }))
    .exactOptional(),
  ledger: z.strictObject({ entries: count, lastHash: z.string().regex(/^[0-9a-f]{64}$/) }).exactOptional(),
});

/**
 * The results file's text as `mimir probe` writes it to `resultsPath`. The ledger is named relative
 * to the results file, so both can be moved together and `mimir ledger verify` finds its length
 * and last hash from any directory.
 */
export function probeResultsText(results: ProbeResultsFile, resultsPath: string): string {
  const { ledgerPath } = results.evidence;
  const withLedger = ledgerPath === undefined ? results : { ...results, evidence: { ...results.evidence, ledgerPath: relative(dirname(resultsPath), ledgerPath) } };
  // The traces directory too, so the results, the ledger and the traces move together.
  const stored = results.tracesDir === undefined ? withLedger : { ...withLedger, tracesDir: relative(dirname(resultsPath), results.tracesDir) };
  return `${JSON.stringify(stored, null, 2)}\n`;
}

/**
 * Where the ledger a results file names is, from this process: an absolute path as written; a
 * relative one relative to the results file. mimir 0.1 wrote it relative to the directory `mimir
 * probe` ran in, always for a ledger beside the results file: when the results-relative reading
 * names no file, the file of that name beside the results file is that ledger.
 */
export async function ledgerPathFromResults(resultsPath: string, stored: string): Promise<string> {
  if (isAbsolute(stored)) return stored;
  const resultsRelative = join(dirname(resultsPath), stored);
  if (await fileExists(resultsRelative)) return resultsRelative;
  const beside = join(dirname(resultsPath), basename(stored));
  return (await fileExists(beside)) ? beside : resultsRelative;
}

/**
 * The results and the sha256 of the file as read (for the audit's evidence digests). The ledger path
 * is resolved (see `ledgerPathFromResults`), so it names the file from this process.
 */
export async function readProbeResultsFile(path: string): Promise<{ readonly results: ProbeResultsFile; readonly sha256: string }> {
  const text = await readUserFile(path, 'probe results file');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new UserError('invalid-json', `${path} is not valid JSON: ${(error as Error).message}`, {
      location: { file: path },
      hint: 'Run `mimir probe` again to rewrite it.',
    });
  }
  const parsed = probeResultsFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw new UserError('invalid-json', `${path} is not a mimir probe results file`, {
      problems: parsed.error.issues.slice(0, 5).map((issue) => ({
        message: `${issue.path.join('.') || '(root)'}: ${issue.message}`,
        location: { file: path },
      })),
      hint: 'Run `mimir probe` again to rewrite it.',
    });
  }
  const read: ProbeResultsFile = parsed.data;
  const results = read.tracesDir === undefined || isAbsolute(read.tracesDir) ? read : { ...read, tracesDir: join(dirname(path), read.tracesDir) };
  const stored = results.evidence.ledgerPath;
  if (stored === undefined) return { results, sha256: sha256(text) };
  const ledgerPath = await ledgerPathFromResults(path, stored);
  return { results: { ...results, evidence: { ...results.evidence, ledgerPath } }, sha256: sha256(text) };
}
