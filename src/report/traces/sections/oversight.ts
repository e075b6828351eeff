import { STUCK_STREAK } from '../../../analysis/oversight.js';
import { formatPercent, plural } from '../../present/index.js';
import { counted, examples, field, type FigureItem, missing, NO_RUNS, ratio, type SectionBuilder, table } from '../figure-items.js';
import { confidenceBands, formatConfidenceBand } from '../views.js';

export const oversight: SectionBuilder = (a) => {
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
    field('stuck', `${plural(o.stuck.runs, 'run')} got stuck (claimed failure, graded failure, or ${STUCK_STREAK}+ blocking failures in a row); ${o.stuck.escalated} of them escalated${ratio(o.stuck.escalated, o.stuck.runs)}`),
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

};
