import type { ProbeEvidence, ProbeScenarioResult } from '../../evidence/types.js';
import type { ProbeTrialSummary, VerifierObservation } from '../../model/index.js';
import { html, textAnchor, trustedHtml, type Html } from '../html/escape.js';
import { htmlPage } from '../html/page.js';
import { REPORT_CSS } from '../html/styles.js';
import { formatInterval, formatPercent, plural } from '../present/index.js';
import { neutraliseControls } from '../text/wrap.js';
import { passRateBar } from './charts.js';
import {
  claimLabel,
  conclusiveTrials,
  formatPassK,
  passKAtConclusive,
  formatPassRate,
  observationDetail,
  observationSymbol,
  scenarioStatus,
  SCENARIO_STATUSES,
  statusLabel,
  statusOutcomeClass,
  statusSymbol,
  totalTrials,
  verdictCounts,
  verdictLabel,
  verdictSymbol,
  type ScenarioStatus,
} from './figures.js';
import { scenarioStory } from './story.js';
import { probeVerdict, scenariosWorstFirst, summarizeProbes } from './summary.js';
import { PROBE_CSS } from './styles.js';

/** The stylesheet of a page that shows probe results: the report's own, plus the probe section's. */
export const PROBE_PAGE_CSS = REPORT_CSS + PROBE_CSS;

/** A fragment identifier for a scenario (scenario ids are arbitrary text). */
export function probeScenarioAnchor(scenarioId: string): string {
  return textAnchor('probe-', scenarioId);
}

/**
 * "Measured by probes": the probe results as a section of the HTML report — the verdict and the
 * paragraph that says it, a table of every scenario worst first with its pass rate drawn with its
 * 95% interval, then a collapsible block per scenario that tells its story (what was done to the
 * agent, what it had to do, what it did) and lists every trial: run id, verdict, whether the fault
 * fired, what the agent claimed, what it did and what the verifier saw. Failing scenarios are open.
 * Needs PROBE_CSS on the page; all text is escaped by the `html` tag.
 */
export function renderProbesHtml(evidence: ProbeEvidence): string {
  return probesSectionHtml(evidence).value;
}

/** `renderProbesHtml` as `Html`, for composing into a page with the `html` tag. */
export function probesSectionHtml(evidence: ProbeEvidence): Html {
  const ordered = scenariosWorstFirst(evidence.scenarios);
  const anchors = scenarioAnchors(ordered);
  const section = html`<section class="probes" aria-labelledby="probes-title">
<h2 id="probes-title">Measured by probes</h2>
${summaryCard(evidence)}
${ordered.length === 0 ? null : scenarioTable(ordered, anchors)}
${ordered.length === 0 ? null : html`<div class="probe-details">
${ordered.map((s, i) => scenarioDetails(s, anchors[i] ?? probeScenarioAnchor(s.id)))}
</div>`}
</section>`;
  // Agent output can carry terminal escapes and other control characters: shown as U+FFFD, as in
  // the terminal report. Replacing a character with another cannot open markup.
  return trustedHtml(neutraliseControls(section.value));
}

/**
 * `mimir probe --format html`: the section alone on a self-contained page (no script, nothing
 * fetched), titled with the system's name when it is given.
 */
export function renderProbesHtmlPage(evidence: ProbeEvidence, systemName?: string): string {
  const verdict = probeVerdict(evidence);
  return htmlPage({
    title: html`Probes · ${verdict.text}${systemName === undefined ? '' : ` · ${systemName}`} · mimir`,
    css: PROBE_PAGE_CSS,
    main: html`<header><h1>mimir probes${systemName === undefined ? null : html` · ${systemName}`}</h1><p class="muted">The agent run under injected faults through mimir's MCP proxy, and judged by what it did to the world, not by what it said.</p></header>
${probesSectionHtml(evidence)}`,
  });
}

/** One anchor per scenario, unique on the page even when two scenarios share an id. */
function scenarioAnchors(ordered: readonly ProbeScenarioResult[]): readonly string[] {
  const seen = new Map<string, number>();
  return ordered.map((s) => {
    const base = probeScenarioAnchor(s.id);
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? base : `${base}--${count}`;
  });
}

