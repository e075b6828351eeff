import type { TraceAnalyses } from '../../analysis/types.js';
import type { LoadedConfig } from '../../audit/load-config.js';
import { auditSystem } from '../../audit/run-audit.js';
import { CHECKS } from '../../checks/registry.js';
import { readAnswersFile } from '../../evidence/attestation/answers-file.js';
import { loadProbeResults, type LoadedProbeEvidence } from '../../evidence/probe/load-probe-results.js';
import { probeConfigDigest } from '../../evidence/probe/results-file.js';
import type { EvidenceBundle, TraceEvidence } from '../../evidence/types.js';
import { DEFAULT_POLICY, type Audit, type EvidenceSource } from '../../model/index.js';
import { sha256 } from '../../shared/hash.js';
import { SERVE_SOURCE } from '../runs/assemble-run.js';

/**
 * A window's audit: the trace evidence of the window's runs, plus the latest probe results and the
 * attestations mimir.yaml names, through the same `auditSystem` the CLI's `mimir audit` ends in.
 * The evidence outside the store (answers file, probe results) is read again at every tick, so an
 * answer given in `mimir walk` or a new `mimir probe` shows in the next point; its digest is part
 * of what decides whether a window must be recomputed.
 */
export interface OutsideEvidence {
  readonly attestations?: EvidenceBundle['attestations'];
  readonly probes?: LoadedProbeEvidence;
  readonly sources: readonly EvidenceSource[];
  /** Changes when the answers, the probe results or the day changes (answers expire by the day). */
  readonly digest: string;
  /** Why some evidence was left out (an unreadable answers file, stale probe results). */
  readonly warnings: readonly string[];
}

export async function loadOutsideEvidence(config: LoadedConfig | undefined, now: Date): Promise<OutsideEvidence> {
  const sources: EvidenceSource[] = [];
  const warnings: string[] = [];
  let attestations: EvidenceBundle['attestations'];
  if (config?.answersPath !== undefined) {
    try {
      const answers = await readAnswersFile(config.answersPath, CHECKS.map((check) => check.id));
      attestations = answers.attestations;
      sources.push({ kind: 'attestation', path: config.answersPath, sha256: sha256(answers.source.text) });
    } catch (error) {
      // A server keeps going on a broken answers file: the window audits go on without attestations, and say so.
      warnings.push(`answers file left out: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  let probes: LoadedProbeEvidence | undefined;
  if (config?.probes !== undefined) {
    try {
      const stored = await loadProbeResults(config.probes, probeConfigDigest(config.config));
      if (stored.status === 'stale') warnings.push(stored.warning);
      if (stored.status === 'loaded') {
        probes = stored.probes;
        sources.push(...stored.probes.sources);
      }
    } catch (error) {
      warnings.push(`probe results left out: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const digest = sha256(JSON.stringify({ day: now.toISOString().slice(0, 10), sources, warnings }));
  return { ...(attestations && { attestations }), ...(probes && { probes }), sources, digest, warnings };
}

const NO_PROBLEMS: TraceEvidence['problems'] = { total: 0, byCode: {}, examples: [], damagedRuns: 0, skippedRecords: 0 };

/** The audit of one window; `traces` is absent when no run started in it. */
export function auditWindow(config: LoadedConfig | undefined, traces: TraceAnalyses | undefined, damagedRuns: number, outside: OutsideEvidence, now: Date): Audit {
  const traceEvidence: TraceEvidence | undefined =
    traces === undefined
      ? undefined
      : {
          runCount: traces.runs,
          // The store keeps spans per trace, not per window: the window's steps stand in for its spans.
          spanCount: traces.steps,
          files: [SERVE_SOURCE],
          analyses: traces,
          problems: { ...NO_PROBLEMS, damagedRuns },
          partial: damagedRuns > 0,
        };
  const evidence: EvidenceBundle = {
    ...(outside.attestations && { attestations: outside.attestations }),
    ...(traceEvidence && { traces: traceEvidence }),
    ...(outside.probes && { probes: outside.probes.evidence }),
    sources: outside.sources,
  };
  return auditSystem({
    system: config?.system ?? { name: SERVE_SOURCE, tools: [] },
    policy: config?.policy ?? DEFAULT_POLICY,
    evidence,
    now,
    configPath: config?.path ?? '(none: default policy)',
    configHash: config?.hash ?? sha256(''),
    ...(outside.probes && { probeSummary: outside.probes.summary }),
  });
}
