import { plural } from '../../present/index.js';
import { counted, examples, field, missing, NO_RUNS, ratio, type SectionBuilder } from '../figure-items.js';
import { histogramStats } from '../histograms.js';

export const checkpoints: SectionBuilder = (a) => {
  const c = a.checkpoints;
  const basis = plural(c.runs, 'run');
  if (c.runs === 0) return { title: 'Checkpoints', basis, notMeasured: NO_RUNS, items: [] };
  const stretch = histogramStats(c.longestStretchWithoutCheckpoint);
  return {
    title: 'Checkpoints',
    basis,
    items: [
      field('checkpointed', `${c.runsWithCheckpoints} of ${plural(c.runs, 'run')} record a checkpoint${ratio(c.runsWithCheckpoints, c.runs)}`),
      stretch === undefined
        ? missing('at risk', 'no run has llm or tool steps')
        : field('at risk', `most steps in a row without a checkpoint (the work a crash can lose): median ${stretch.median}, p90 ${stretch.p90}, max ${stretch.max}`),
      field('resumed', `${plural(c.resumedRuns, 'run')} resumed from a checkpoint; ${c.matchedResumes} of them found in an earlier attempt`),
      c.matchedResumes === 0
        ? missing('repeated effects', c.resumedRuns === 0 ? 'no run resumed from a checkpoint' : "no resumed run's checkpoint was found in an earlier attempt in these traces")
        : field(
            'repeated effects',
            `${plural(c.repeatedSideEffects.count, 'side-effecting call')} done again, over ${plural(c.resumesAfterSideEffects, 'resume')} after side effects`,
            counted(c.repeatedSideEffects.count),
          ),
      ...(c.matchedResumes === 0 ? [] : [field('started over', `${c.startedOver.count} of ${plural(c.matchedResumes, 'resume')} redid every earlier call`, counted(c.startedOver.count))]),
      ...examples('repeated', c.repeatedSideEffects.examples),
      ...examples('started over', c.startedOver.examples),
      ...examples('long stretch', c.longStretchExamples),
    ],
  };

};