function pill(status: ScenarioStatus): Html {
  return html`<span class="pill ${statusOutcomeClass(status)}">${statusSymbol(status)} ${statusLabel(status)}</span>`;
}

function fact(label: string, value: Html | string, className?: string): Html {
  return html`<dt>${label}</dt><dd${className === undefined ? null : html` class="${className}"`}>${value}</dd>`;
}

function summaryCard(evidence: ProbeEvidence): Html {
  const summary = summarizeProbes(evidence);
  const verdict = probeVerdict(evidence);
  return html`<div class="card probe-summary probe-summary-${verdict.status}">
<p class="probe-verdict tone-${verdict.status}">${statusSymbol(verdict.status)} ${verdict.text}</p>
<p class="probe-headline">${summary.headline}</p>
<dl class="facts">
${fact('Ran', `${plural(summary.scenarios, 'scenario')} · ${plural(summary.trials, 'trial')}`)}
${summary.trials === 0 ? null : fact('Trials', verdictCounts(summary))}
${evidence.toolsListed.length === 0 ? null : fact('Tools offered', html`<ul class="inline">${evidence.toolsListed.map((t) => html`<li><code>${t}</code></li>`)}</ul>`)}
${evidence.ledgerPath === undefined ? null : fact('Ledger', html`<code>${evidence.ledgerPath}</code>`)}
</dl>
</div>`;
}

/** A count cell: zeros recede, and a count of failed, inconclusive or errored trials takes its verdict's colour. */
function countCell(count: number, tone?: 'bad' | 'tone-inconclusive' | 'tone-error'): Html {
  return html`<td class="num${count === 0 ? ' zero' : tone === undefined ? '' : ` ${tone}`}">${count}</td>`;
}

function scenarioTable(ordered: readonly ProbeScenarioResult[], anchors: readonly string[]): Html {
  const rows = ordered.map((s, i) => {
    const status = scenarioStatus(s);
    const rate = s.passRate.rate;
    return html`<tr>
<td class="pill-cell">${pill(status)}</td>
<td class="scenario"><a href="#${anchors[i] ?? ''}">${s.title}</a><span class="family">${s.family}${s.tool === undefined ? null : html` · <code>${s.tool}</code>`}</span></td>
${countCell(totalTrials(s))}${countCell(s.passed)}${countCell(s.failed, 'bad')}${countCell(s.inconclusive, 'tone-inconclusive')}${countCell(s.errored, 'tone-error')}
<td class="rate">${
      rate === null
        ? html`<span class="not-measured">not measured</span>`
        : html`${passRateBar(s.passRate, status)}<span class="rate-text">${formatPercent(rate)} <span class="muted">${formatInterval(s.passRate.interval)}</span></span>`
    }</td>
<td class="num passk">${formatPassK(s) ?? html`<span class="muted">–</span>`}</td>
</tr>`;
  });
  const used = SCENARIO_STATUSES.filter((status) => ordered.some((s) => scenarioStatus(s) === status));
  return html`<figure class="probe-table">
<div class="table-wrap"><table class="probe-scenarios">
<thead><tr><th>Verdict</th><th>Scenario</th><th class="num">Trials</th><th class="num">Passed</th><th class="num">Failed</th><th class="num">Inconclusive</th><th class="num">Errored</th><th>Pass rate (95% CI)</th><th class="num">pass^k</th></tr></thead>
<tbody>${rows}</tbody>
</table></div>
<figcaption class="probe-key muted">Worst first. Pass rate is over conclusive trials (passed + failed); the whisker is its Wilson 95% interval. pass^k at k = the conclusive trials is the chance that all k pass in a row.${
    used.includes('inconclusive') ? ' Inconclusive: the fault never fired, so the trial shows nothing.' : ''
  }${used.includes('error') || ordered.some((s) => s.errored > 0) ? ' Errored: an infrastructure failure; excluded and counted.' : ''}</figcaption>
</figure>`;
}

