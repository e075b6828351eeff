import { plural } from '../../present/index.js';
import { examples, field, missing, NO_RUNS, ratio, type SectionBuilder } from '../figure-items.js';
import { histogramStats } from '../histograms.js';

export const assembly: SectionBuilder = (a) => {
  const s = a.assembly;
  const basis = `${plural(s.pairs, 'pair')} of consecutive llm calls in ${plural(s.runs, 'run')}`;
  if (s.runs === 0) {
    return {
      title: 'Context assembly',
      basis,
      notMeasured: a.runs === 0 ? NO_RUNS : s.shortRuns > 0 ? `no run with captured input has 3 or more llm calls in one conversation` : 'no llm call has its input messages captured',
      items: [],
    };
  }
  const appendShare = histogramStats(s.appendSharePercentByRun);
  const carried = histogramStats(s.carriedSharePercentByRun);
  return {
    title: 'Context assembly',
    basis,
    items: [
      field('appended', `${s.appendedPairs} of ${plural(s.pairs, 'llm call')} re-sent the previous input with messages appended${ratio(s.appendedPairs, s.pairs)}`),
      ...(appendShare === undefined ? [] : [field('per run', `median ${appendShare.median}%, p90 ${appendShare.p90}%, max ${appendShare.max}% of a run's calls appended (${plural(appendShare.count, 'run')})`)]),
      carried === undefined
        ? missing('carried', 'no run added messages between its first and last llm call')
        : field('carried', `median ${carried.median}%, max ${carried.max}% of the messages added along a run still in its last input (${plural(carried.count, 'run')})`),
      ...(s.shortRuns > 0 ? [field('too short', `${plural(s.shortRuns, 'run')} with captured input had too few llm calls in one conversation to compare`)] : []),
      ...examples('replaying', s.examples.filter((e) => e.appendShare > 0)),
    ],
  };

};
