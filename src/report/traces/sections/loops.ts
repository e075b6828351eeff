import type { Histogram } from '../../../analysis/types.js';
import { plural } from '../../present/index.js';
import { examples, field, NO_RUNS, type SectionBuilder } from '../figure-items.js';
import { histogramRows, histogramStats, histogramSummary } from '../histograms.js';

export const loops: SectionBuilder = (a) => {
  const l = a.loops;
  const stats = histogramStats(l.maxIdenticalCallsPerRun);
  const withCalls = histogramRows(l.maxIdenticalCallsPerRun).filter((row) => row.key > 0);
  const basis = plural(
    withCalls.reduce((sum, row) => sum + row.count, 0),
    'run with captured tool arguments',
    'runs with captured tool arguments',
  );
  if (stats === undefined || withCalls.length === 0) {
    return { title: 'Loops', basis, notMeasured: a.runs === 0 ? NO_RUNS : 'no tool call with captured arguments, so identical calls cannot be told apart', items: [] };
  }
  const repeats: Histogram = Object.fromEntries(withCalls.map((row) => [row.key, row.count]));
  return {
    title: 'Loops',
    basis,
    items: [
      field('repeats', `most repeated call per run (same tool and arguments, retries not counted): ${histogramSummary(repeats, 'run', 8, (times, runs) => `${times}× in ${runs}`)}`),
      field('most', `one call made ${plural(stats.max, 'time')} in one run`),
      ...examples('looping', l.examples),
    ],
  };

};
