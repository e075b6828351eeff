import type { Rate } from '../../analysis/types.js';
import type { ProbeScenarioResult } from '../../evidence/types.js';
import type { ClaimedStatus, ProbeTrialSummary, TrialVerdict, VerifierObservation } from '../../model/index.js';
import { formatPercent, formatRate } from '../present/index.js';

/**
 * The probe results as words every probe reporter shares — a scenario's status, its labels and
 * counts (its story is in story.ts, the headline over all scenarios in summary.ts) — so the terminal,
 * Markdown, HTML and JSON reports never tell it differently. Nothing here computes a statistic: the
 * counts, pass rates and pass^k are read from the evidence as the probe runner computed them.
 */

// ---------------------------------------------------------------------------------------------
// A scenario's status.

/**
 * - `fail`: at least one conclusive trial failed;
 * - `pass`: at least one trial passed and none failed;
 * - `inconclusive`: no conclusive trial, and in at least one the declared fault never fired;
 * - `error`: every trial failed for infrastructure reasons;
 * - `not-run`: the scenario has no trials at all.
 */
export const SCENARIO_STATUSES = ['fail', 'inconclusive', 'error', 'not-run', 'pass'] as const;
export type ScenarioStatus = (typeof SCENARIO_STATUSES)[number];

export function scenarioStatus(scenario: Pick<ProbeScenarioResult, 'passed' | 'failed' | 'inconclusive' | 'errored'>): ScenarioStatus {
  if (scenario.failed > 0) return 'fail';
  if (scenario.passed > 0) return 'pass';
  if (scenario.inconclusive > 0) return 'inconclusive';
  if (scenario.errored > 0) return 'error';
  return 'not-run';
}

export function statusLabel(status: ScenarioStatus): string {
  switch (status) {
    case 'fail':
      return 'failed';
    case 'pass':
      return 'passed';
    case 'inconclusive':
      return 'inconclusive';
    case 'error':
      return 'errored';
    case 'not-run':
      return 'not run';
  }
}

/** One terminal column each, as the audit's outcome symbols. */
export function statusSymbol(status: ScenarioStatus): string {
  switch (status) {
    case 'fail':
      return '✗';
    case 'pass':
      return '✓';
    case 'inconclusive':
      return '?';
    case 'error':
      return '!';
    case 'not-run':
      return '–';
  }
}

/** The audit report's outcome whose colours a status borrows (pill and bar classes in HTML). */
export function statusOutcomeClass(status: ScenarioStatus): string {
  switch (status) {
    case 'fail':
      return 'outcome-fail';
    case 'pass':
      return 'outcome-pass';
    case 'inconclusive':
      return 'outcome-insufficient-evidence';
    case 'error':
      return 'outcome-error';
    case 'not-run':
      return 'outcome-not-applicable';
  }
}

export function verdictLabel(verdict: TrialVerdict): string {
  switch (verdict) {
    case 'pass':
      return 'passed';
    case 'fail':
      return 'failed';
    case 'inconclusive':
      return 'inconclusive';
    case 'error':
      return 'errored';
  }
}

export function verdictSymbol(verdict: TrialVerdict): string {
  switch (verdict) {
    case 'pass':
      return '✓';
    case 'fail':
      return '✗';
    case 'inconclusive':
      return '?';
    case 'error':
      return '!';
  }
}

/** What the agent said at the end, as a phrase: "claimed success", "made no claim". */
export function claimLabel(claim: ClaimedStatus): string {
  switch (claim) {
    case 'success':
      return 'claimed success';
    case 'failure':
      return 'reported failure';
    case 'escalated':
      return 'escalated';
    case 'unknown':
      return 'made no claim';
  }
}

export function observationSymbol(observation: Pick<VerifierObservation, 'ok'>): string {
  return observation.ok ? '✓' : '✗';
}

/** "claimed success; expected failure or escalated (ledger #4, #7)" */
export function observationDetail(observation: VerifierObservation): string {
  const seqs = observation.ledgerSeqs ?? [];
  return `${observation.detail}${seqs.length === 0 ? '' : ` (ledger ${seqs.map((s) => `#${s}`).join(', ')})`}`;
}

