import { formatPercent, plural } from '../../present/index.js';
import { field, NO_RUNS, type SectionBuilder, table } from '../figure-items.js';

export const passK: SectionBuilder = (a) => {
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

};
