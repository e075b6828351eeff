import { APPROVAL_TOOL_NAME, DEFAULT_POLICY, type Audit, type EvidenceSource, type Policy, type ProbeSummary, type SystemDescription } from '../model/index.js';
import type { SecretPattern } from '../shared/redact.js';
import type { EvidenceBundle, ProbeEvidence, TraceEvidence } from '../evidence/types.js';
import { runProbes, type RunProbesOptions } from '../probe/run-probes.js';
import { InternalError, UserError } from '../shared/errors.js';
import { readAnswersFile } from '../evidence/attestation/answers-file.js';
import { loadTraces, type LoadTracesOptions } from '../evidence/load-traces.js';
import type { TraceReadOptions } from '../evidence/trace/types.js';
import { loadProbeResults, probeEvidenceFrom, type LoadedProbeEvidence } from '../evidence/probe/load-probe-results.js';
import { probeConfigDigest } from '../evidence/probe/results-file.js';
import type { AnyCheck } from '../checks/define-check.js';
import { evaluateCheck } from '../checks/evaluate-check.js';
import { catalogueDigest } from '../checks/catalogue.js';
import { CATALOGUE_VERSION, CHECKS } from '../checks/registry.js';
import { scoreFindings } from '../scoring/index.js';
import { basename } from 'node:path';
import { defaultTraceReadOptions } from '../config/load-config.js';
import { configSchema } from '../config/schema.js';
import { fileExists } from '../shared/read-user-file.js';
import { sha256 } from '../shared/hash.js';
import { MIMIR_VERSION } from '../shared/version.js';
import { loadConfig, type LoadedConfig } from './load-config.js';

export interface AuditInput {
  readonly system: SystemDescription;
  readonly policy: Policy;
  readonly evidence: EvidenceBundle;
  /** The audit's clock; answers expire relative to it. */
  readonly now: Date;
  readonly configPath: string;
  readonly configHash: string;
  /** Defaults to the built-in catalogue; custom checks are appended by the caller. */
  readonly checks?: readonly AnyCheck[];
  /** Where the probe evidence came from, for the report. */
  readonly probeSummary?: ProbeSummary;
}

/**
 * The pure core of the main job: evidence → findings → scores. Disabled checks are not evaluated
 * at all; they stay visible through the policy the audit carries.
 */
export function auditSystem(input: AuditInput): Audit {
  const checks = input.checks ?? CHECKS;
  const disabled = new Set(input.policy.disabled.map((d) => d.checkId));
  const findings = checks
    .filter((check) => !disabled.has(check.id))
    .map((check) => {
      const options = input.policy.checkOptions[check.id];
      return evaluateCheck(check, {
        system: input.system,
        evidence: input.evidence,
        ...(options && { options }),
        now: input.now,
        attestationValidityDays: input.policy.attestationValidityDays,
      });
    });
  const scored = scoreFindings(findings, input.policy);
  return {
    schemaVersion: 1,
    system: { name: input.system.name, ...(input.system.description !== undefined && { description: input.system.description }) },
    stamp: {
      mimirVersion: MIMIR_VERSION,
      catalogueVersion: CATALOGUE_VERSION,
      catalogueDigest: catalogueDigest(checks),
      configPath: input.configPath,
      configHash: input.configHash,
      evidence: input.evidence.sources,
      generatedAt: input.now.toISOString(),
    },
    policy: input.policy,
    findings: scored.findings,
    score: scored.score,
    ...(input.evidence.traces && {
      traces: {
        runs: input.evidence.traces.runCount,
        spans: input.evidence.traces.spanCount,
        files: input.evidence.traces.files,
        partial: input.evidence.traces.partial,
        problems: input.evidence.traces.problems,
        ...(input.evidence.traces.fromProbes && { fromProbes: input.evidence.traces.fromProbes }),
      },
    }),
    ...(input.probeSummary && { probes: input.probeSummary }),
  };
}

export interface RunAuditOptions {
  /** Path of mimir.yaml. */
  readonly config: string;
  /** Overrides the answers file named in mimir.yaml. */
  readonly answers?: string;
  /**
   * Trace files or directories to read in addition to those in mimir.yaml. With these, mimir.yaml
   * may be absent: a trace file can be audited with no configuration beyond naming it.
   */
  readonly traces?: readonly string[];
  /** A labels file grading the traced runs; overrides `evidence.traces.labels` in mimir.yaml. */
  readonly labels?: string;
  readonly now?: Date;
  readonly checks?: readonly AnyCheck[];
  /** Called while trace sources are read (they can be large). */
  readonly onTraceProgress?: LoadTracesOptions['onProgress'];
  /**
   * Run the probes in mimir.yaml now. Without it, the results of the last `mimir probe` are used
   * when they were made with this same mimir.yaml.
   */
  readonly probe?: boolean;
  readonly onProbeProgress?: RunProbesOptions['onProgress'];
}

export interface AuditWithEvidence {
  readonly audit: Audit;
  /** The measured trace figures behind the audit, for reports that show them. */
  readonly traceEvidence?: TraceEvidence;
  /** The probe results behind the audit, for reports that show them. */
  readonly probeEvidence?: ProbeEvidence;
  /** Things the user should know that are not findings (e.g. probe results ignored as stale). */
  readonly warnings: readonly string[];
  /** mimir.yaml's own secret patterns, for the reports and logs of this audit. */
  readonly redaction: readonly SecretPattern[];
}

