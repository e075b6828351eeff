import type { TraceAnalyses } from '../../../analysis/types.js';
import type { FigureSection, SectionBuilder, SectionId } from '../figure-items.js';
import { reliability } from './reliability.js';
import { outcomes } from './outcomes.js';
import { passK } from './pass-k.js';
import { compounding } from './compounding.js';
import { retries } from './retries.js';
import { loops } from './loops.js';
import { cascades } from './cascades.js';
import { budgets } from './budgets.js';
import { context } from './context.js';
import { oversight } from './oversight.js';
import { checkpoints } from './checkpoints.js';
import { contracts } from './contracts.js';
import { stateWrites } from './state-writes.js';
import { assembly } from './assembly.js';
import { memory } from './memory.js';
import { isolation } from './isolation.js';

/**
 * The trace report's sections, one file each, in report order: how reliable, whether runs end right,
 * then why not. A new analysis in TraceAnalyses does not compile until it has a section here.
 */
const SECTIONS: { readonly [Id in SectionId]: SectionBuilder } = {
  reliability,
  outcomes,
  passK,
  compounding,
  retries,
  loops,
  cascades,
  budgets,
  context,
  oversight,
  checkpoints,
  contracts,
  stateWrites,
  assembly,
  memory,
  isolation,
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
