import { plural } from '../../present/index.js';
import { examples, field, missing, NO_RUNS, ratio, type SectionBuilder } from '../figure-items.js';
import { histogramStats, histogramSummary } from '../histograms.js';

export const retries: SectionBuilder = (a) => {
  const r = a.retries;
  const basis = plural(r.failingCalls, 'failing call');
  if (r.failingCalls === 0) return { title: 'Retries', basis, notMeasured: a.runs === 0 ? NO_RUNS : 'no tool call failed, so no retry behaviour was seen', items: [] };
  const stats = histogramStats(r.retriesPerFailingCall);
  const withArguments = r.failingCalls - r.failingCallsWithoutArguments;
  const never = r.retriesPerFailingCall[0] ?? 0;
  return {
    title: 'Retries',
    basis,
    items: [
      field('failing calls', `${r.failingCalls}; the last attempt succeeded for ${r.recovered}${ratio(r.recovered, r.failingCalls)}`),
      ...(r.failingCallsWithoutArguments > 0
        ? [field('unjudged', `${plural(r.failingCallsWithoutArguments, 'failing call')} without captured arguments: a retry is recognised by its arguments, so these are not counted below`)]
        : []),
      stats === undefined
        ? missing('retries per call', 'no failing call has its arguments captured')
        : field('retries per call', `${histogramSummary(r.retriesPerFailingCall, 'call')} (median ${stats.median}, max ${stats.max})`),
      ...(stats === undefined ? [] : [field('never retried', `${never} of ${withArguments}${ratio(never, withArguments)}`)]),
      r.timedRetrySequences === 0
        ? missing('backoff', r.retrySequences === 0 ? 'no call was retried twice, so no gaps to compare' : 'no sequence of 2+ retries has start and end times for every attempt')
        : field('backoff', `${r.sequencesWithBackoff} of ${plural(r.timedRetrySequences, 'timed sequence')} of 2+ retries waited longer each time${ratio(r.sequencesWithBackoff, r.timedRetrySequences)}`),
      ...examples('retried', r.examples),
    ],
  };

};