/** The main job as a library call: reads mimir.yaml and its evidence, returns the audit. */
export async function runAudit(options: RunAuditOptions): Promise<Audit> {
  return (await runAuditWithEvidence(options)).audit;
}

export async function runAuditWithEvidence(options: RunAuditOptions): Promise<AuditWithEvidence> {
  const extraTraces = options.traces ?? [];
  // Traces named on the command line need no mimir.yaml: an unnamed system with the default policy.
  const checks = options.checks ?? CHECKS;
  const loaded = extraTraces.length > 0 && !(await fileExists(options.config)) ? unconfigured(extraTraces) : await loadConfig(options.config, checks);
  const answersPath = options.answers ?? loaded.answersPath;
  const sources: EvidenceSource[] = [];
  let attestations: EvidenceBundle['attestations'];
  if (answersPath !== undefined) {
    const answers = await readAnswersFile(answersPath, checks.map((c) => c.id));
    attestations = answers.attestations;
    sources.push({ kind: 'attestation', path: answersPath, sha256: sha256(answers.source.text) });
  }
  const warnings: string[] = [];
  // Probes first: a probe run writes the agent's own traces, which the trace sources may name.
  const probes = await probeEvidence(loaded, options, warnings);
  const traceSources = [...(loaded.traces?.sources ?? []), ...extraTraces];
  const labels = options.labels ?? loaded.traces?.labels;
  let traces: TraceEvidence | undefined;
  // The agent's own traces of the probe runs are trace evidence too, answered from the same runs.
  const probeTraces = probes?.traces;
  if (traceSources.length > 0 || probeTraces) {
    const loadedTraces = await loadTraces({
      sources: traceSources,
      ...(probeTraces && { probeTraces }),
      readOptions: withApprovalTools(loaded.traces?.readOptions ?? defaultTraceReadOptions(loaded.system), loaded.probes?.approvalTool),
      ...(labels !== undefined && { labels }),
      ...(options.onTraceProgress && { onProgress: options.onTraceProgress }),
    });
    traces = loadedTraces.evidence.runCount > 0 ? loadedTraces.evidence : undefined;
    if (traces === undefined && probeTraces) warnings.push('the agent exported traces during the probes, but none held a run mimir could read: no trace evidence from them');
    if (loadedTraces.labelsFoundBeside !== undefined) {
      warnings.push(`outcomes read from ${loadedTraces.labelsFoundBeside}, found beside the traces (name it under evidence.traces.labels to make it explicit)`);
    }
    // Digests are on by default: an audit's stamp names every file its evidence came from.
    if (!loadedTraces.sources) throw new InternalError('trace files were read without their digests');
    sources.push(...loadedTraces.sources);
  }
  if (probes) sources.push(...probes.sources);
  const audit = auditSystem({
    system: loaded.system,
    policy: loaded.policy,
    evidence: { ...(attestations && { attestations }), ...(traces && { traces }), ...(probes && { probes: probes.evidence }), sources },
    now: options.now ?? new Date(),
    configPath: loaded.path,
    configHash: loaded.hash,
    checks,
    ...(probes && { probeSummary: probes.summary }),
  });
  return { audit, ...(traces && { traceEvidence: traces }), ...(probes && { probeEvidence: probes.evidence }), warnings, redaction: loaded.redaction };
}

/** Probe evidence: run now (`probe: true`), or the last results made with this same mimir.yaml. */
async function probeEvidence(loaded: LoadedConfig, options: RunAuditOptions, warnings: string[]): Promise<LoadedProbeEvidence | undefined> {
  if (!loaded.probes) {
    if (options.probe === true) {
      throw new UserError('usage', `${loaded.path} has no probes section, so there is nothing to run`, {
        hint: 'Describe how to start the agent and its MCP servers under `probes:` (see the README), or drop --probe.',
      });
    }
    return undefined;
  }
  if (options.probe === true) {
    const output = await runProbes({
      probes: loaded.probes,
      system: loaded.system,
      configDigest: probeConfigDigest(loaded.config),
      ...(options.onProbeProgress && { onProgress: options.onProbeProgress }),
      // Said before the trials start, and kept among the audit's warnings.
      onNotice: (message) => warnings.push(`probe: ${message}`),
    });
    return probeEvidenceFrom(output.results, { source: 'run', resultsPath: output.resultsPath, resultsSha256: output.resultsSha256 });
  }
  const stored = await loadProbeResults(loaded.probes, probeConfigDigest(loaded.config));
  switch (stored.status) {
    case 'absent':
      return undefined;
    case 'stale':
      warnings.push(stored.warning);
      return undefined;
    case 'loaded':
      return stored.probes;
  }
}

/** A call of the contract's approval tool, or of the agent's own (`probes.approvalTool`), is an approval record in traces too. */
function withApprovalTools(readOptions: TraceReadOptions, own: string | undefined): TraceReadOptions {
  return own === undefined ? readOptions : { ...readOptions, approvalTools: [APPROVAL_TOOL_NAME, own] };
}

function unconfigured(traces: readonly string[]): LoadedConfig {
  const name = basename(traces[0] ?? 'traces').replace(/\.(otlp\.)?(jsonl?|ndjson|pb|gz)+$/i, '');
  return {
    path: '(none: default policy)',
    hash: sha256(''),
    config: configSchema.parse({ version: 1, system: { name } }),
    system: { name, tools: [] },
    policy: DEFAULT_POLICY,
    redaction: [],
  };
}
