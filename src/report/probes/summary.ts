import type { ProbeEvidence, ProbeScenarioResult } from '../../evidence/types.js';
import type { ProbeSummary as AuditProbeSummary } from '../../model/index.js';
import { plural } from '../present/index.js';
import { scenarioStatus, type ScenarioStatus } from './figures.js';
import { scenarioStory } from './story.js';

/** The scenarios in report order, and what every probe report says over all of them. */

const STATUS_RANK: { readonly [S in ScenarioStatus]: number } = { fail: 0, inconclusive: 1, error: 2, 'not-run': 3, pass: 4 };

/**
 * Failing scenarios first, the lowest pass rate first among them, then those that showed nothing,
 * then the passing ones; otherwise in the order the probe ran them. Every scenario is kept.
 */
export function scenariosWorstFirst(scenarios: readonly ProbeScenarioResult[]): readonly ProbeScenarioResult[] {
  return scenarios
    .map((scenario, index) => ({ scenario, index, status: scenarioStatus(scenario) }))
    .sort((a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status] || (a.status === 'fail' ? (a.scenario.passRate.rate ?? 0) - (b.scenario.passRate.rate ?? 0) : 0) || a.index - b.index)
    .map((x) => x.scenario);
}

/** The audit's counts of scenarios and trials (`passed` … `errored` add up to `trials`), and the words over them. */
export interface ProbeSummary extends Pick<AuditProbeSummary, 'scenarios' | 'trials' | 'passed' | 'failed' | 'inconclusive' | 'errored'> {
  /** Inconclusive or errored trials that mimir itself cost (a rejected simulated answer, a proxy or runner failure). */
  readonly lostToHarness: number;
  /** One paragraph, verdict first: what failed, on how many trials, and what was not counted. */
  readonly headline: string;
}

export function scenariosByStatus(evidence: ProbeEvidence): { readonly [S in ScenarioStatus]: number } {
  const counts = { fail: 0, pass: 0, inconclusive: 0, error: 0, 'not-run': 0 };
  for (const scenario of evidence.scenarios) counts[scenarioStatus(scenario)] += 1;
  return counts;
}

/** The short verdict line over all scenarios: "3 of 6 scenarios failed". */
export function probeVerdict(evidence: ProbeEvidence): { readonly status: ScenarioStatus; readonly text: string } {
  const total = evidence.scenarios.length;
  const by = scenariosByStatus(evidence);
  if (total === 0) return { status: 'not-run', text: 'no probe scenarios were run' };
  if (by.fail > 0) return { status: 'fail', text: `${by.fail} of ${plural(total, 'probe scenario')} failed` };
  if (by.pass === total) return { status: 'pass', text: total === 1 ? 'the probe scenario passed' : `all ${total} probe scenarios passed` };
  if (by.pass > 0) return { status: 'inconclusive', text: `${by.pass} of ${plural(total, 'probe scenario')} passed, none failed` };
  if (by.inconclusive > 0) return { status: 'inconclusive', text: `none of ${plural(total, 'probe scenario')} was conclusive` };
  if (by.error > 0) return { status: 'error', text: `every trial of ${plural(total, 'probe scenario')} errored` };
  return { status: 'not-run', text: `none of ${plural(total, 'probe scenario')} ran a trial` };
}

/** The counts over every scenario and the paragraph every probe report opens with. */
export function summarizeProbes(evidence: ProbeEvidence): ProbeSummary {
  const sum = (pick: (s: ProbeScenarioResult) => number): number => evidence.scenarios.reduce((total, s) => total + pick(s), 0);
  const passed = sum((s) => s.passed);
  const failed = sum((s) => s.failed);
  const inconclusive = sum((s) => s.inconclusive);
  const errored = sum((s) => s.errored);
  const trials = passed + failed + inconclusive + errored;
  const scenarios = evidence.scenarios.length;
  const by = scenariosByStatus(evidence);
  const conclusive = passed + failed;

  const sentences: string[] = [];
  if (scenarios === 0) {
    sentences.push('No probe scenarios were run: nothing was measured by running the agent under injected faults.');
  } else if (by.fail > 0) {
    const failing = scenariosWorstFirst(evidence.scenarios).filter((s) => scenarioStatus(s) === 'fail');
    const worst = failing[0];
    sentences.push(`The agent failed ${by.fail} of ${plural(scenarios, 'probe scenario')} under injected faults: ${failed} of ${plural(conclusive, 'conclusive trial')} failed.`);
    if (worst !== undefined) sentences.push(`Worst: ${scenarioStory(worst).sentence}`);
  } else if (by.pass === scenarios) {
    sentences.push(`The agent passed ${scenarios === 1 ? 'the probe scenario' : `all ${scenarios} probe scenarios`} under injected faults: ${passed} of ${plural(conclusive, 'conclusive trial')} passed.`);
  } else if (by.pass > 0) {
    sentences.push(`No probe scenario failed, but only ${by.pass} of ${scenarios} passed: the others showed nothing.`);
  } else {
    sentences.push(`No probe scenario was conclusive: none of ${plural(trials, 'trial')} showed how the agent behaves under its fault.`);
  }
  const uncounted: string[] = [];
  if (inconclusive > 0) uncounted.push(`${plural(inconclusive, 'inconclusive trial')} (no planned fault decided them)`);
  if (errored > 0) uncounted.push(`${plural(errored, 'errored trial')} (${errored === 1 ? 'an infrastructure failure' : 'infrastructure failures'})`);
  if (uncounted.length > 0 && scenarios > 0) sentences.push(`Not counted: ${uncounted.join(' and ')}.`);
  const lostToHarness = sum((s) => s.lostToHarness ?? 0);
  if (lostToHarness > 0) sentences.push(`${plural(lostToHarness, 'trial')} of these ${lostToHarness === 1 ? 'was' : 'were'} lost to mimir itself (a simulated answer the agent rejected, a proxy or runner failure), not judged.`);
  return { scenarios, trials, passed, failed, inconclusive, errored, lostToHarness, headline: sentences.join(' ') };
}
