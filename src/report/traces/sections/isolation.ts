import { plural } from '../../present/index.js';
import { counted, examples, field, NO_RUNS, type SectionBuilder } from '../figure-items.js';

export const isolation: SectionBuilder = (a) => {
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
};
