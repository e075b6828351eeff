import type { RunRef } from '../../analysis/types.js';
import type { TraceEvidence } from '../../evidence/types.js';
import { html, textAnchor, type Html } from '../html/escape.js';
import { htmlPage } from '../html/page.js';
import { REPORT_CSS } from '../html/styles.js';
import { limitList } from '../present/index.js';
import { bleedChart, compoundingChart, passKChart, tableBar } from './charts.js';
import { evidenceHeadline, partialNotice, problemPlace, runRefPlace } from './evidence-text.js';
import type { FigureItem, FigureSection, SectionId, TableItem } from './figure-items.js';
import { measuredSummary, traceFigures } from './sections/index.js';
import { TRACE_CSS } from './styles.js';

/** Files listed by name in the summary; a corpus of thousands is counted, not listed. */
const MAX_FILES_SHOWN = 20;
/** Sections whose tables or charts need the card's full width. */
const WIDE: ReadonlySet<SectionId> = new Set(['reliability', 'outcomes', 'compounding', 'cascades', 'context']);

/** A fragment identifier for a run (run ids are arbitrary text). */
export function runAnchor(runId: string): string {
  return textAnchor('trace-run-', runId);
}

/** The stylesheet of a page that shows trace figures: the report's own, plus the charts'. */
export const TRACE_PAGE_CSS = REPORT_CSS + TRACE_CSS;

/**
 * "Measured from traces": the figures of the trace evidence as a section of the HTML report —
 * what was read and whether it was whole, then a card per analysis with its tables and charts.
 * Silent failures carry anchors, so a run named anywhere in the section links to its entry.
 * Needs TRACE_CSS on the page.
 */
export function traceSectionHtml(evidence: TraceEvidence): Html {
  const sections = traceFigures(evidence.analyses);
  // Silent failures are the runs a reader must open first: they get ids, and other mentions link to them.
  const anchored = new Set(sections.flatMap((s) => s.items).flatMap((item) => (item.kind === 'examples' && item.anchored === true ? item.refs.map((ref) => ref.runId) : [])));
  return html`<section class="traces" aria-labelledby="traces-title">
<h2 id="traces-title">Measured from traces</h2>
${summaryCard(evidence, sections)}
${problems(evidence, anchored)}
${
  // With no runs at all every card would only repeat the summary's "not measured": leave them out.
  evidence.analyses.runs === 0 ? null : html`<div class="trace-grid">
${sections.map((s) => sectionCard(s, evidence, anchored))}
</div>`
}
</section>`;
}

/** `mimir traces --format html`: the section alone on a self-contained page (no script, nothing fetched). */
export function traceReportHtml(evidence: TraceEvidence): string {
  return htmlPage({
    title: html`Trace figures · ${evidenceHeadline(evidence)} · mimir`,
    css: TRACE_PAGE_CSS,
    main: html`<header><h1>mimir traces</h1><p class="muted">The measured figures of the agent's own recorded runs: ${evidenceHeadline(evidence)}.</p></header>
${traceSectionHtml(evidence)}`,
  });
}

function fact(label: string, value: Html | string, className?: string): Html {
  return html`<dt>${label}</dt><dd${className === undefined ? null : html` class="${className}"`}>${value}</dd>`;
}

function summaryCard(evidence: TraceEvidence, sections: readonly FigureSection[]): Html {
  const files = limitList(evidence.files, MAX_FILES_SHOWN);
  const summary = measuredSummary(sections);
  const notice = partialNotice(evidence);
  return html`<div class="card trace-summary">
<p><strong>${evidenceHeadline(evidence)}</strong>${evidence.analyses.runs === evidence.runCount ? null : html` <span class="muted">(${evidence.analyses.runs} runs analysed)</span>`}</p>
<dl class="facts">
${files.shown.length === 0 ? null : fact('Files', html`<ul>${files.shown.map((f) => html`<li><code>${f}</code></li>`)}${files.more > 0 ? html`<li class="muted">and ${files.more} more</li>` : null}</ul>`)}
${fact('Measured', summary.measured)}
${summary.notMeasured.length === 0 ? null : fact('Not measured', html`<ul>${summary.notMeasured.map((why) => html`<li>${why}</li>`)}</ul>`, 'tone-missing')}
</dl>
${notice === undefined ? null : html`<p class="notice" role="note">${notice}</p>`}
</div>`;
}

function problems(evidence: TraceEvidence, anchored: ReadonlySet<string>): Html | null {
  if (!evidence.partial && evidence.problems.examples.length === 0) return null;
  const listed = evidence.problems.examples.length;
  const unlisted = evidence.problems.total - listed;
  return html`<figure class="trace-problems">
<figcaption class="muted">Where the trace input was damaged${unlisted > 0 ? ` (the first of each kind; ${unlisted} more not listed)` : ''}</figcaption>
<div class="table-wrap"><table class="problems">
<thead><tr><th>Where</th><th>Problem</th><th>Run / span</th><th>What the reader found</th></tr></thead>
<tbody>${evidence.problems.examples.map(
    (p) => html`<tr><td><code>${problemPlace(p)}</code></td><td>${p.code}</td><td>${p.runId === undefined ? null : runName(p.runId, anchored)}${p.spanId === undefined ? null : html` <span class="muted">span</span> <code>${p.spanId}</code>`}</td><td>${p.message}</td></tr>`,
  )}</tbody>
</table></div>
</figure>`;
}

