import type { Rate, RunRef, TraceAnalyses } from '../../analysis/types.js';
import { formatPercent, formatRate } from '../present/index.js';
import { sampleEvenly } from './histograms.js';

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
// Building sections.

export const field = (label: string, value: string, tone: Tone = 'plain'): FieldItem => ({ kind: 'field', label, value, tone });
export const missing = (label: string, why: string): FieldItem => field(label, `not measured: ${why}`, 'missing');
/** A figure from a Rate, or "not measured: why" when it had no trials: never a 0% made of nothing. */
export const rateField = (label: string, rate: Rate, why: string, what = ''): FieldItem => {
  const text = formatRate(rate, what);
  return text === undefined ? missing(label, why) : field(label, text);
};
export const examples = (label: string, refs: readonly RunRef[], anchored = false): readonly ExamplesItem[] =>
  refs.length === 0 ? [] : [{ kind: 'examples', label, refs, ...(anchored && { anchored: true as const }) }];
export const counted = (count: number): Tone => (count > 0 ? 'bad' : 'good');

/**
 * `first` keeps the head of a ranked list (worst tools); `even` keeps the shape of a series (pass^k
 * by k, a curve by step count) by sampling it evenly, its first and last rows always included.
 */
export function table(
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

/** " (42.9%)" of a part in its whole; nothing when the whole is 0. */
export function ratio(part: number, whole: number): string {
  return whole === 0 ? '' : ` (${formatPercent(part / whole)})`;
}

/** Builds one section from the analyses; sections/index.ts names them in report order. */
export type SectionBuilder = (a: TraceAnalyses) => Omit<FigureSection, 'id'>;

/** Why a section is empty when the corpus is. */
export const NO_RUNS = 'no runs were read';
