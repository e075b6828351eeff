import { join } from 'node:path';
import type { ProbesConfig } from '../../config/load-config.js';
import type { EvidenceSource, ProbeSummary } from '../../model/index.js';
import { fileSha256 } from '../../shared/hash.js';
import { fileExists } from '../../shared/read-user-file.js';
import type { ProbeEvidence } from '../types.js';
import { probeTraceSource, type ProbeTraceSource } from './probe-traces.js';
import { PROBE_RESULTS_FILE, probeInputsHash, readProbeResultsFile, type ProbeResultsFile } from './results-file.js';

/** Probe evidence for an audit: the results, what the report says about them, and the files they came from. */
export interface LoadedProbeEvidence {
  readonly evidence: ProbeEvidence;
  readonly summary: ProbeSummary;
  readonly sources: readonly EvidenceSource[];
  /** The agent's own traces of the probe runs, filed by trial, to be read as trace evidence. */
  readonly traces?: ProbeTraceSource;
}

/**
 * The results of the last `mimir probe`, judged for staleness: `absent` when there are none,
 * `stale` (with a warning for the user) when they were made with another mimir.yaml or scenarios
 * file, `loaded` otherwise.
 */
export type StoredProbeResults =
  | { readonly status: 'absent' }
  | { readonly status: 'stale'; readonly warning: string }
  | { readonly status: 'loaded'; readonly probes: LoadedProbeEvidence };

export async function loadProbeResults(probes: ProbesConfig, configDigest: string): Promise<StoredProbeResults> {
  const resultsPath = join(probes.out, PROBE_RESULTS_FILE);
  if (!(await fileExists(resultsPath))) return { status: 'absent' };
  const { results, sha256 } = await readProbeResultsFile(resultsPath);
  if (results.configHash !== (await probeInputsHash(configDigest, probes))) {
    return {
      status: 'stale',
      warning: `probe results in ${resultsPath} were made with a different probes section, tools list or scenarios file; ignored — run \`mimir audit --probe\` or \`mimir probe\` again`,
    };
  }
  return { status: 'loaded', probes: await probeEvidenceFrom(results, { source: 'file', resultsPath, resultsSha256: sha256 }) };
}

/** Probe results, whether just run or read back, as audit evidence: their summary and the digests of their files. */
export async function probeEvidenceFrom(
  results: ProbeResultsFile,
  from: { readonly source: ProbeSummary['source']; readonly resultsPath: string; readonly resultsSha256: string },
): Promise<LoadedProbeEvidence> {
  const { source, resultsPath, resultsSha256 } = from;
  const trials = results.evidence.scenarios.flatMap((s) => s.trials);
  const summary: ProbeSummary = {
    source,
    resultsPath,
    ...(results.evidence.ledgerPath !== undefined && { ledgerPath: results.evidence.ledgerPath }),
    generatedAt: results.generatedAt,
    scenarios: results.evidence.scenarios.length,
    trials: trials.length,
    passed: trials.filter((t) => t.verdict === 'pass').length,
    failed: trials.filter((t) => t.verdict === 'fail').length,
    inconclusive: trials.filter((t) => t.verdict === 'inconclusive').length,
    errored: trials.filter((t) => t.verdict === 'error').length,
    lostToHarness: trials.filter((t) => t.harnessCause !== undefined).length,
    skipped: results.skipped,
  };
  const sources: EvidenceSource[] = [{ kind: 'probe', path: resultsPath, sha256: resultsSha256 }];
  const { ledgerPath } = results.evidence;
  if (ledgerPath !== undefined && (await fileExists(ledgerPath))) sources.push({ kind: 'probe', path: ledgerPath, sha256: await fileSha256(ledgerPath) });
  const traces = await probeTraceSource(results);
  return { evidence: results.evidence, summary, sources, ...(traces && { traces }) };
}
