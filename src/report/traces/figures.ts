import { MAX_STEP_INDEX } from '../../analysis/context.js';
import type { Histogram, Rate, RunRef, TraceAnalyses } from '../../analysis/types.js';
import type { TraceEvidence } from '../../evidence/types.js';
import { TRACE_PROBLEM_CODES, type ClaimedStatus, type Reference, type TraceProblem, type TraceProblemCode } from '../../model/index.js';
import { failureRate, formatInterval, formatNumber, formatPercent, formatRate, formatReferencePlace, formatSignedPoints, partialEvidenceText, plural } from '../present/index.js';

export { plural };

/**
 * The measured trace figures as a format-neutral list — sections of labelled values, tables and
 * example runs — so the terminal and HTML reports say exactly the same things in the same words.
 * Nothing here computes a new statistic: every figure is read from the analyses (or is a plain
 * count or ratio of their counts), so each one leads back to the runs and spans behind it.
 */

/** How a value should read: a problem, a reassurance, a figure with no data, or neither. */
export type Tone = 'plain' | 'good' | 'bad' | 'missing';

export interface FieldItem {
  readonly kind: 'field';
  readonly label: string;
  readonly value: string;
  readonly tone: Tone;
}

/** A bar drawn beside a table row: fractions 0..1, `high` marks an upper bound (CI or p90). */
export interface Bar {
  readonly value: number;
  readonly low?: number;
  readonly high?: number;
}

export interface TableColumn {
  readonly header: string;
  readonly align: 'left' | 'right';
  /** The column holds names from the traces (tools): shown as code in HTML. */
  readonly code?: true;
}

export interface TableRow {
  readonly cells: readonly string[];
  readonly bar?: Bar;
}

export interface TableItem {
  readonly kind: 'table';
  readonly caption: string;
  readonly columns: readonly TableColumn[];
  readonly rows: readonly TableRow[];
  /** Said under the table when rows were left out to keep it short ("and 3 more tools"); the JSON report has them all. */
  readonly more?: string;
  /** What the bars show, when rows have them: a short heading, and the terminal's key to its glyphs. */
  readonly bars?: { readonly title: string; readonly legend: string };
}

export interface ExamplesItem {
  readonly kind: 'examples';
  readonly label: string;
  readonly refs: readonly RunRef[];
  /** The runs a reader must open first (silent failures): the HTML report gives them anchors to link to. */
  readonly anchored?: true;
}

export type FigureItem = FieldItem | TableItem | ExamplesItem;

/** One per analysis; a new analysis in TraceAnalyses does not compile until it has a section. */
export type SectionId = Exclude<keyof TraceAnalyses, 'runs' | 'steps'>;

export interface FigureSection {
  readonly id: SectionId;
  readonly title: string;
  /** How much data the section rests on: "1620 tool and llm steps in 200 runs". */
  readonly basis: string;
  /** Undefined when measured; otherwise why nothing could be measured. */
  readonly notMeasured?: string;
  readonly items: readonly FigureItem[];
}

/** Tables longer than this show their first rows and count the rest. */
export const MAX_TABLE_ROWS = 10;

// ---------------------------------------------------------------------------------------------
// Runs and problems, named the same way in both reports.

/** Where a referenced run (or span) sits: the audit reports' reference, so places read the same everywhere. */
export function runReference(ref: RunRef): Reference {
  return {
    kind: 'run',
    id: ref.runId,
    ...(ref.file !== undefined && { file: ref.file }),
    ...(ref.line !== undefined && { line: ref.line }),
  };
}

export function runRefPlace(ref: RunRef): string | undefined {
  return formatReferencePlace(runReference(ref));
}

/** "run-0042 span 7f3a at traces/a.jsonl:17 (claimed success; graded failure)" */
export function formatRunRef(ref: RunRef): string {
  const place = runRefPlace(ref);
  return [
    ref.runId,
    ref.spanId === undefined ? '' : ` span ${ref.spanId}`,
    place === undefined ? '' : ` at ${place}`,
    ref.note === undefined ? '' : ` (${ref.note})`,
  ].join('');
}

/** "traces/a.jsonl:17", "traces/b.pb at byte 2048", or the file alone. */
export function problemPlace(problem: TraceProblem): string {
  if (problem.line !== undefined) return `${problem.file}:${problem.line}`;
  if (problem.byteOffset !== undefined) return `${problem.file} at byte ${problem.byteOffset}`;
  return problem.file;
}

/** The problem's own message, with the run and span it belongs to when the reader knew them. */
export function problemText(problem: TraceProblem): string {
  const within = [problem.runId === undefined ? '' : `run ${problem.runId}`, problem.spanId === undefined ? '' : `span ${problem.spanId}`].filter((s) => s !== '');
  return `${problem.code}: ${problem.message}${within.length === 0 ? '' : ` (${within.join(', ')})`}`;
}

/** Problem counts, most frequent first, ties in the catalogue order of codes. */
export function problemCounts(evidence: TraceEvidence): readonly { readonly code: TraceProblemCode; readonly count: number }[] {
  return TRACE_PROBLEM_CODES.map((code) => ({ code, count: evidence.problems.byCode[code] ?? 0 }))
    .filter((p) => p.count > 0)
    .sort((a, b) => b.count - a.count);
}

/**
 * Said loudly when the input was damaged. Unlike the audit's notice it does not send the reader to
 * `mimir traces`: this is that report, and the located problems follow it.
 */
export function partialNotice(evidence: TraceEvidence): string | undefined {
  return partialEvidenceText(evidence, 'Damaged runs never count as successes; every figure below rests only on what could be read.');
}

/** "200 runs · 1834 spans · 2 files" */
export function evidenceHeadline(evidence: TraceEvidence): string {
  return [plural(evidence.runCount, 'run'), plural(evidence.spanCount, 'span'), plural(evidence.files.length, 'file')].join(' · ');
}

// ---------------------------------------------------------------------------------------------
// Histograms (integer key → count), read without assuming anything about their keys.

