import { plural } from '../../present/index.js';
import { examples, field, NO_RUNS, type SectionBuilder, table } from '../figure-items.js';

/**
 * Cascades: what runs did after k consecutive blocking failures, read from the same tallies the
 * cascades-halt check reads (row k is the check's figure at threshold k). Failures that were
 * information (a command's non-zero exit, a tool's refusal) are counted apart, not in streaks.
 */
export const cascades: SectionBuilder = (a) => {
  const c = a.cascades;
  const rows = Object.entries(c.reachingStreak)
    .map(([k, v]) => ({ k: Number(k), v }))
    .filter(({ k, v }) => k > 0 && v.runs > 0)
    .sort((x, y) => x.k - y.k);
  const basis = plural(c.reachingStreak[1]?.runs ?? 0, 'run with a blocking failure', 'runs with a blocking failure');
  const informative = c.informativeFailures;
  const setAside =
    informative.steps === 0
      ? []
      : [field('information', `${plural(informative.steps, 'failing tool call')} in ${plural(informative.runs, 'run')} answered the agent (a non-zero exit, a refusal): information, not counted in streaks`)];
  if (rows.length === 0) {
    return {
      title: 'Cascades',
      basis,
      notMeasured: a.runs === 0 ? NO_RUNS : informative.steps === 0 ? 'no step failed, so no cascade could start' : 'no failure blocked the run, so no cascade could start',
      items: setAside,
    };
  }
  return {
    title: 'Cascades',
    basis,
    items: [
      table(
        'What runs did after k blocking failures in a row',
        [
          { header: 'k', align: 'right' },
          { header: 'runs', align: 'right' },
          { header: 'halted', align: 'right' },
          { header: 'escalated', align: 'right' },
          { header: 'continued', align: 'right' },
        ],
        rows.map(({ k, v }) => ({ cells: [String(k), String(v.runs), String(v.halted), String(v.escalated), String(v.continued)], bar: { value: v.continued / v.runs } })),
        'first',
        'streak lengths',
        { title: 'carried on', legend: '█ share of runs that carried on' },
      ),
      ...setAside,
      ...examples('cascading', c.examples),
    ],
  };
};
