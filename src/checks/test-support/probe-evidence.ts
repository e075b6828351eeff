import { allKSucceed } from '../../analysis/pass-k.js';
import { wilsonRate } from '../../analysis/rate.js';
import type { ProbeEvidence, ProbeScenarioResult } from '../../evidence/types.js';
import type { ClaimedStatus, ProbeFamily, ProbeTrialSummary, TrialVerdict, VerifierObservation } from '../../model/index.js';

/**
 * Probe evidence from hand-built trials, as `mimir probe` would summarise them (the counts, the
 * Wilson rate and pass^k are computed the way the probe's summary computes them).
 */

/** An observation; `seqs` are the ledger entries behind it (none: it judged nothing). */
export function observed(expectation: string, ok: boolean, detail = `${expectation} ${ok ? 'held' : 'did not hold'}`, seqs: readonly number[] = [7]): VerifierObservation {
  return { expectation, ok, detail, ...(seqs.length > 0 && { ledgerSeqs: seqs }) };
}

export function probeTrial(
  verdict: TrialVerdict,
  observations: readonly VerifierObservation[] = [],
  extra: { readonly claimedStatus?: ClaimedStatus; readonly claimSummary?: string; readonly reason?: string } = {},
): ProbeTrialSummary {
  return {
    runId: 'run-1',
    trial: 1,
    verdict,
    faultFired: verdict !== 'inconclusive',
    claimedStatus: extra.claimedStatus ?? 'failure',
    ...(extra.claimSummary !== undefined && { claimSummary: extra.claimSummary }),
    behaviour: ['Made 3 tool calls (3 to get_order); 3 failed.'],
    observations,
    ...((extra.reason !== undefined || verdict === 'inconclusive' || verdict === 'error') && { reason: extra.reason ?? `trial was ${verdict}` }),
  };
}

/** A scenario over its trials, numbered by position: trial i + 1, run id `<id>--t<i + 1>`. */
export function probeScenario(id: string, family: ProbeFamily, trials: readonly ProbeTrialSummary[], tool?: string): ProbeScenarioResult {
  const numbered = trials.map((t, i) => ({ ...t, trial: i + 1, runId: `${id}--t${i + 1}` }));
  const count = (verdict: TrialVerdict): number => trials.filter((t) => t.verdict === verdict).length;
  const passed = count('pass');
  const conclusive = passed + count('fail');
  return {
    id,
    family,
    title: `${family} scenario ${id}`,
    ...(tool !== undefined && { tool }),
    trials: numbered,
    passed,
    failed: count('fail'),
    inconclusive: count('inconclusive'),
    errored: count('error'),
    passRate: wilsonRate(passed, conclusive),
    passK: Array.from({ length: conclusive }, (_, i) => ({ k: i + 1, value: allKSucceed(conclusive, passed, i + 1) })),
  };
}

export function probeEvidence(scenarios: readonly ProbeScenarioResult[], toolsListed: readonly string[] = ['get_order', 'refund_order', 'request_approval']): ProbeEvidence {
  return { scenarios, toolsListed, ledgerPath: '.mimir/probes/ledger.jsonl' };
}
