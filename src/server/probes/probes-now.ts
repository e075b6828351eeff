import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { ProbesConfig } from '../../config/load-config.js';
import type { ProbeScenarioResult } from '../../evidence/types.js';
import { loadProbeResults } from '../../evidence/probe/load-probe-results.js';
import { PROBE_RESULTS_FILE, readProbeResultsFile } from '../../evidence/probe/results-file.js';
import { UserError } from '../../shared/errors.js';
import type { ProbesNow } from '../http/api-contract.js';

/** Where the server finds probe results: mimir.yaml's probes section, and the digest that tells stale results apart. */
export interface ProbeResultsSource {
  readonly probes: ProbesConfig;
  /** `probeConfigDigest` of the mimir.yaml the server was started with. */
  readonly configDigest: string;
}

/**
 * The latest probe results, read from the file at each request (a `mimir probe` beside the server
 * rewrites it) by the loader `mimir audit` uses, staleness included: results made with another
 * probes section, tools list or scenarios file are shown marked stale, since the audit ignores them.
 */
export async function probesNow(source: ProbeResultsSource | undefined): Promise<ProbesNow | { readonly error: string; readonly problems: readonly string[] }> {
  if (source === undefined) return { source: undefined, ranAt: undefined, stale: false, probes: [] };
  const path = join(source.probes.out, PROBE_RESULTS_FILE);
  try {
    const loaded = await loadProbeResults(source.probes, source.configDigest);
    if (loaded.status === 'absent') return { source: path, ranAt: undefined, stale: false, probes: [] };
    if (loaded.status === 'loaded') return { source: path, ranAt: loaded.probes.summary.generatedAt, stale: false, probes: loaded.probes.evidence.scenarios.map(probeView) };
    const { results } = await readProbeResultsFile(path);
    return { source: path, ranAt: results.generatedAt, stale: true, staleReason: loaded.warning, probes: results.evidence.scenarios.map(probeView) };
  } catch (error) {
    // A damaged or hand-edited results file is never evidence: said so, located, as `mimir audit` would.
    if (!(error instanceof UserError)) throw error;
    return { error: error.message, problems: error.problems.map((problem) => problem.message) };
  }
}

function probeView(scenario: ProbeScenarioResult): ProbesNow['probes'][number] {
  const notCounted = [scenario.inconclusive > 0 && `${scenario.inconclusive} inconclusive`, scenario.errored > 0 && `${scenario.errored} errored`].filter(Boolean);
  return {
    id: scenario.id,
    family: scenario.family,
    tool: scenario.tool,
    passRate: scenario.passRate.rate,
    trials: scenario.trials.length,
    passed: scenario.passed,
    summary: `${scenario.title}: ${scenario.passed} of ${scenario.trials.length} trials passed, ${scenario.failed} failed${notCounted.length > 0 ? `, ${notCounted.join(', ')}` : ''}`,
  };
}

/** `GET /api/probes`: ProbesNow; 422 with the problems when the results file is damaged. */
export async function handleProbes(request: IncomingMessage, response: ServerResponse, source: ProbeResultsSource | undefined): Promise<void> {
  request.resume();
  const headers = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
  if (request.method !== 'GET') {
    response.writeHead(405, headers).end(JSON.stringify({ error: `${request.method ?? ''} /api/probes is not supported: probe results are read with GET` }));
    return;
  }
  const now = await probesNow(source);
  response.writeHead('error' in now ? 422 : 200, headers).end(JSON.stringify(now));
}
