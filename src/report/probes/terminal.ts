import picocolors from 'picocolors';
import type { ProbeEvidence, ProbeScenarioResult } from '../../evidence/types.js';
import type { ProbeTrialSummary } from '../../model/index.js';
import { formatInterval, formatPercent, limitList, plural } from '../present/index.js';
import { labelledField } from '../text/layout.js';
import { graphemes, neutraliseControls, padEndVisible, padStartVisible, visibleWidth, wrap } from '../text/wrap.js';
import type { RenderOptions } from '../types.js';
import {
  conclusiveTrials,
  firstTrialWith,
  formatObservation,
  formatPassRate,
  observationSymbol,
  passKAtConclusive,
  SCENARIO_STATUSES,
  scenarioStatus,
  statusLabel,
  statusSymbol,
  totalTrials,
  trialHeadline,
  verdictCounts,
  type ScenarioStatus,
} from './figures.js';
import { scenarioStory } from './story.js';
import { probeVerdict, scenariosWorstFirst, summarizeProbes } from './summary.js';

type Colors = ReturnType<typeof picocolors.createColors>;
type Paint = (text: string) => string;

/** Labels of a scenario's fields line up in this column (the longest, "first failure", just fits). */
const FIELD = { indent: 2, labelWidth: 14 } as const;
/** Tools named in the header; the JSON report lists them all. */
const MAX_TOOLS_SHOWN = 12;
/** Other failing or errored trials named under a scenario; the JSON and HTML reports list every trial. */
const MAX_TRIALS_NAMED = 5;
const TABLE_INDENT = 2;
const GAP = 2;
/** A scenario title narrower than this is unreadable: the overview is then one wrapped line per scenario. */
const MIN_TITLE = 12;

/**
 * Probe results in a terminal or CI log, verdict first: how many scenarios failed and the paragraph
 * that says so, an overview of every scenario worst first, then a block per scenario — what was done
 * to the agent, what it had to do, what it did, the counts, pass rate with its Wilson interval and
 * pass^k — and under a failing scenario its first failing trial: what the agent did and what the
 * verifier saw. Lays out for `options.width` columns and never exceeds it; colour only when asked.
 */
export function renderProbesTerminal(evidence: ProbeEvidence, options: Pick<RenderOptions, 'color' | 'width'>): string {
  // Colour comes from the option only, never from the environment, so rendering stays pure.
  const c = picocolors.createColors(options.color);
  const width = Math.max(20, Math.floor(options.width));
  const ordered = scenariosWorstFirst(evidence.scenarios);
  const blocks = [header(evidence, width, c), ...(ordered.length === 0 ? [] : [overview(ordered, width, c), ...ordered.map((s) => scenarioBlock(s, width, c))])];
  return `${blocks.map((lines) => lines.join('\n')).join('\n\n')}\n`;
}

function statusPaint(status: ScenarioStatus, c: Colors): Paint {
  switch (status) {
    case 'fail':
    case 'error':
      return c.red;
    case 'pass':
      return c.green;
    case 'inconclusive':
      return c.magenta;
    case 'not-run':
      return c.dim;
  }
}

function field(label: string, text: string, width: number, paint: Paint = (s) => s): string[] {
  return labelledField(label, text, width, FIELD).map(paint);
}

/**
 * A labelled list, one item per entry, each wrapped under itself after its marker:
 *
 *     verifier saw  ✗ claimIn: claimed success; expected failure or
 *                     escalated (ledger #12)
 */
function listField(label: string, items: readonly { readonly marker: string; readonly text: string; readonly paint?: Paint }[], width: number): string[] {
  const pad = ' '.repeat(FIELD.indent);
  const labelColumn = Math.max(FIELD.labelWidth, label.length + 1);
  const narrow = width - FIELD.indent - labelColumn < 20;
  const lines: string[] = narrow ? [`${pad}${label}`] : [];
  items.forEach((item, i) => {
    const lead = narrow ? `${pad}  ` : i === 0 ? `${pad}${label.padEnd(labelColumn)}` : ' '.repeat(FIELD.indent + labelColumn);
    const marker = `${item.marker} `;
    const wrapped = wrap(item.text, width, { firstPrefix: lead + marker, restPrefix: ' '.repeat(visibleWidth(lead) + visibleWidth(marker)) });
    const paint = item.paint;
    // Only the marker takes the colour: the text must stay readable in every terminal theme.
    lines.push(...wrapped.map((line, j) => (j === 0 && paint !== undefined ? lead + paint(item.marker) + line.slice(lead.length + item.marker.length) : line)));
  });
  return lines;
}