function observationItem(observation: VerifierObservation): Html {
  return html`<li class="${observation.ok ? 'obs-ok' : 'obs-failed'}"><span class="mark" aria-label="${observation.ok ? 'held' : 'failed'}">${observationSymbol(observation)}</span><code>${observation.expectation}</code> ${observationDetail(observation)}</li>`;
}

function trialItem(trial: ProbeTrialSummary): Html {
  // A failed trial that claimed success is the silent failure the probe exists to catch: it stands out.
  const contradicted = trial.verdict === 'fail' && trial.claimedStatus === 'success';
  const reasonLabel = trial.verdict === 'inconclusive' ? 'Why inconclusive' : trial.verdict === 'error' ? 'Why it errored' : 'Note';
  return html`<li class="probe-trial probe-trial-${trial.verdict}">
<div class="probe-trial-head"><span class="trial-verdict tone-${trial.verdict === 'error' ? 'error' : trial.verdict}">${verdictSymbol(trial.verdict)} ${verdictLabel(trial.verdict)}</span><span>Trial ${trial.trial}</span><code>${trial.runId}</code><span>${trial.faultFired ? 'fault fired' : trial.verdict === 'inconclusive' ? html`<span class="tone-inconclusive">fault never fired</span>` : 'fault never fired'}</span><span${contradicted ? html` class="claim-contradicted"` : null}>${claimLabel(trial.claimedStatus)}</span></div>
${
  trial.behaviour.length === 0 && trial.observations.length === 0
    ? null
    : html`<div class="probe-trial-body">
<div><h5>What the agent did</h5>${trial.behaviour.length === 0 ? html`<p class="muted">nothing recorded</p>` : html`<ul>${trial.behaviour.map((b) => html`<li>${b}</li>`)}</ul>`}</div>
<div><h5>What the verifier saw</h5>${trial.observations.length === 0 ? html`<p class="muted">nothing recorded</p>` : html`<ul class="observations">${trial.observations.map(observationItem)}</ul>`}</div>
</div>`
}
${trial.reason === undefined ? null : html`<p class="probe-reason"><strong>${reasonLabel}:</strong> ${trial.reason}</p>`}
</li>`;
}

function scenarioDetails(scenario: ProbeScenarioResult, anchor: string): Html {
  const status = scenarioStatus(scenario);
  const story = scenarioStory(scenario);
  const conclusive = conclusiveTrials(scenario);
  const rate = formatPassRate(scenario.passRate);
  const passKAt = passKAtConclusive(scenario);
  const open = status === 'fail' || status === 'inconclusive' || status === 'error';
  return html`<details class="probe-scenario" id="${anchor}"${open ? trustedHtml(' open') : null}>
<summary><span class="summary-line">${pill(status)} <span class="title">${scenario.title}</span> <code>${scenario.family}</code> <span class="muted">${conclusive === 0 ? 'no conclusive trial' : `${scenario.passed} of ${conclusive} passed`}</span></span><span class="story">${story.sentence}</span></summary>
<div class="probe-body">
<dl class="facts">
${fact('Expected', story.expected)}
${fact('Result', story.result, `tone-${status}`)}
${story.notCounted === undefined ? null : fact('Not counted', story.notCounted.replace(/^Not counted: /, ''))}
${fact('Trials', `${totalTrials(scenario)}: ${verdictCounts(scenario)}`)}
${fact('Pass rate', rate ?? 'not measured: no conclusive trial', rate === undefined ? 'not-measured' : undefined)}
${passKAt === undefined ? null : fact(`pass^${passKAt.k}`, `${formatPercent(passKAt.value)}: the chance that ${passKAt.k === 1 ? 'the conclusive trial passes' : `all ${passKAt.k} conclusive trials pass in a row`}`)}
${fact('Scenario', html`<code>${scenario.id}</code>${scenario.tool === undefined ? null : html` · tool <code>${scenario.tool}</code>`}`)}
</dl>
${scenario.trials.length === 0 ? null : html`<h4>Every trial</h4>
<ol class="probe-trials">${scenario.trials.map(trialItem)}</ol>`}
</div>
</details>`;
}
