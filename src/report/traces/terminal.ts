import picocolors from 'picocolors';
import type { TraceEvidence } from '../../evidence/types.js';
import { limitList } from '../present/index.js';
import { labelledField } from '../text/layout.js';
import { graphemes, neutraliseControls, padEndVisible, padStartVisible, visibleWidth, wrap } from '../text/wrap.js';
import type { RenderOptions } from '../types.js';
import { evidenceHeadline, formatRunRef, partialNotice, problemPlace, problemText } from './evidence-text.js';
import type { Bar, FigureItem, FigureSection, TableItem, Tone } from './figure-items.js';
import { measuredSummary, traceFigures } from './sections/index.js';

type Colors = ReturnType<typeof picocolors.createColors>;
type Paint = (text: string) => string;

/** Labels of the figures line up in this column. */
const FIELD = { indent: 2, labelWidth: 17 } as const;
/** Example runs per figure in the terminal; the JSON and HTML reports list every example kept. */
const MAX_EXAMPLES_SHOWN = 3;
/** Located problems shown under the partial-evidence notice. */
const MAX_PROBLEMS_SHOWN = 8;
const MAX_FILES_SHOWN = 5;
const TABLE_INDENT = 4;
const GAP = 2;
/** A first column narrower than this is unreadable: the table is then printed as one line per row. */
const MIN_FIRST_COLUMN = 8;

/**
 * `mimir traces` in a terminal or CI log: what the traces were and whether they were whole, then
 * every measured figure by section, each with the data it rests on and the runs to look at. A figure
 * without data says "not measured" and why, never 0%. Lays out for `options.width` columns and never
 * exceeds it; colour only when `options.color`.
 */
export function renderTraceTerminal(evidence: TraceEvidence, options: Pick<RenderOptions, 'color' | 'width'>): string {
  // Colour comes from the option only, never from the environment, so rendering stays pure.
  const c = picocolors.createColors(options.color);
  const width = Math.max(20, Math.floor(options.width));
  const sections = traceFigures(evidence.analyses);
  // With no runs at all every section would only repeat the header's "not measured": leave them out.
  const body = evidence.analyses.runs === 0 ? [] : sections.map((s) => section(s, width, c));
  const blocks = [header(evidence, sections, width, c), ...body];
  return `${blocks.map((lines) => lines.join('\n')).join('\n\n')}\n`;
}

function heading(text: string, width: number, c: Colors): string[] {
  return wrap(text, width).map((line) => c.bold(line));
}

function field(label: string, text: string, width: number, paint: Paint = (s) => s): string[] {
  return labelledField(label, text, width, FIELD).map(paint);
}

function header(evidence: TraceEvidence, sections: readonly FigureSection[], width: number, c: Colors): string[] {
  const lines = heading('mimir traces: measured figures', width, c);
  lines.push(...field('read', evidence.analyses.runs === evidence.runCount ? evidenceHeadline(evidence) : `${evidenceHeadline(evidence)} (${evidence.analyses.runs} runs analysed)`, width));
  const files = limitList(evidence.files, MAX_FILES_SHOWN);
  const fileEntries = [...files.shown, ...(files.more > 0 ? [`and ${files.more} more`] : [])];
  fileEntries.forEach((entry, i) => lines.push(...field(i === 0 ? 'files' : '', entry, width, c.dim)));
  const summary = measuredSummary(sections);
  lines.push(...field('measured', summary.measured, width));
  for (const why of summary.notMeasured) lines.push(...field('not measured', why, width, c.magenta));

  const notice = partialNotice(evidence);
  if (notice !== undefined) {
    lines.push('', ...wrap(notice, width).map((line) => c.bold(c.yellow(line))));
    const shown = limitList(evidence.problems.examples, MAX_PROBLEMS_SHOWN);
    // The place on a line of its own: paths are long, and a reader copies them whole.
    for (const problem of shown.shown) {
      lines.push(...wrap(problemPlace(problem), width, { firstPrefix: '  ' }), ...wrap(problemText(problem), width, { firstPrefix: '    ' }).map(c.yellow));
    }
    const unlisted = evidence.problems.total - shown.shown.length;
    if (unlisted > 0) lines.push(...wrap(`and ${unlisted} more problem${unlisted === 1 ? '' : 's'} (the first of each code are in the JSON report)`, width, { firstPrefix: '  ' }).map(c.dim));
  }
  return lines;
}

function section(s: FigureSection, width: number, c: Colors): string[] {
  const title = wrap(s.title, width).map((line) => c.bold(line));
  if (s.notMeasured !== undefined) return [...title, ...wrap(`not measured: ${s.notMeasured}`, width, { firstPrefix: '  ' }).map(c.magenta)];
  const lines = [...title, ...wrap(`from ${s.basis}`, width, { firstPrefix: '  ' }).map(c.dim)];
  for (const item of s.items) lines.push(...figureItem(item, width, c));
  return lines;
}

