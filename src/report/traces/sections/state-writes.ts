import { plural } from '../../present/index.js';
import { counted, examples, field, NO_RUNS, ratio, type SectionBuilder } from '../figure-items.js';

export const stateWrites: SectionBuilder = (a) => {
  const s = a.stateWrites;
  const basis = `${plural(s.writes, 'state write')} to ${plural(s.keys, 'key')}`;
  if (s.writes === 0) {
    const unkeyed = s.unkeyedWriteCalls > 0 ? `; ${plural(s.unkeyedWriteCalls, 'write-class tool call')} name no key` : '';
    return { title: 'State writes', basis, notMeasured: a.runs === 0 ? NO_RUNS : `no step records a state write with its key (mimir.state.key)${unkeyed}`, items: [] };
  }
  const guarded = s.versioned + s.merged;
  return {
    title: 'State writes',
    basis,
    items: [
      field('explicit', `${guarded} of ${plural(s.writes, 'write')} versioned or merged${ratio(guarded, s.writes)}: ${s.versioned} compare-and-set, ${s.merged} merged`),
      field('lost updates', `${plural(s.lostUpdates.count, 'write')} based on an older version than the latest succeeded (${plural(s.judged, 'versioned write')} judged)`, counted(s.lostUpdates.count)),
      field('blind overlaps', `${plural(s.blindConcurrentWrites.count, 'unversioned write')} overlapped another write to the same key`, counted(s.blindConcurrentWrites.count)),
      field('conflicts', `${plural(s.conflictsDetected, 'write')} refused on a detected conflict`),
      ...(s.unkeyedWriteCalls > 0 ? [field('no key', `${plural(s.unkeyedWriteCalls, 'write-class tool call')} name no state key`)] : []),
      ...examples('lost update', s.lostUpdates.examples),
      ...examples('overlap', s.blindConcurrentWrites.examples),
    ],
  };

};
