import type { Rate } from '../../analysis/types.js';
import type { ProbeEvidence, ProbeScenarioResult } from '../../evidence/types.js';
import type { ProbeFamily, ProbeTrialSummary } from '../../model/index.js';
import { passKAtConclusive, scenarioStatus, type ScenarioStatus } from './figures.js';
import { scenarioStory, type ScenarioStory } from './story.js';
import { summarizeProbes, type ProbeSummary } from './summary.js';

/** Bumped when a field is renamed or removed; new fields do not bump it. */
export const PROBES_JSON_SCHEMA_VERSION = 1;

export interface ProbeScenarioJson {
  readonly id: string;
  readonly family: ProbeFamily;
  readonly title: string;
  readonly tool?: string;
  /** Derived from the counts: fail, inconclusive, error, not-run or pass. */
  readonly status: ScenarioStatus;
  /** The same words the terminal, Markdown and HTML reports print. */
  readonly story: ScenarioStory;
  readonly passed: number;
  readonly failed: number;
  readonly inconclusive: number;
  readonly errored: number;
  readonly passRate: Rate;
  /** pass^k at k = the conclusive trials; null when no trial was conclusive. */
  readonly passKAtConclusive: { readonly k: number; readonly value: number } | null;
  readonly passK: ProbeScenarioResult['passK'];
  /** Every trial, in the order it ran. */
  readonly trials: readonly ProbeTrialSummary[];
}

export interface ProbesJson {
  readonly schemaVersion: typeof PROBES_JSON_SCHEMA_VERSION;
  readonly summary: ProbeSummary;
  readonly toolsListed: readonly string[];
  readonly ledgerPath?: string;
  /** In the order the probe ran them; `status` says which failed. */
  readonly scenarios: readonly ProbeScenarioJson[];
}

/**
 * The probe results as a plain JSON-able object (no Maps, no undefined values, no class instances),
 * for the report JSON and for scripts. Nothing is rounded or dropped: counts, rates and every trial
 * are as the probe runner recorded them, with the status and story the other reports print beside them.
 */
export function probesToJson(evidence: ProbeEvidence): ProbesJson {
  return {
    schemaVersion: PROBES_JSON_SCHEMA_VERSION,
    summary: summarizeProbes(evidence),
    toolsListed: [...evidence.toolsListed],
    ...(evidence.ledgerPath !== undefined && { ledgerPath: evidence.ledgerPath }),
    scenarios: evidence.scenarios.map(scenarioJson),
  };
}

function scenarioJson(scenario: ProbeScenarioResult): ProbeScenarioJson {
  return {
    id: scenario.id,
    family: scenario.family,
    title: scenario.title,
    ...(scenario.tool !== undefined && { tool: scenario.tool }),
    status: scenarioStatus(scenario),
    story: scenarioStory(scenario),
    passed: scenario.passed,
    failed: scenario.failed,
    inconclusive: scenario.inconclusive,
    errored: scenario.errored,
    passRate: { successes: scenario.passRate.successes, trials: scenario.passRate.trials, rate: scenario.passRate.rate, interval: scenario.passRate.interval === null ? null : [scenario.passRate.interval[0], scenario.passRate.interval[1]] },
    passKAtConclusive: passKAtConclusive(scenario) ?? null,
    passK: scenario.passK.map((p) => ({ k: p.k, value: p.value })),
    trials: scenario.trials.map(trialJson),
  };
}

/** A copy with only the trial's own fields, optional ones left out rather than undefined. */
function trialJson(trial: ProbeTrialSummary): ProbeTrialSummary {
  return {
    runId: trial.runId,
    trial: trial.trial,
    verdict: trial.verdict,
    faultFired: trial.faultFired,
    claimedStatus: trial.claimedStatus,
    behaviour: [...trial.behaviour],
    observations: trial.observations.map((o) => ({ expectation: o.expectation, ok: o.ok, detail: o.detail, ...(o.ledgerSeqs !== undefined && { ledgerSeqs: [...o.ledgerSeqs] }) })),
    ...(trial.reason !== undefined && { reason: trial.reason }),
  };
}

/** `probesToJson` as pretty JSON text, for `--format json` and golden files. */
export function renderProbesJson(evidence: ProbeEvidence): string {
  return `${JSON.stringify(probesToJson(evidence), null, 2)}\n`;
}