function tonePaint(tone: Tone, c: Colors): Paint {
  switch (tone) {
    case 'plain':
      return (s) => s;
    case 'good':
      return c.green;
    case 'bad':
      return c.red;
    case 'missing':
      return c.magenta;
  }
}

function figureItem(item: FigureItem, width: number, c: Colors): string[] {
  switch (item.kind) {
    case 'field':
      return field(item.label, item.value, width, tonePaint(item.tone, c));
    case 'examples': {
      // One run per entry, so a reader can pick a file:line out of the log at a glance.
      const { shown, more } = limitList(item.refs, MAX_EXAMPLES_SHOWN);
      const entries = [...shown.map(formatRunRef), ...(more > 0 ? [`and ${more} more (all in the JSON report)`] : [])];
      return entries.flatMap((entry, i) => field(i === 0 ? `see ${item.label}` : '', entry, width, c.dim));
    }
    case 'table':
      return table(item, width, c);
  }
}

/** Cuts text to `width` visible characters, marking the cut. */
function truncate(text: string, width: number): string {
  const chars = graphemes(neutraliseControls(text));
  return chars.length <= width ? chars.join('') : `${chars.slice(0, Math.max(0, width - 1)).join('')}…`;
}

/** █ up to the value, ▒ on to the upper bound, ░ for the rest. */
function barText(bar: Bar, width: number, c: Colors): string {
  let out = '';
  for (let i = 0; i < width; i++) {
    const x = (i + 0.5) / width;
    if (x <= bar.value) out += '█';
    else if (bar.high !== undefined && x <= bar.high) out += c.dim('▒');
    else out += c.dim('░');
  }
  return out;
}

function table(item: TableItem, width: number, c: Colors): string[] {
  const lines = wrap(`${item.caption}:`, width, { firstPrefix: '  ' });
  const [first, ...rest] = item.columns;
  if (first === undefined) return lines;
  const cell = (row: readonly string[], i: number): string => neutraliseControls(row[i] ?? '');
  const widths = rest.map((col, j) => Math.max(visibleWidth(col.header), ...item.rows.map((r) => visibleWidth(cell(r.cells, j + 1)))));
  const fixed = widths.reduce((sum, w) => sum + GAP + w, 0);
  const room = width - TABLE_INDENT - fixed;
  const firstNeeded = Math.max(visibleWidth(first.header), ...item.rows.map((r) => visibleWidth(cell(r.cells, 0))));

  if (room < MIN_FIRST_COLUMN) {
    // Too narrow for columns: each row on its own line(s), every value named.
    for (const row of item.rows) {
      const values = rest.map((col, j) => `${col.header} ${cell(row.cells, j + 1)}`).join(', ');
      lines.push(...wrap(`${cell(row.cells, 0)}: ${values}`, width, { firstPrefix: ' '.repeat(TABLE_INDENT), restPrefix: ' '.repeat(TABLE_INDENT + 2) }));
    }
  } else {
    const hasBars = item.rows.some((r) => r.bar !== undefined);
    // The first column gets what it needs up to the room left, leaving the bars at least 6 columns.
    const firstWidth = Math.max(MIN_FIRST_COLUMN, Math.min(firstNeeded, hasBars ? room - GAP - 6 : room));
    const barWidth = hasBars ? Math.min(20, room - firstWidth - GAP) : 0;
    const showBars = barWidth >= 6;
    const align = (text: string, w: number, side: 'left' | 'right'): string => (side === 'left' ? padEndVisible(text, w) : padStartVisible(text, w));
    const line = (cells: readonly string[], bar: string): string => {
      const parts = [align(truncate(cells[0] ?? '', firstWidth), firstWidth, first.align), ...rest.map((col, j) => align(cells[j + 1] ?? '', widths[j] ?? 0, col.align))];
      return `${' '.repeat(TABLE_INDENT)}${parts.join(' '.repeat(GAP))}${bar === '' ? '' : ' '.repeat(GAP) + bar}`.trimEnd();
    };
    lines.push(c.dim(line([first.header, ...rest.map((col) => col.header)], '')));
    for (const row of item.rows) {
      const cells = row.cells.map((_, i) => cell(row.cells, i));
      lines.push(line(cells, showBars && row.bar !== undefined ? barText(row.bar, barWidth, c) : ''));
    }
    if (showBars && item.bars !== undefined) lines.push(...wrap(item.bars.legend, width, { firstPrefix: ' '.repeat(TABLE_INDENT) }).map(c.dim));
  }
  if (item.more !== undefined) lines.push(...wrap(item.more, width, { firstPrefix: ' '.repeat(TABLE_INDENT) }).map(c.dim));
  return lines;
}
