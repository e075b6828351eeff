import { plural } from '../../present/index.js';
import { examples, NO_RUNS, type SectionBuilder, table } from '../figure-items.js';
import { histogramRows } from '../histograms.js';

export const cascades: SectionBuilder = (a) => {
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

};