export interface HistogramRow {
  readonly key: number;
  readonly count: number;
}

export function histogramRows(histogram: Histogram): readonly HistogramRow[] {
  return Object.entries(histogram)
    .map(([key, count]) => ({ key: Number(key), count }))
    .filter((row) => Number.isFinite(row.key) && row.count > 0)
    .sort((a, b) => a.key - b.key);
}

export interface HistogramStats {
  readonly count: number;
  readonly median: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** Nearest-rank percentiles: each one is a key that really occurred, never an interpolation. */
export function histogramStats(histogram: Histogram): HistogramStats | undefined {
  const rows = histogramRows(histogram);
  const count = rows.reduce((sum, row) => sum + row.count, 0);
  const last = rows.at(-1);
  if (count === 0 || last === undefined) return undefined;
  const percentile = (p: number): number => {
    const rank = Math.max(1, Math.ceil(p * count));
    let seen = 0;
    for (const row of rows) {
      seen += row.count;
      if (seen >= rank) return row.key;
    }
    return last.key;
  };
  return { count, median: percentile(0.5), p90: percentile(0.9), p99: percentile(0.99), max: last.key };
}

/**
 * "0: 12 · 1: 5 · 2: 3" — every key when there are few, else the first ones and the rest folded
 * into "6+: n", so a long tail stays one line.
 */
export function histogramSummary(
  histogram: Histogram,
  noun: string,
  maxKeys = 8,
  entry: (key: string, count: string) => string = (key, count) => `${key}: ${count}`,
): string {
  const rows = histogramRows(histogram);
  const shown = rows.length <= maxKeys ? rows : rows.slice(0, maxKeys - 1);
  const rest = rows.slice(shown.length);
  const parts = shown.map((row, i) => entry(String(row.key), i === 0 ? plural(row.count, noun) : String(row.count)));
  const firstRest = rest[0];
  if (firstRest !== undefined) parts.push(entry(`${firstRest.key}+`, String(rest.reduce((sum, row) => sum + row.count, 0))));
  return parts.join(' · ');
}

/** At most `max` items, always the first and the last, the rest evenly spaced between them. */
export function sampleEvenly<T>(items: readonly T[], max: number): readonly T[] {
  if (items.length <= max) return items;
  if (max < 2) return items.slice(0, Math.max(0, max));
  const picked = new Set<number>();
  for (let i = 0; i < max; i++) picked.add(Math.round((i * (items.length - 1)) / (max - 1)));
  return [...picked].sort((a, b) => a - b).flatMap((i) => (items[i] === undefined ? [] : [items[i]]));
}

// ---------------------------------------------------------------------------------------------
// Derived views shared by the text tables and the HTML charts.

export interface ToolReliability {
  readonly tool: string;
  readonly failures: Rate;
}

/** Tools worst first: highest failure rate, then most calls (more evidence), then by name. */
export function toolsWorstFirst(byTool: Readonly<Record<string, Rate>>): readonly ToolReliability[] {
  return Object.entries(byTool)
    .map(([tool, rate]) => ({ tool, failures: failureRate(rate) }))
    .sort((a, b) => (b.failures.rate ?? -1) - (a.failures.rate ?? -1) || b.failures.trials - a.failures.trials || (a.tool < b.tool ? -1 : a.tool > b.tool ? 1 : 0));
}

export interface ConfidenceBand {
  /** Lowest confidence in the band, in hundredths. */
  readonly from: number;
  readonly to: number;
  readonly outputs: number;
  readonly reviewed: number;
}

/** Confidence in hundredths folded into tenths (0.90–1.00 is one band), non-empty bands only. */
export function confidenceBands(confidence: TraceAnalyses['oversight']['confidence']): readonly ConfidenceBand[] {
  const bands = new Map<number, { outputs: number; reviewed: number }>();
  for (const [key, value] of Object.entries(confidence)) {
    const hundredths = Number(key);
    if (!Number.isFinite(hundredths)) continue;
    const band = Math.min(90, Math.max(0, Math.floor(hundredths / 10) * 10));
    const sum = bands.get(band) ?? { outputs: 0, reviewed: 0 };
    sum.outputs += value.outputs;
    sum.reviewed += value.reviewed;
    bands.set(band, sum);
  }
  return [...bands.entries()]
    .sort(([a], [b]) => a - b)
    .filter(([, v]) => v.outputs > 0)
    .map(([from, v]) => ({ from, to: from === 90 ? 100 : from + 9, ...v }));
}

/** "0.70–0.79" */
export function formatConfidenceBand(band: ConfidenceBand): string {
  return `${(band.from / 100).toFixed(2)}–${(band.to / 100).toFixed(2)}`;
}

function ratio(part: number, whole: number): string {
  return whole === 0 ? '' : ` (${formatPercent(part / whole)})`;
}

const CLAIMED_LABELS: Readonly<Record<ClaimedStatus, string>> = { success: 'success', failure: 'failure', escalated: 'escalated', unknown: 'unknown' };

// ---------------------------------------------------------------------------------------------
// The sections.

const field = (label: string, value: string, tone: Tone = 'plain'): FieldItem => ({ kind: 'field', label, value, tone });
const missing = (label: string, why: string): FieldItem => field(label, `not measured: ${why}`, 'missing');
/** A figure from a Rate, or "not measured: why" when it had no trials: never a 0% made of nothing. */
const rateField = (label: string, rate: Rate, why: string, what = ''): FieldItem => {
  const text = formatRate(rate, what);
  return text === undefined ? missing(label, why) : field(label, text);
};
const examples = (label: string, refs: readonly RunRef[], anchored = false): readonly ExamplesItem[] =>
  refs.length === 0 ? [] : [{ kind: 'examples', label, refs, ...(anchored && { anchored: true as const }) }];
const counted = (count: number): Tone => (count > 0 ? 'bad' : 'good');

/**
 * `first` keeps the head of a ranked list (worst tools); `even` keeps the shape of a series (pass^k
 * by k, a curve by step count) by sampling it evenly, its first and last rows always included.
 */
function table(
  caption: string,
  columns: readonly TableColumn[],
  rows: readonly TableRow[],
  pick: 'first' | 'even',
  moreNoun: string,
  bars?: { readonly title: string; readonly legend: string },
): TableItem {
  const shown = pick === 'first' ? rows.slice(0, MAX_TABLE_ROWS) : sampleEvenly(rows, MAX_TABLE_ROWS);
  const more = rows.length - shown.length;
  return {
    kind: 'table',
    caption,
    columns,
    rows: shown,
    ...(more > 0 && { more: pick === 'first' ? `and ${more} more ${moreNoun} (all in the JSON report)` : `${more} more ${moreNoun} in between (all in the JSON report)` }),
    ...(bars !== undefined && { bars }),
  };
}

type Builder = (a: TraceAnalyses) => Omit<FigureSection, 'id'>;

const NO_RUNS = 'no runs were read';

const SECTIONS: { readonly [Id in SectionId]: Builder } = {
  reliability(a) {
    const r = a.reliability;
    const basis = `${plural(r.steps.trials, 'tool and llm step', 'tool and llm steps')} in ${plural(a.runs - r.excludedInfrastructureRuns, 'run')}`;
    if (r.steps.trials === 0) return { title: 'Reliability per step', basis, notMeasured: a.runs === 0 ? NO_RUNS : 'no tool or llm steps in the traces', items: [] };
    const tools = toolsWorstFirst(r.byTool);
    const rows = tools.map(({ tool, failures }) => ({
      cells: [tool, String(failures.trials), String(failures.successes), failures.rate === null ? '–' : formatPercent(failures.rate), formatInterval(failures.interval)],
      ...(failures.rate !== null && {
        bar: { value: failures.rate, ...(failures.interval !== null && { low: failures.interval[0], high: failures.interval[1] }) },
      }),
    }));
    return {
      title: 'Reliability per step',
      basis,
      items: [
        rateField('steps', r.steps, 'no tool or llm steps', 'did not fail'),
        rateField('tool steps', r.toolSteps, 'no tool steps', 'did not fail'),
        rateField('llm steps', r.llmSteps, 'no llm steps', 'did not fail'),
        ...(r.excludedInfrastructureRuns > 0 ? [field('left out', `${plural(r.excludedInfrastructureRuns, 'run')} that failed in the harness, not the agent`)] : []),
        ...(rows.length === 0
          ? [missing('by tool', 'no tool calls')]
          : [
              table(
                'By tool, worst first',
                [
                  { header: 'tool', align: 'left', code: true },
                  { header: 'calls', align: 'right' },
                  { header: 'failed', align: 'right' },
                  { header: 'failure', align: 'right' },
                  { header: '95% CI', align: 'right' },
                ],
                rows,
                'first',
                'tools',
                { title: 'failure rate and 95% CI', legend: '█ failure rate, ▒ up to its 95% upper bound' },
              ),
            ]),
        ...examples('failed steps', r.failedStepExamples),
      ],
    };
  },

  outcomes(a) {
    const o = a.outcomes;
    const basis = `${o.graded} of ${plural(o.runs, 'run')} graded`;
    if (o.runs === 0) return { title: 'Outcomes', basis, notMeasured: NO_RUNS, items: [] };
    const s = o.silentFailures;
    const claimed = (Object.keys(CLAIMED_LABELS) as ClaimedStatus[]).map((status) => `${CLAIMED_LABELS[status]} ${o.claimed[status]}`).join(' · ');
    const ungradedWhy = 'no run has a verified outcome (add a labels file with --labels, or gen_ai.evaluation.result events)';
    return {
      title: 'Outcomes',
      basis,
      items: [
        field('graded runs', `${o.graded} of ${o.runs} have a verified success or failure`),
        rateField('end to end', o.endToEnd, ungradedWhy, 'succeeded'),
        field('claimed', claimed),
        ...(o.infrastructureFailures > 0 ? [field('infrastructure', `${plural(o.infrastructureFailures, 'run')} failed in the harness, not the agent: left out of success rates`)] : []),
        s.rate.rate === null
          ? missing('silent failures', 'no run that claimed success has a known result (graded, or ended on an unrecovered tool failure)')
          : field('silent failures', `${formatRate(s.rate, 'had failed') ?? ''}, of ${plural(s.rate.trials, 'run')} that claimed success and whose result is known`, counted(s.count)),
        s.amongFailedRuns.rate === null
          ? missing('failures claimed', 'no run is known to have failed')
          : field('failures claimed', `${formatRate(s.amongFailedRuns, 'claimed success') ?? ''}, of ${plural(s.amongFailedRuns.trials, 'run')} known to have failed`, counted(s.amongFailedRuns.successes)),
        field(
          'of which',
          `${s.count} silent failure${s.count === 1 ? '' : 's'}: ${s.gradedFailures} graded failure${s.gradedFailures === 1 ? '' : 's'}, ${s.unrecoveredToolFailures} ended on an unrecovered tool failure` +
            (o.graded === 0 ? ' (graded failures need verified outcomes, which these runs lack)' : ''),
        ),
        ...examples('silent', s.examples, true),
      ],
    };
  },

  passK(a) {
    const p = a.passK;
    const basis = `${plural(p.tasks, 'task')}, ${plural(p.gradedTrials, 'graded trial')}`;
    const excluded = field('left out', `${plural(p.excludedUngraded, 'run')} without a task id or verified outcome, ${plural(p.excludedInfrastructure, 'infrastructure failure')}`);
    if (p.passK.length === 0 || p.trialsPerTask === null) {
      return {
        title: 'pass^k',
        basis,
        notMeasured: a.runs === 0 ? NO_RUNS : 'no task has graded trials (runs need mimir.task.id and a verified outcome)',
        items: a.runs === 0 ? [] : [excluded],
      };
    }
    const { min, max } = p.trialsPerTask;
    return {
      title: 'pass^k',
      basis,
      items: [
        field('tasks', `${p.tasks}, with ${min === max ? String(min) : `${min}–${max}`} graded trials each`),
        excluded,
        table(
          'Chance that all k trials of a task succeed',
          [
            { header: 'k', align: 'right' },
            { header: 'pass^k', align: 'right' },
          ],
          p.passK.map(({ k, value }) => ({ cells: [String(k), formatPercent(value)], bar: { value } })),
          'even',
          'values of k',
          { title: '', legend: '█ pass^k' },
        ),
      ],
    };
  },

  compounding(a) {
    const c = a.compounding;
    const counts = c.stepCounts;
    const basis = `${plural(c.perStep.trials, 'step')}${counts === null ? '' : `, ${plural(counts.runs, 'run')}`}`;
    if (c.perStep.rate === null || counts === null) {
      return { title: 'Compounding', basis, notMeasured: a.runs === 0 ? NO_RUNS : 'no tool or llm steps to measure per-step reliability from', items: [] };
    }
    const rows = c.curve.map((point) => ({
      cells: [
        String(point.steps),
        formatPercent(point.projected),
        point.observed === null || point.observed.rate === null ? '–' : formatPercent(point.observed.rate),
        point.observed === null ? '0' : String(point.observed.trials),
      ],
    }));
    return {
      title: 'Compounding',
      basis,
      items: [
        rateField('per step p', c.perStep, 'no steps'),
        field('steps per run', `median ${formatNumber(counts.median)}, p90 ${formatNumber(counts.p90)}, max ${formatNumber(counts.max)} (mean ${formatNumber(counts.mean)}, ${plural(counts.runs, 'run')})`),
        c.projectedAtMedian === null
          ? missing('projected', 'no median step count')
          : field('projected', `p^${formatNumber(counts.median)} = ${formatPercent(c.projectedAtMedian)} at the median step count`),
        rateField('observed', c.observed, 'no graded runs to compare with', 'of graded runs succeeded end to end'),
        field('below 50%', c.stepsBelowHalf === null ? 'p^n stays at or above 50% over the step counts seen' : `p^n falls below 50% from ${plural(c.stepsBelowHalf, 'step')}`),
        ...(rows.length === 0
          ? []
          : [
              table(
                'Projected p^n beside observed success, by step count',
                [
                  { header: 'steps', align: 'right' },
                  { header: 'projected', align: 'right' },
                  { header: 'observed', align: 'right' },
                  { header: 'runs', align: 'right' },
                ],
                rows,
                'even',
                'step counts',
              ),
            ]),
      ],
    };
  },

  retries(a) {
    const r = a.retries;
    const basis = plural(r.failingCalls, 'failing call');
    if (r.failingCalls === 0) return { title: 'Retries', basis, notMeasured: a.runs === 0 ? NO_RUNS : 'no tool call failed, so no retry behaviour was seen', items: [] };
    const stats = histogramStats(r.retriesPerFailingCall);
    const withArguments = r.failingCalls - r.failingCallsWithoutArguments;
    const never = r.retriesPerFailingCall[0] ?? 0;
    return {
      title: 'Retries',
      basis,
      items: [
        field('failing calls', `${r.failingCalls}; the last attempt succeeded for ${r.recovered}${ratio(r.recovered, r.failingCalls)}`),
        ...(r.failingCallsWithoutArguments > 0
          ? [field('unjudged', `${plural(r.failingCallsWithoutArguments, 'failing call')} without captured arguments: a retry is recognised by its arguments, so these are not counted below`)]
          : []),
        stats === undefined
          ? missing('retries per call', 'no failing call has its arguments captured')
          : field('retries per call', `${histogramSummary(r.retriesPerFailingCall, 'call')} (median ${stats.median}, max ${stats.max})`),
        ...(stats === undefined ? [] : [field('never retried', `${never} of ${withArguments}${ratio(never, withArguments)}`)]),
        r.timedRetrySequences === 0
          ? missing('backoff', r.retrySequences === 0 ? 'no call was retried twice, so no gaps to compare' : 'no sequence of 2+ retries has start and end times for every attempt')
          : field('backoff', `${r.sequencesWithBackoff} of ${plural(r.timedRetrySequences, 'timed sequence')} of 2+ retries waited longer each time${ratio(r.sequencesWithBackoff, r.timedRetrySequences)}`),
        ...examples('retried', r.examples),
      ],
    };
  },

  loops(a) {
    const l = a.loops;
    const stats = histogramStats(l.maxIdenticalCallsPerRun);
    const withCalls = histogramRows(l.maxIdenticalCallsPerRun).filter((row) => row.key > 0);
    const basis = plural(
      withCalls.reduce((sum, row) => sum + row.count, 0),
      'run with captured tool arguments',
      'runs with captured tool arguments',
    );
    if (stats === undefined || withCalls.length === 0) {
      return { title: 'Loops', basis, notMeasured: a.runs === 0 ? NO_RUNS : 'no tool call with captured arguments, so identical calls cannot be told apart', items: [] };
    }
    const repeats: Histogram = Object.fromEntries(withCalls.map((row) => [row.key, row.count]));
    return {
      title: 'Loops',
      basis,
      items: [
        field('repeats', `most repeated call per run (same tool and arguments, retries not counted): ${histogramSummary(repeats, 'run', 8, (times, runs) => `${times}× in ${runs}`)}`),
        field('most', `one call made ${plural(stats.max, 'time')} in one run`),
        ...examples('looping', l.examples),
      ],
    };
  },

  cascades(a) {
    const c = a.cascades;
    const streaks = histogramRows(Object.fromEntries(Object.entries(c.byLongestStreak).map(([k, v]) => [k, v.runs]))).filter((row) => row.key > 0);
    const basis = plural(
      streaks.reduce((sum, row) => sum + row.count, 0),
      'run with a failing step',
      'runs with a failing step',
    );
    if (streaks.length === 0) return { title: 'Cascades', basis, notMeasured: a.runs === 0 ? NO_RUNS : 'no step failed, so no cascade could start', items: [] };
    const rows = streaks.flatMap(({ key }) => {
      const v = c.byLongestStreak[key];
      return v === undefined ? [] : [{ cells: [String(key), String(v.runs), String(v.halted), String(v.escalated), String(v.continued)], bar: { value: v.runs === 0 ? 0 : v.continued / v.runs } }];
    });
    return {
      title: 'Cascades',
      basis,
      items: [
        table(
          'By the longest run of consecutive failing steps: what the run did next',
          [
            { header: 'streak', align: 'right' },
            { header: 'runs', align: 'right' },
            { header: 'halted', align: 'right' },
            { header: 'escalated', align: 'right' },
            { header: 'continued', align: 'right' },
          ],
          rows,
          'first',
          'streak lengths',
          { title: 'carried on', legend: '█ share of runs that carried on' },
        ),
        ...examples('cascading', c.examples),
      ],
    };
  },

  budgets(a) {
    const b = a.budgets;
    const basis = plural(b.runs, 'run');
    if (b.runs === 0) return { title: 'Budgets', basis, notMeasured: NO_RUNS, items: [] };
    const spread = (x: { max: number; p95: number } | null, label: string, unit: string, per: string, why: string): FieldItem =>
      x === null ? missing(label, why) : field(label, `max ${formatNumber(x.max)}${unit}, p95 ${formatNumber(x.p95)}${unit} ${per}`);
    const t = b.toolCalls;
    return {
      title: 'Budgets',
      basis,
      items: [
        spread(b.steps, 'steps', '', 'per run', 'no steps'),
        spread(b.tokens, 'tokens', '', 'per run', 'no token counts recorded (gen_ai.usage.*)'),
        spread(b.durationSeconds, 'duration', ' s', 'per run', 'no run has a start and an end time'),
        spread(t.seconds, 'tool call time', ' s', `per call (${plural(t.timed, 'timed call')})`, 'no tool call has a start and an end time'),
        field('timeouts', `${plural(t.timeouts, 'tool call')} failed with a timeout; ${t.unended} never ended, ${t.hung} of them in runs that never ended either (hung)`, counted(t.hung)),
        ...examples('most steps', b.largestRuns),
        ...examples('most tokens', b.largestRunsByTokens),
        ...examples('longest', b.longestRuns),
        ...examples('slowest', t.slowest),
        ...examples('hung', t.hungExamples),
      ],
    };
  },

  context(a) {
    const c = a.context;
    const withContent = c.callsWithContent > 0;
    const utilization = histogramStats(c.utilizationPercent);
    const results = histogramStats(c.toolResultTokens);
    const basis = [
      `${plural(c.llmCalls, 'llm call')}, ${c.callsWithContent} with their messages in ${plural(c.runsWithContent, 'run')}`,
      ...(utilization === undefined ? [] : [`${utilization.count} with a known context window`]),
    ].join('; ');
    if (a.runs === 0) return { title: 'Context', basis, notMeasured: NO_RUNS, items: [] };
    const noContent = 'no message content captured (gen_ai.input.messages); turn on content capture in the instrumentation';
    const rows = c.selfShareByStep.map((s) => ({
      // The last index pools every later call (MAX_STEP_INDEX): it reads "101+".
      cells: [s.index >= MAX_STEP_INDEX ? `${MAX_STEP_INDEX + 1}+` : String(s.index + 1), String(s.calls), formatPercent(s.mean), formatPercent(s.p90)],
      bar: { value: s.mean, high: s.p90 },
    }));
    const items: FigureItem[] = [];
    if (!withContent) items.push(missing('self-share', noContent));
    else if (rows.length === 0) items.push(missing('self-share', 'no llm call with its input messages'));
    else {
      items.push(
        table(
          "Share of each llm call's input that is the agent's own output and tool results",
          [
            { header: 'llm call', align: 'right' },
            { header: 'calls', align: 'right' },
            { header: 'mean', align: 'right' },
            { header: 'p90', align: 'right' },
          ],
          rows,
          'even',
          'call positions',
          { title: 'mean and p90', legend: '█ mean, ▒ up to p90' },
        ),
      );
    }
    if (withContent) {
      const peak = histogramStats(c.maxSelfSharePercentByRun);
      const lostAt = histogramStats(c.goalLostAtStep);
      items.push(
        c.selfShareGrowth === null
          ? missing('growth', 'no run has two or more llm calls with content')
          : field('growth', `${formatSignedPoints(c.selfShareGrowth * 100)} percentage points from the first llm call to the last`),
        ...(peak === undefined ? [] : [field('peak per run', `median ${peak.median}%, p90 ${peak.p90}%, max ${peak.max}% self-share at a run's worst call (${plural(peak.count, 'run')})`)]),
        rateField('goal kept', c.goalRetention, 'no run has two or more llm calls with content and a goal', "of runs keep the user's request in every later llm input"),
        ...(lostAt === undefined ? [] : [field('goal lost at', `llm call ${lostAt.median + 1} (median), ${lostAt.p90 + 1} (p90), over ${plural(lostAt.count, 'run')} that lost it`)]),
        ...(c.runsWithoutGoal > 0 ? [field('no goal', `${plural(c.runsWithoutGoal, 'run')} whose first call has no user message: nothing to keep`)] : []),
        c.errorEcho.runsWithErrors === 0
          ? missing('error echo', 'no run with captured content had a handled error followed by an llm call')
          : field(
              'error echo',
              `${c.errorEcho.runsEchoing} of ${plural(c.errorEcho.runsWithErrors, 'run')} with a handled error replay it verbatim in later inputs${ratio(c.errorEcho.runsEchoing, c.errorEcho.runsWithErrors)}; ${plural(c.errorEcho.echoingCalls, 'llm call')} replayed one`,
            ),
      );
    }
    items.push(
      utilization === undefined
        ? missing('window use', `no llm call with a known context window${c.callsWithoutWindow > 0 ? ` (${c.callsWithoutWindow} calls have a size but no window)` : ''}`)
        : field(
            'window use',
            `median ${utilization.median}%, p90 ${utilization.p90}%, p99 ${utilization.p99}%, max ${utilization.max}% of the context window (${plural(utilization.count, 'call')}` +
              `${c.callsWithoutWindow > 0 ? `; ${c.callsWithoutWindow} more without a known window` : ''})`,
          ),
      field('window exceeded', `${plural(c.contextExceeded.calls, 'llm call')} failed because the context length was exceeded`, counted(c.contextExceeded.calls)),
      c.memoryStrategy.longRuns === 0
        ? missing('memory', 'no run was long enough to need a memory strategy')
        : field(
            'memory',
            `a memory strategy visibly ran in ${c.memoryStrategy.runsWhereItRan} of ${plural(c.memoryStrategy.longRuns, 'long run')}${ratio(c.memoryStrategy.runsWhereItRan, c.memoryStrategy.longRuns)}; ${c.memoryStrategy.runsThatGrewWithoutIt} grew without one`,
          ),
      results === undefined
        ? missing('tool results', 'no tool result entered the context')
        : field('tool results', `median ≤${results.median}, p90 ≤${results.p90}, max ≤${results.max} tokens (${plural(results.count, 'result')}, rounded up to 100s)`),
      ...examples('bleeding', c.bleedExamples),
      ...examples('goal lost', c.goalLossExamples),
      ...examples('echoing', c.errorEcho.examples),
      ...examples('fullest', c.utilizationExamples),
      ...examples('exceeded', c.contextExceeded.examples),
      ...examples('no memory', c.memoryStrategy.examples),
      ...examples('big results', c.toolResultExamples),
    );
    return { title: 'Context', basis, ...(withContent || utilization !== undefined || results !== undefined ? {} : { notMeasured: noContent }), items };
  },

  oversight(a) {
    const o = a.oversight;
    const basis = `${plural(o.highRiskCalls, 'high-risk call')}, ${plural(o.calledTools, 'tool')} called`;
    if (a.runs === 0) return { title: 'Human oversight', basis, notMeasured: NO_RUNS, items: [] };
    const bands = confidenceBands(o.confidence);
    const byTool = Object.entries(o.unapproved.byTool)
      .sort(([ta, a1], [tb, b1]) => b1 - a1 || (ta < tb ? -1 : 1))
      .map(([tool, n]) => `${tool} ${n}`);
    const items: FigureItem[] = [];
    if (o.highRiskCalls === 0) {
      items.push(missing('high-risk calls', 'no call to a high-risk tool (classify tools in mimir.yaml or with mimir.tool.risk)'));
    } else {
      items.push(
        field('high-risk calls', String(o.highRiskCalls)),
        field(
          'approved first',
          `${o.approvedBefore} of ${o.highRiskCalls}${ratio(o.approvedBefore, o.highRiskCalls)}${o.approvedByNameOnly > 0 ? `; ${o.approvedByNameOnly} matched by tool name only (no tool call id)` : ''}`,
          o.approvedBefore < o.highRiskCalls ? 'bad' : 'good',
        ),
        field('unapproved', o.unapproved.count === 0 ? '0' : `${o.unapproved.count}: ${byTool.join(', ')}`, counted(o.unapproved.count)),
      );
    }
    items.push(
      o.denials === 0
        ? missing('after denial', 'no approval was denied or timed out')
        : field('after denial', `${plural(o.executedAfterDenial.count, 'call')} carried out after ${plural(o.denials, 'denial')} (timeouts count as denials)`, counted(o.executedAfterDenial.count)),
      o.approvals.total === 0
        ? missing('approvals', 'no approval recorded (mimir.approval.decision)')
        : field(
            'approvals',
            `${o.approvals.total}: ${o.approvals.withActor} name who decided, ${o.approvals.withToolCallId} the tool call, ${o.approvals.withTime} the time; ${o.approvals.complete} complete${ratio(o.approvals.complete, o.approvals.total)}`,
          ),
    );
    if (bands.length === 0) items.push(missing('confidence', 'no llm output records a confidence (mimir.confidence)'));
    else {
      items.push(
        table(
          'llm outputs by recorded confidence, and how many went to human review',
          [
            { header: 'confidence', align: 'left' },
            { header: 'outputs', align: 'right' },
            { header: 'reviewed', align: 'right' },
            { header: 'share', align: 'right' },
          ],
          bands.map((b) => ({ cells: [formatConfidenceBand(b), String(b.outputs), String(b.reviewed), formatPercent(b.reviewed / b.outputs)], bar: { value: b.reviewed / b.outputs } })),
          'first',
          'bands',
          { title: 'reviewed', legend: '█ share reviewed' },
        ),
      );
    }
    items.push(
      field('escalated', `${plural(o.escalatedRuns, 'run')} handed to a person`),
      field('stuck', `${plural(o.stuck.runs, 'run')} got stuck (claimed failure, graded failure, or a streak of failing steps); ${o.stuck.escalated} of them escalated${ratio(o.stuck.escalated, o.stuck.runs)}`),
      field(
        'unclassified',
        (o.unclassifiedTools.length === 0
          ? `every one of the ${plural(o.calledTools, 'called tool')} has a risk class`
          : `${o.unclassifiedTools.length} of ${plural(o.calledTools, 'called tool')} have no risk class: ${o.unclassifiedTools.join(', ')}`) +
          (o.toolNamesTruncated ? ' (too many distinct tool names: only the first were tracked)' : ''),
        counted(o.unclassifiedTools.length),
      ),
      ...examples('unapproved', o.unapproved.examples),
      ...examples('after denial', o.executedAfterDenial.examples),
      ...examples('denials', o.denialExamples),
      ...examples('approved', o.approvedExamples),
      ...examples('incomplete', o.approvals.examples),
      ...examples('unreviewed', o.unreviewedExamples),
      ...examples('stuck', o.stuck.examples),
      ...examples('unclassified', o.unclassifiedToolExamples),
    );
    return { title: 'Human oversight', basis, items };
  },

  checkpoints(a) {
    const c = a.checkpoints;
    const basis = plural(c.runs, 'run');
    if (c.runs === 0) return { title: 'Checkpoints', basis, notMeasured: NO_RUNS, items: [] };
    const stretch = histogramStats(c.longestStretchWithoutCheckpoint);
    return {
      title: 'Checkpoints',
      basis,
      items: [
        field('checkpointed', `${c.runsWithCheckpoints} of ${plural(c.runs, 'run')} record a checkpoint${ratio(c.runsWithCheckpoints, c.runs)}`),
        stretch === undefined
          ? missing('at risk', 'no run has llm or tool steps')
          : field('at risk', `most steps in a row without a checkpoint (the work a crash can lose): median ${stretch.median}, p90 ${stretch.p90}, max ${stretch.max}`),
        field('resumed', `${plural(c.resumedRuns, 'run')} resumed from a checkpoint; ${c.matchedResumes} of them found in an earlier attempt`),
        c.matchedResumes === 0
          ? missing('repeated effects', c.resumedRuns === 0 ? 'no run resumed from a checkpoint' : "no resumed run's checkpoint was found in an earlier attempt in these traces")
          : field(
              'repeated effects',
              `${plural(c.repeatedSideEffects.count, 'side-effecting call')} done again, over ${plural(c.resumesAfterSideEffects, 'resume')} after side effects`,
              counted(c.repeatedSideEffects.count),
            ),
        ...(c.matchedResumes === 0 ? [] : [field('started over', `${c.startedOver.count} of ${plural(c.matchedResumes, 'resume')} redid every earlier call`, counted(c.startedOver.count))]),
        ...examples('repeated', c.repeatedSideEffects.examples),
        ...examples('started over', c.startedOver.examples),
        ...examples('long stretch', c.longStretchExamples),
      ],
    };
  },

  contracts(a) {
    const c = a.contracts;
    const results = c.results.structured + c.results.freeText;
    const basis = `${plural(c.validatedCalls, 'validated call')}, ${plural(results, 'result')}`;
    if (c.callsWithSchema === 0 && results === 0) {
      return { title: 'Step contracts', basis, notMeasured: a.runs === 0 ? NO_RUNS : 'no tool declares a schema and no tool result was recorded', items: [] };
    }
    return {
      title: 'Step contracts',
      basis,
      items: [
        c.callsInRunsWithDefinitions === 0
          ? missing('schemas', 'no run records its tool definitions (gen_ai.tool.definitions)')
          : field(
              'schemas',
              `${c.callsWithSchema} of ${plural(c.callsInRunsWithDefinitions, 'call')} in runs with tool definitions have a declared input schema${ratio(c.callsWithSchema, c.callsInRunsWithDefinitions)}` +
                (c.callsWithUnusableSchema > 0 ? `; ${c.callsWithUnusableSchema} of those schemas could not be used` : ''),
            ),
        c.validatedCalls === 0
          ? missing('arguments', 'no call with a usable input schema has captured arguments')
          : field('arguments', `${c.argumentViolations.count} of ${plural(c.validatedCalls, 'validated call')} violated the input schema; ${c.argumentViolations.ran} ran anyway`, counted(c.argumentViolations.ran)),
        results === 0
          ? missing('results', 'no tool result recorded')
          : field('results', `${c.results.structured} structured, ${c.results.freeText} free text${ratio(c.results.freeText, results)}; ${c.resultsWithSchema} checked against an output schema`),
        field('malformed', `${plural(c.malformedResults.count, 'result')} malformed (schema violated or JSON cut short); the agent acted on ${c.malformedResults.actedOn}`, counted(c.malformedResults.actedOn)),
        ...examples('violations', c.argumentViolations.examples),
        ...examples('malformed', c.malformedResults.examples),
      ],
    };
  },

  stateWrites(a) {
    const s = a.stateWrites;
    const basis = `${plural(s.writes, 'state write')} to ${plural(s.keys, 'key')}`;
    if (s.writes === 0) {
      const unkeyed = s.unkeyedWriteCalls > 0 ? `; ${plural(s.unkeyedWriteCalls, 'write-class tool call')} name no key` : '';
      return { title: 'State writes', basis, notMeasured: a.runs === 0 ? NO_RUNS : `no step records a state write with its key (mimir.state.key)${unkeyed}`, items: [] };
    }
    const guarded = s.versioned + s.merged;
    return {
      title: 'State writes',
      basis,
      items: [
        field('explicit', `${guarded} of ${plural(s.writes, 'write')} versioned or merged${ratio(guarded, s.writes)}: ${s.versioned} compare-and-set, ${s.merged} merged`),
        field('lost updates', `${plural(s.lostUpdates.count, 'write')} based on an older version than the latest succeeded (${plural(s.judged, 'versioned write')} judged)`, counted(s.lostUpdates.count)),
        field('blind overlaps', `${plural(s.blindConcurrentWrites.count, 'unversioned write')} overlapped another write to the same key`, counted(s.blindConcurrentWrites.count)),
        field('conflicts', `${plural(s.conflictsDetected, 'write')} refused on a detected conflict`),
        ...(s.unkeyedWriteCalls > 0 ? [field('no key', `${plural(s.unkeyedWriteCalls, 'write-class tool call')} name no state key`)] : []),
        ...examples('lost update', s.lostUpdates.examples),
        ...examples('overlap', s.blindConcurrentWrites.examples),
      ],
    };
  },

  assembly(a) {
    const s = a.assembly;
    const basis = `${plural(s.pairs, 'pair')} of consecutive llm calls in ${plural(s.runs, 'run')}`;
    if (s.runs === 0) {
      return {
        title: 'Context assembly',
        basis,
        notMeasured: a.runs === 0 ? NO_RUNS : s.shortRuns > 0 ? `no run with captured input has 3 or more llm calls in one conversation` : 'no llm call has its input messages captured',
        items: [],
      };
    }
    const appendShare = histogramStats(s.appendSharePercentByRun);
    const carried = histogramStats(s.carriedSharePercentByRun);
    return {
      title: 'Context assembly',
      basis,
      items: [
        field('appended', `${s.appendedPairs} of ${plural(s.pairs, 'llm call')} re-sent the previous input with messages appended${ratio(s.appendedPairs, s.pairs)}`),
        ...(appendShare === undefined ? [] : [field('per run', `median ${appendShare.median}%, p90 ${appendShare.p90}%, max ${appendShare.max}% of a run's calls appended (${plural(appendShare.count, 'run')})`)]),
        carried === undefined
          ? missing('carried', 'no run added messages between its first and last llm call')
          : field('carried', `median ${carried.median}%, max ${carried.max}% of the messages added along a run still in its last input (${plural(carried.count, 'run')})`),
        ...(s.shortRuns > 0 ? [field('too short', `${plural(s.shortRuns, 'run')} with captured input had too few llm calls in one conversation to compare`)] : []),
        ...examples('replaying', s.examples.filter((e) => e.appendShare > 0)),
      ],
    };
  },

  memory(a) {
    const m = a.memory;
    const changes = m.writes + m.deletes;
    const basis = `${plural(changes, 'memory write')}, ${plural(m.reads, 'memory read')} in ${plural(m.runsWithMemory, 'run')}`;
    if (changes === 0 && m.reads === 0) {
      const unclassified = m.memoryStepsWithoutOperation > 0 ? `; ${plural(m.memoryStepsWithoutOperation, 'memory step')} do not say whether they read or wrote (mimir.memory.operation)` : '';
      return { title: 'Long-term memory', basis, notMeasured: a.runs === 0 ? NO_RUNS : `no memory read or write recorded${unclassified}`, items: [] };
    }
    return {
      title: 'Long-term memory',
      basis,
      items: [
        changes === 0
          ? missing('writes', 'no successful memory write or deletion recorded')
          : field('writes', `${m.writes} written, ${m.deletes} deleted; ${m.auditableChanges} of ${changes} name a scope and the entry or content${ratio(m.auditableChanges, changes)}`, counted(changes - m.auditableChanges)),
        ...(changes === 0 ? [] : [field('scoped', `${m.scopedChanges} of ${plural(changes, 'change')} name a scope${ratio(m.scopedChanges, changes)}; ${m.identifiedChanges} name the entry or content${ratio(m.identifiedChanges, changes)}`)]),
        m.reads === 0 ? missing('reads', 'no memory read recorded') : field('reads', `${m.scopedReads} of ${plural(m.reads, 'read')} name a scope${ratio(m.scopedReads, m.reads)}`),
        ...(m.recognisedByToolName > 0 ? [field('by tool name', `${plural(m.recognisedByToolName, 'access', 'accesses')} recognised by a memory tool's name only`)] : []),
        ...(m.memoryStepsWithoutOperation > 0 ? [field('unclassified', `${plural(m.memoryStepsWithoutOperation, 'memory step')} do not say whether they read or wrote`)] : []),
        ...examples('unauditable', m.unauditableExamples),
        ...examples('unscoped', m.unscopedReadExamples),
      ],
    };
  },

  isolation(a) {
    const i = a.isolation;
    const basis = `${plural(i.ownedValues, 'distinctive value')} over ${plural(i.runs, 'run')} of ${plural(i.tasks, 'task')}`;
    if (i.runs === 0) return { title: 'Isolation between tasks', basis, notMeasured: a.runs === 0 ? NO_RUNS : 'no run has captured messages, tool arguments or results', items: [] };
    return {
      title: 'Isolation between tasks',
      basis,
      items: [
        field('leaked', `${plural(i.leakedValues, 'value')} of one task seen in the context of another (${plural(i.leakAppearances, 'task')} reached)`, counted(i.leakedValues)),
        field('followed', `${plural(i.ownedValues, 'value')} obtained by exactly one task, ${i.sharedValues} shared by several`),
        ...(i.runsWithoutTaskId > 0 ? [field('no task id', `${plural(i.runsWithoutTaskId, 'run')} without mimir.task.id, each counted as a task of its own`)] : []),
        ...(i.untrackedValues > 0 ? [field('not followed', `${plural(i.untrackedValues, 'value')} past the memory bound`)] : []),
        ...examples('leaked', i.examples.flatMap((leak) => [leak, { ...leak.source, note: `source of the leak: ${leak.source.note ?? `"${leak.value}" obtained here`}` }])),
      ],
    };
  },
};

/** Report order is the order of SECTIONS above: how reliable, whether runs end right, then why not. */
export function traceFigures(analyses: TraceAnalyses): readonly FigureSection[] {
  return (Object.keys(SECTIONS) as SectionId[]).map((id) => ({ id, ...SECTIONS[id](analyses) }));
}

/**
 * Which figures were measured and which not, and why: "the report shows which checks were
 * measured, from how many runs" — for the trace report, which sections had data to measure.
 * Sections that share a reason are named together ("Outcomes, pass^k: no run has …").
 */
export function measuredSummary(sections: readonly FigureSection[]): { readonly measured: string; readonly notMeasured: readonly string[] } {
  const measured = sections.filter((s) => s.notMeasured === undefined).map((s) => s.title);
  const byReason = new Map<string, string[]>();
  for (const s of sections) {
    if (s.notMeasured === undefined) continue;
    const titles = byReason.get(s.notMeasured) ?? [];
    titles.push(s.title);
    byReason.set(s.notMeasured, titles);
  }
  return { measured: measured.length === 0 ? 'nothing' : measured.join(', '), notMeasured: [...byReason].map(([why, titles]) => `${titles.join(', ')}: ${why}`) };
}
