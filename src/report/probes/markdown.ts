import type { ProbeEvidence, ProbeScenarioResult } from '../../evidence/types.js';
import type { ProbeTrialSummary } from '../../model/index.js';
import { markdownCode, markdownText } from '../markdown/escape.js';
import { formatInterval, formatPercent, limitList, plural } from '../present/index.js';
import { neutraliseControls } from '../text/wrap.js';
import {
  claimLabel,
  formatPassK,
  formatPassRate,
  firstTrialWith,
  observationDetail,
  observationSymbol,
  scenarioStatus,
  statusLabel,
  statusSymbol,
  totalTrials,
} from './figures.js';
import { scenarioStory } from './story.js';
import { probeVerdict, scenariosWorstFirst, summarizeProbes } from './summary.js';

/** Other failing or errored trials named under a scenario; the JSON and HTML reports list every trial. */
const MAX_TRIALS_NAMED = 10;

const md = markdownText;
const cell = (text: string): string => markdownText(text, { table: true });

/**
 * The probe results as a Markdown section for a PR comment, in the audit report's layout: the
 * verdict and the paragraph that says it, a table of every scenario worst first, and what happened
 * in each — the story, the first failing trial, what the agent did and what the verifier saw —
 * folded away. Starts at a `###` heading, to sit under the audit's `##` verdict.
 */
export function renderProbesMarkdown(evidence: ProbeEvidence): string {
  const summary = summarizeProbes(evidence);
  const verdict = probeVerdict(evidence);
  const blocks = [`### ${statusSymbol(verdict.status)} Probes: ${verdict.text}`, md(summary.headline)];
  const facts = [`${plural(summary.scenarios, 'scenario')} · ${plural(summary.trials, 'trial')}`];
  if (evidence.toolsListed.length > 0) facts.push(`${plural(evidence.toolsListed.length, 'tool')} offered through the proxy`);
  blocks.push(`_${md(facts.join(' · '))}_${evidence.ledgerPath === undefined ? '' : ` · ledger ${markdownCode(evidence.ledgerPath)}`}`);
  const ordered = scenariosWorstFirst(evidence.scenarios);
  if (ordered.length > 0) blocks.push(scenarioTable(ordered), scenarioDetails(ordered));
  // Agent output can carry terminal escapes and stray carriage returns: shown as U+FFFD, as in the terminal report.
  return neutraliseControls(`${blocks.join('\n\n')}\n`);
}

function scenarioTable(ordered: readonly ProbeScenarioResult[]): string {
  const rows = ordered.map((s) => {
    const status = scenarioStatus(s);
    const rate = s.passRate.rate === null ? 'not measured' : `${formatPercent(s.passRate.rate)} (${formatInterval(s.passRate.interval)})`;
    return `| ${statusSymbol(status)} ${statusLabel(status)} | **${cell(s.title)}**<br>${markdownCode(s.id, { table: true })} | ${cell(s.family)} | ${totalTrials(s)} | ${s.passed} | ${s.failed} | ${s.inconclusive} | ${s.errored} | ${rate} | ${formatPassK(s) ?? '–'} |`;
  });
  return [
    '| | Scenario | Family | Trials | Passed | Failed | Inconclusive | Errored | Pass rate (95% CI) | pass^k |',
    '| :-- | :-- | :-- | --: | --: | --: | --: | --: | :-- | :-- |',
    ...rows,
  ].join('\n');
}

function trialRef(trial: ProbeTrialSummary): string {
  return `trial ${trial.trial} (run ${markdownCode(trial.runId)})`;
}

/** A trial as nested list items: its headline, then what the agent did and what the verifier saw. */
function trialItems(label: string, trial: ProbeTrialSummary): string[] {
  const lines = [`- **${label}:** ${trialRef(trial)} · ${trial.faultFired ? 'fault fired' : 'fault never fired'} · ${claimLabel(trial.claimedStatus)}`];
  if (trial.behaviour.length > 0) lines.push('  - **The agent did:**', ...trial.behaviour.map((b) => `    - ${md(b)}`));
  const failed = trial.observations.filter((o) => !o.ok);
  const held = trial.observations.length - failed.length;
  if (trial.observations.length > 0) {
    lines.push(
      '  - **The verifier saw:**',
      ...failed.map((o) => `    - ${observationSymbol(o)} ${markdownCode(o.expectation)}: ${md(observationDetail(o))}`),
      ...(held > 0 ? [`    - ✓ ${failed.length === 0 ? plural(held, 'expectation') : `${held} other ${held === 1 ? 'expectation' : 'expectations'}`} held`] : []),
    );
  }
  return lines;
}

function namedTrials(trials: readonly ProbeTrialSummary[], withReason: boolean): string {
  const { shown, more } = limitList(trials, MAX_TRIALS_NAMED);
  return shown.map((t) => `${trialRef(t)}${withReason && t.reason !== undefined ? `: ${md(t.reason)}` : ''}`).join('; ') + (more > 0 ? `; and ${more} more (see the JSON report)` : '');
}

function scenarioSection(scenario: ProbeScenarioResult): string {
  const status = scenarioStatus(scenario);
  const story = scenarioStory(scenario);
  const lines = [
    `#### ${statusSymbol(status)} ${md(scenario.title)}`,
    '',
    `${markdownCode(scenario.id)} · ${md(scenario.family)}${scenario.tool === undefined ? '' : ` · tool ${markdownCode(scenario.tool)}`} · ${statusLabel(status)}`,
    '',
    `**${md(story.sentence)}**`,
    '',
    `- **Expected:** ${md(story.expected)}`,
  ];
  if (story.notCounted !== undefined) lines.push(`- **Not counted:** ${md(story.notCounted.replace(/^Not counted: /, ''))}`);
  const rate = formatPassRate(scenario.passRate);
  lines.push(`- **Pass rate:** ${rate === undefined ? 'not measured: no conclusive trial' : md(rate)}${rate === undefined ? '' : ` · ${formatPassK(scenario) ?? ''}`}`);
  switch (status) {
    case 'fail': {
      const failing = scenario.trials.filter((t) => t.verdict === 'fail');
      const [first, ...others] = failing;
      if (first !== undefined) lines.push(...trialItems('First failing trial', first));
      if (others.length > 0) lines.push(`- **Also failed:** ${namedTrials(others, false)}`);
      break;
    }
    case 'inconclusive': {
      const first = firstTrialWith(scenario, 'inconclusive');
      if (first !== undefined) lines.push(...trialItems('First trial', first));
      break;
    }
    case 'pass':
    case 'error':
    case 'not-run':
      break;
  }
  const errored = scenario.trials.filter((t) => t.verdict === 'error');
  if (errored.length > 0) lines.push(`- **Errored:** ${namedTrials(errored, status !== 'error')}`);
  lines.push('');
  return lines.join('\n');
}

function scenarioDetails(ordered: readonly ProbeScenarioResult[]): string {
  return ['<details>', '<summary>What happened in each scenario</summary>', '', ...ordered.map(scenarioSection), '</details>'].join('\n');
}
