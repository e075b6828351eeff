import { formatNumber, formatPercent, plural } from '../../present/index.js';
import { field, missing, NO_RUNS, rateField, type SectionBuilder, table } from '../figure-items.js';

export const compounding: SectionBuilder = (a) => {
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

};
