import { plural } from '../../present/index.js';
import { counted, examples, field, missing, NO_RUNS, ratio, type SectionBuilder } from '../figure-items.js';

export const memory: SectionBuilder = (a) => {
  const m = a.memory;
  const changes = m.writes + m.deletes;
  const basis = `${plural(changes, 'memory write')}, ${plural(m.reads, 'memory read')} in ${plural(m.runsWithMemory, 'run')}`;
  if (changes === 0 && m.reads === 0) {
    const unclassified = m.memoryStepsWithoutOperation > 0 ? `; ${plural(m.memoryStepsWithoutOperation, 'memory step')} do not say whether they read or wrote (mimir.memory.operation)` : '';
    return { title: 'Long-term memory', basis, notMeasured: a.runs === 0 ? NO_RUNS : `no memory read or write recorded${unclassified}`, items: [] };
  }
  return {
    title: 'Long-term memory',
    basis,
    items: [
      changes === 0
        ? missing('writes', 'no successful memory write or deletion recorded')
        : field('writes', `${m.writes} written, ${m.deletes} deleted; ${m.auditableChanges} of ${changes} name a scope and the entry or content${ratio(m.auditableChanges, changes)}`, counted(changes - m.auditableChanges)),
      ...(changes === 0 ? [] : [field('scoped', `${m.scopedChanges} of ${plural(changes, 'change')} name a scope${ratio(m.scopedChanges, changes)}; ${m.identifiedChanges} name the entry or content${ratio(m.identifiedChanges, changes)}`)]),
      m.reads === 0 ? missing('reads', 'no memory read recorded') : field('reads', `${m.scopedReads} of ${plural(m.reads, 'read')} name a scope${ratio(m.scopedReads, m.reads)}`),
      ...(m.recognisedByToolName > 0 ? [field('by tool name', `${plural(m.recognisedByToolName, 'access', 'accesses')} recognised by a memory tool's name only`)] : []),
      ...(m.memoryStepsWithoutOperation > 0 ? [field('unclassified', `${plural(m.memoryStepsWithoutOperation, 'memory step')} do not say whether they read or wrote`)] : []),
      ...examples('unauditable', m.unauditableExamples),
      ...examples('unscoped', m.unscopedReadExamples),
    ],
  };

};
