import type { ClaimedStatus } from '../../../model/index.js';
import { formatRate, plural } from '../../present/index.js';
import { counted, examples, field, missing, NO_RUNS, rateField, type SectionBuilder } from '../figure-items.js';

const CLAIMED_LABELS: Readonly<Record<ClaimedStatus, string>> = { success: 'success', failure: 'failure', escalated: 'escalated', unknown: 'unknown' };

export const outcomes: SectionBuilder = (a) => {
  const o = a.outcomes;
  const basis = `${o.graded} of ${plural(o.runs, 'run')} graded`;
  if (o.runs === 0) return { title: 'Outcomes', basis, notMeasured: NO_RUNS, items: [] };
  const s = o.silentFailures;
  const claimed = (Object.keys(CLAIMED_LABELS) as ClaimedStatus[]).map((status) => `${CLAIMED_LABELS[status]} ${o.claimed[status]}`).join(' · ');
  const ungradedWhy = 'no run has a verified outcome (add a labels file with --labels, or gen_ai.evaluation.result events)';
  return {
    title: 'Outcomes',
    basis,
    items: [
      field('graded runs', `${o.graded} of ${o.runs} have a verified success or failure`),
      rateField('end to end', o.endToEnd, ungradedWhy, 'succeeded'),
      field('claimed', claimed),
      ...(o.infrastructureFailures > 0 ? [field('infrastructure', `${plural(o.infrastructureFailures, 'run')} failed in the harness, not the agent: left out of success rates`)] : []),
      s.rate.rate === null
        ? missing('silent failures', 'no run that claimed success has a known result (graded, or ended on an unrecovered tool failure)')
        : field('silent failures', `${formatRate(s.rate, 'had failed') ?? ''}, of ${plural(s.rate.trials, 'run')} that claimed success and whose result is known`, counted(s.count)),
      s.amongFailedRuns.rate === null
        ? missing('failures claimed', 'no run is known to have failed')
        : field(
            'failures claimed',
            // The rate's denominator is the failed runs whose claim is known; say how many failed in all,
            // so "of 13" never reads as the number of failed runs when 116 failed and 103 claimed nothing.
            `${formatRate(s.amongFailedRuns, 'claimed success') ?? ''}, of the ${plural(s.amongFailedRuns.trials, 'run')} known to have failed that record a claim` +
              (s.failedRuns > s.amongFailedRuns.trials ? ` (${s.failedRuns} known to have failed: ${s.failedRuns - s.amongFailedRuns.trials} record no claim)` : ''),
            counted(s.amongFailedRuns.successes),
          ),
      field(
        'of which',
        `${s.count} silent failure${s.count === 1 ? '' : 's'}: ${s.gradedFailures} graded failure${s.gradedFailures === 1 ? '' : 's'}, ${s.unrecoveredToolFailures} ended on an unrecovered tool failure` +
          (o.graded === 0 ? ' (graded failures need verified outcomes, which these runs lack)' : ''),
      ),
      ...examples('silent', s.examples, true),
    ],
  };

};