/** A run id, linked to its silent-failure entry when it has one. */
function runName(runId: string, anchored: ReadonlySet<string>): Html {
  return anchored.has(runId) ? html`<a href="#${runAnchor(runId)}"><code>${runId}</code></a>` : html`<code>${runId}</code>`;
}

function runRef(ref: RunRef, anchored: ReadonlySet<string>, withId: boolean): Html {
  const place = runRefPlace(ref);
  const body = html`${runName(ref.runId, anchored)}${ref.spanId === undefined ? null : html` <span class="muted">span</span> <code>${ref.spanId}</code>`}${
    place === undefined ? null : html` <span class="muted">at</span> <code>${place}</code>`
  }${ref.note === undefined ? null : html` <span class="muted">— ${ref.note}</span>`}`;
  return withId ? html`<li id="${runAnchor(ref.runId)}">${body}</li>` : html`<li>${body}</li>`;
}

function refList(refs: readonly RunRef[], anchored: ReadonlySet<string>, withIds: boolean): Html {
  // An id may appear once per page: a run listed twice among silent failures is anchored at its first entry.
  const seen = new Set<string>();
  return html`<ul class="refs">${refs.map((ref) => {
    const first = withIds && !seen.has(ref.runId);
    seen.add(ref.runId);
    return runRef(ref, anchored, first);
  })}</ul>`;
}

function tableFigure(item: TableItem): Html {
  const hasBars = item.rows.some((r) => r.bar !== undefined);
  const [first] = item.columns;
  return html`<figure>
<figcaption>${item.caption}</figcaption>
<div class="table-wrap"><table>
<thead><tr>${item.columns.map((col) => html`<th${col.align === 'right' ? html` class="num"` : null}>${col.header}</th>`)}${hasBars ? html`<th>${item.bars?.title ?? ''}</th>` : null}</tr></thead>
<tbody>${item.rows.map(
    (row) =>
      html`<tr>${item.columns.map((col, i) => html`<td${col.align === 'right' ? html` class="num"` : null}>${col.code === true ? html`<code>${row.cells[i] ?? ''}</code>` : (row.cells[i] ?? '')}</td>`)}${
        hasBars ? html`<td class="bar">${row.bar === undefined ? null : tableBar(row.bar, `${first?.header ?? ''} ${row.cells[0] ?? ''}: ${row.cells.slice(1).join(', ')}`)}</td>` : null
      }</tr>`,
  )}</tbody>
</table></div>
${item.more === undefined ? null : html`<p class="more muted">${item.more}</p>`}
</figure>`;
}

function chart(section: FigureSection, evidence: TraceEvidence): Html | null {
  const a = evidence.analyses;
  switch (section.id) {
    case 'passK':
      return passKChart(a.passK);
    case 'compounding': {
      const svg = compoundingChart(a.compounding);
      return svg === null
        ? null
        : html`${svg}<ul class="legend chart-legend"><li class="series-projected">projected p^n</li><li class="series-observed">observed success (95% CI)</li><li class="series-half">50%</li>${
            a.compounding.stepsBelowHalf === null ? null : html`<li class="series-marker">p^n below 50%</li>`
          }</ul>`;
    }
    case 'context': {
      const svg = bleedChart(a.context);
      return svg === null ? null : html`${svg}<ul class="legend chart-legend"><li class="series-mean">mean self-share</li><li class="series-p90">p90</li><li class="series-half">50%: mostly its own output</li></ul>`;
    }
    case 'reliability':
    case 'outcomes':
    case 'retries':
    case 'loops':
    case 'cascades':
    case 'budgets':
    case 'oversight':
    case 'checkpoints':
    case 'contracts':
    case 'stateWrites':
    case 'assembly':
    case 'memory':
    case 'isolation':
      return null;
  }
}

/** A card reads top down: the figures, then the chart and tables that show them, then the runs to open. */
function sectionCard(section: FigureSection, evidence: TraceEvidence, anchored: ReadonlySet<string>): Html {
  const byKind = (kind: FigureItem['kind']): Html[] => section.items.filter((item) => item.kind === kind).map((item) => renderItem(item, anchored));
  const list = (items: readonly Html[]): Html | null => (items.length === 0 ? null : html`<dl class="facts">${items}</dl>`);
  const body =
    section.notMeasured !== undefined
      ? html`<p class="not-measured">not measured: ${section.notMeasured}</p>`
      : html`${list(byKind('field'))}${chart(section, evidence)}${byKind('table')}${list(byKind('examples'))}`;
  return html`<div class="card trace-card${WIDE.has(section.id) ? ' trace-wide' : ''}" id="traces-${section.id}">
<h3>${section.title}</h3>
${section.notMeasured === undefined ? html`<p class="basis muted">from ${section.basis}</p>` : null}
${body}
</div>`;
}

function renderItem(item: FigureItem, anchored: ReadonlySet<string>): Html {
  switch (item.kind) {
    case 'field':
      return fact(item.label, item.value, item.tone === 'plain' ? undefined : `tone-${item.tone}`);
    case 'examples':
      // Under their label, across the card: file paths are long and should not break.
      return html`<dt class="wide">see ${item.label}</dt><dd class="wide">${refList(item.refs, anchored, item.anchored === true)}</dd>`;
    case 'table':
      return tableFigure(item);
  }
}