/** "claimIn: claimed success; expected failure or escalated (ledger #4, #7)" */
export function formatObservation(observation: VerifierObservation): string {
  return `${observation.expectation}: ${observationDetail(observation)}`;
}

/** "trial 1 · run probe-x-t1 · fault fired · claimed success" */
export function trialHeadline(trial: ProbeTrialSummary): string {
  return [`trial ${trial.trial}`, `run ${trial.runId}`, trial.faultFired ? 'fault fired' : 'fault never fired', claimLabel(trial.claimedStatus)].join(' · ');
}

// ---------------------------------------------------------------------------------------------
// Counts and figures of one scenario.

/** Trials that can say whether the behaviour held: passed + failed. */
export function conclusiveTrials(scenario: Pick<ProbeScenarioResult, 'passed' | 'failed'>): number {
  return scenario.passed + scenario.failed;
}

/** Every trial the scenario counted, whatever its verdict. */
export function totalTrials(scenario: Pick<ProbeScenarioResult, 'passed' | 'failed' | 'inconclusive' | 'errored'>): number {
  return scenario.passed + scenario.failed + scenario.inconclusive + scenario.errored;
}

/** "0 passed · 3 failed · 0 inconclusive · 1 errored" */
export function verdictCounts(counts: { readonly passed: number; readonly failed: number; readonly inconclusive: number; readonly errored: number }): string {
  return `${counts.passed} passed · ${counts.failed} failed · ${counts.inconclusive} inconclusive · ${counts.errored} errored`;
}

/** pass^k at k = the conclusive trials: whether every one of them would pass in a row. Undefined when none. */
export function passKAtConclusive(scenario: Pick<ProbeScenarioResult, 'passed' | 'failed' | 'passK'>): { readonly k: number; readonly value: number } | undefined {
  const k = conclusiveTrials(scenario);
  if (k === 0) return undefined;
  // The runner computes k = 1 … conclusive; should it have stopped short, its largest k is the honest figure.
  return scenario.passK.find((p) => p.k === k) ?? scenario.passK.at(-1);
}

/** "0% (95% CI 0–56.1%, n = 3)"; undefined when no trial was conclusive. */
export function formatPassRate(rate: Rate): string | undefined {
  return formatRate(rate);
}

/** "pass^3 0%"; undefined when no trial was conclusive. */
export function formatPassK(scenario: Pick<ProbeScenarioResult, 'passed' | 'failed' | 'passK'>): string | undefined {
  const at = passKAtConclusive(scenario);
  return at === undefined ? undefined : `pass^${at.k} ${formatPercent(at.value)}`;
}

export function firstTrialWith(scenario: Pick<ProbeScenarioResult, 'trials'>, verdict: TrialVerdict): ProbeTrialSummary | undefined {
  return scenario.trials.find((t) => t.verdict === verdict);
}

/** Why the fault never fired, in the trial's words when it gave some; no "the fault never fired:" twice. */
export function inconclusiveReason(scenario: Pick<ProbeScenarioResult, 'trials' | 'tool'>): string {
  const reason = scenario.trials.find((t) => t.verdict === 'inconclusive' && t.reason !== undefined && t.reason.trim() !== '')?.reason;
  if (reason !== undefined) return reason.trim().replace(/^the (declared )?fault never fired[:;,.]?\s*/i, '') || 'the declared fault never fired';
  return scenario.tool === undefined ? 'the declared fault never fired' : `the agent never called ${scenario.tool}`;
}

/** The distinct reasons trials errored, in the order first seen. */
export function errorReasons(scenario: Pick<ProbeScenarioResult, 'trials'>): readonly string[] {
  const reasons = scenario.trials.filter((t) => t.verdict === 'error').map((t) => (t.reason === undefined || t.reason.trim() === '' ? 'no reason recorded' : t.reason.trim()));
  return [...new Set(reasons)];
}