function header(evidence: ProbeEvidence, width: number, c: Colors): string[] {
  const summary = summarizeProbes(evidence);
  const verdict = probeVerdict(evidence);
  const paint = statusPaint(verdict.status, c);
  const lines = wrap(`mimir probes: ${statusSymbol(verdict.status)} ${verdict.text}`, width).map((line) => c.bold(paint(line)));
  lines.push(...wrap(summary.headline, width));
  lines.push(...field('ran', `${plural(summary.scenarios, 'scenario')} · ${plural(summary.trials, 'trial')}`, width));
  if (summary.trials > 0) lines.push(...field('trials', verdictCounts(summary), width));
  const tools = limitList(evidence.toolsListed, MAX_TOOLS_SHOWN);
  if (tools.shown.length > 0) {
    lines.push(...field('tools offered', `${evidence.toolsListed.length} through the proxy: ${tools.shown.join(', ')}${tools.more > 0 ? ` and ${tools.more} more` : ''}`, width, c.dim));
  }
  if (evidence.ledgerPath !== undefined) lines.push(...field('ledger', evidence.ledgerPath, width, c.dim));
  return lines;
}

/** Cuts text to `width` visible characters, marking the cut. */
function truncate(text: string, width: number): string {
  const chars = graphemes(neutraliseControls(text));
  return chars.length <= width ? chars.join('') : `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

/** Every scenario on one line, worst first: mark, passed of conclusive, pass rate and interval, title. */
function overview(ordered: readonly ProbeScenarioResult[], width: number, c: Colors): string[] {
  const lines = wrap('Scenarios, worst first', width).map((line) => c.bold(line));
  const rows = ordered.map((s) => {
    const conclusive = conclusiveTrials(s);
    const rate = s.passRate.rate;
    return {
      status: scenarioStatus(s),
      passed: conclusive === 0 ? '–' : `${s.passed} of ${conclusive}`,
      rate: rate === null ? '–' : formatPercent(rate),
      interval: s.passRate.interval === null ? '' : formatInterval(s.passRate.interval),
      title: s.title,
    };
  });
  const columns = [
    { header: 'passed', width: Math.max(6, ...rows.map((r) => r.passed.length)) },
    { header: 'rate', width: Math.max(4, ...rows.map((r) => r.rate.length)) },
    { header: '95% CI', width: Math.max(6, ...rows.map((r) => r.interval.length)) },
  ];
  const fixed = TABLE_INDENT + 1 + columns.reduce((sum, col) => sum + GAP + col.width, 0) + GAP;
  const room = width - fixed;
  if (room < MIN_TITLE) {
    // Too narrow for columns: one wrapped line per scenario, every figure named.
    for (const r of rows) {
      const figures = r.passed === '–' ? 'no conclusive trial' : `${r.passed} passed, ${r.rate} (95% CI ${r.interval})`;
      const wrapped = wrap(`${figures}: ${r.title}`, width, { firstPrefix: `${' '.repeat(TABLE_INDENT)}${statusSymbol(r.status)} ` });
      lines.push(...wrapped.map((line, i) => (i === 0 ? ' '.repeat(TABLE_INDENT) + statusPaint(r.status, c)(statusSymbol(r.status)) + line.slice(TABLE_INDENT + 1) : line)));
    }
  } else {
    const [passed, rate, interval] = columns as [(typeof columns)[0], (typeof columns)[0], (typeof columns)[0]];
    const row = (mark: string, cells: readonly [string, string, string], title: string): string =>
      `${' '.repeat(TABLE_INDENT)}${mark}${' '.repeat(GAP)}${padStartVisible(cells[0], passed.width)}${' '.repeat(GAP)}${padStartVisible(cells[1], rate.width)}${' '.repeat(GAP)}${padEndVisible(cells[2], interval.width)}${' '.repeat(GAP)}${title}`.trimEnd();
    lines.push(c.dim(row(' ', [passed.header, rate.header, interval.header], 'scenario')));
    for (const r of rows) lines.push(row(statusPaint(r.status, c)(statusSymbol(r.status)), [r.passed, r.rate, r.interval], truncate(r.title, room)));
  }
  // The key names only the marks the table uses.
  const used = SCENARIO_STATUSES.filter((status) => rows.some((r) => r.status === status));
  lines.push(...wrap(used.map((status) => `${statusSymbol(status)} ${statusLabel(status)}`).join(' · '), width, { firstPrefix: ' '.repeat(TABLE_INDENT) }).map(c.dim));
  return lines;
}

function trialNames(trials: readonly ProbeTrialSummary[], withReason: boolean): string[] {
  const { shown, more } = limitList(trials, MAX_TRIALS_NAMED);
  return [
    ...shown.map((t) => `trial ${t.trial} (run ${t.runId})${withReason && t.reason !== undefined ? `: ${t.reason}` : ''}`),
    ...(more > 0 ? [`and ${more} more (all in the JSON report)`] : []),
  ];
}

/** What the agent did and what the verifier saw in one trial: every failed observation, the held ones counted. */
function trialDetail(trial: ProbeTrialSummary, label: string, width: number, c: Colors): string[] {
  const lines = field(label, trialHeadline(trial), width);
  if (trial.behaviour.length > 0) lines.push(...listField('agent did', trial.behaviour.map((text) => ({ marker: '•', text })), width));
  const failed = trial.observations.filter((o) => !o.ok);
  const held = trial.observations.length - failed.length;
  const seen = [
    ...failed.map((o) => ({ marker: observationSymbol(o), text: formatObservation(o), paint: c.red })),
    ...(held > 0 ? [{ marker: '✓', text: failed.length === 0 ? `${plural(held, 'expectation')} held` : `${held} other ${held === 1 ? 'expectation' : 'expectations'} held`, paint: c.green }] : []),
  ];
  if (seen.length > 0) lines.push(...listField('verifier saw', seen, width));
  return lines;
}

function scenarioBlock(scenario: ProbeScenarioResult, width: number, c: Colors): string[] {
  const status = scenarioStatus(scenario);
  const paint = statusPaint(status, c);
  const story = scenarioStory(scenario);
  const tag = `${statusSymbol(status)} ${statusLabel(status).toUpperCase()}  `;
  const lines: string[] = [];
  if (visibleWidth(tag) + 15 <= width) {
    const titleLines = wrap(scenario.title, width, { firstPrefix: tag });
    lines.push(...titleLines.map((line, i) => (i === 0 ? paint(c.bold(line.slice(0, tag.length))) + c.bold(line.slice(tag.length)) : c.bold(line))));
  } else {
    lines.push(...wrap(tag.trimEnd(), width).map((line) => paint(c.bold(line))), ...wrap(scenario.title, width, { firstPrefix: '  ' }).map((line) => c.bold(line)));
  }

  lines.push(...field('family', scenario.tool === undefined ? scenario.family : `${scenario.family} · tool ${scenario.tool}`, width, c.dim));
  lines.push(...field('id', scenario.id, width, c.dim));
  lines.push(...field('what we did', story.setup, width));
  lines.push(...field('expected', story.expected, width));
  lines.push(...field('result', story.result, width, paint));
  if (story.notCounted !== undefined) lines.push(...field('not counted', story.notCounted.replace(/^Not counted: /, ''), width, c.dim));

  const total = totalTrials(scenario);
  lines.push(...field('trials', total === 0 ? 'none' : `${total}: ${verdictCounts(scenario)}`, width));
  const rate = formatPassRate(scenario.passRate);
  lines.push(...field('pass rate', rate ?? 'not measured: no conclusive trial', width, rate === undefined ? c.magenta : (s) => s));
  const passK = passKAtConclusive(scenario);
  if (passK !== undefined) lines.push(...field(`pass^${passK.k}`, `${formatPercent(passK.value)}: the chance that ${passK.k === 1 ? 'a trial passes' : `${passK.k} trials in a row all pass`}`, width));

  switch (status) {
    case 'fail': {
      const failing = scenario.trials.filter((t) => t.verdict === 'fail');
      const first = failing[0];
      if (first !== undefined) lines.push(...trialDetail(first, 'first failure', width, c));
      const others = failing.slice(1);
      if (others.length > 0) lines.push(...listField('also failed', trialNames(others, false).map((text) => ({ marker: '•', text })), width));
      break;
    }
    case 'inconclusive': {
      // What the agent did instead of reaching the fault: the reader decides whether the scenario is wrong or the agent.
      const first = firstTrialWith(scenario, 'inconclusive');
      if (first !== undefined) lines.push(...trialDetail(first, 'first trial', width, c));
      break;
    }
    case 'pass':
    case 'error':
    case 'not-run':
      break;
  }
  const errored = scenario.trials.filter((t) => t.verdict === 'error');
  if (errored.length > 0) {
    // An errored scenario's result already gives the reasons: here only which trials.
    lines.push(...listField('errored', trialNames(errored, status !== 'error').map((text) => ({ marker: '!', text, paint: c.red })), width));
  }
  return lines;
}
