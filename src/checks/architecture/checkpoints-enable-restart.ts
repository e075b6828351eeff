import { z } from 'zod';
import { measuredRate, wilsonRate } from '../../analysis/rate.js';
import { countAbove, histogramTotal, toReferences } from '../../analysis/support.js';
import type { MeasuredValue } from '../../model/index.js';
import { defineCheck } from '../define-check.js';
import { minPassRateOption, probeCheckResult } from '../probe-support.js';

export default defineCheck({
  id: 'checkpoints-enable-restart',
  area: 'architecture',
  severity: 'high',
  title: 'A crashed run restarts from its last good checkpoint',
  question:
    'Does the agent save a checkpoint of its progress after each completed step, so that a run that crashes or is killed restarts from the last known-good state rather than from scratch or from half-written state?',
  rationale:
    'Long runs die: a deploy restarts the worker, the model API times out, the pod is evicted. Without checkpoints the run starts over and pays again in time, tokens and repeated work; with a checkpoint written halfway through a step it resumes from corrupted state and compounds the error. A checkpoint written atomically after each completed step bounds the loss to one step.',
  remediation: {
    text: 'Persist the run state (goal, completed steps and their results, pending work) to durable storage after each completed step, atomically (write then rename, or one transaction), keyed by run id. On start, look for a checkpoint for the run id, validate it and resume from it; fall back to the previous checkpoint if it is incomplete. Emit a `mimir.checkpoint.id` event on each save and set `mimir.resumed_from` on a resumed run. Durable-execution runtimes (Temporal, Restate, LangGraph checkpointers) provide most of this.',
    effort: 'days',
  },
  answerableBy: ['probe', 'trace', 'attestation'],
  messages: {
    'probe-passed':
      'Killed mid-run and restarted, the agent finished the task without starting over in {{passed}} of {{trials}} probe trials ({{rate}}; at least {{minRate}} required){{left}}.',
    'probe-failed':
      'Killed mid-run and restarted, the agent started over or did not finish in {{failed}} of {{trials}} probe trials ({{rate}} resumed, at least {{minRate}} required); first: {{failing}}: {{detail}}{{left}}.',
    checkpointed:
      'Every run saved a checkpoint at least every {{max}} model and tool calls ({{withCheckpoints}} of {{runs}} runs write checkpoints; {{resumed}} resumed runs continued from theirs).',
    gaps: '{{tooLong}} of {{judged}} runs went more than {{max}} model and tool calls without a checkpoint (up to {{longest}}).',
    'started-over': '{{startedOver}} of {{matched}} resumed runs redid every call made before their checkpoint: they started over instead of going on from it.',
  },
  options: z.strictObject({
    maxStepsBetweenCheckpoints: z
      .number()
      .int()
      .min(1)
      .default(10)
      .describe('Most model and tool calls a run may make without a checkpoint in between: the work a crash can lose.'),
    minPassRate: minPassRateOption,
  }),
  evaluators: {
    probe: ({ evidence, options }) =>
      probeCheckResult(evidence, { families: ['kill-resume'], expectations: ['recovers', 'resumesWhereItStopped'], minPassRate: options.minPassRate }),
    trace: ({ evidence, options }) => {
      const checkpoints = evidence.analyses.checkpoints;
      if (checkpoints.runsWithCheckpoints === 0) {
        return {
          outcome: 'insufficient-evidence',
          reason: `none of the ${checkpoints.runs} runs records a checkpoint, so the traces cannot show whether the agent saves its progress`,
          toCapture: 'Emit a `mimir.checkpoint.id` event on each checkpoint save and set `mimir.resumed_from` on resumed runs, or run the kill-and-restart probe',
        };
      }
      const stretches = checkpoints.longestStretchWithoutCheckpoint;
      const max = options.maxStepsBetweenCheckpoints;
      const judged = histogramTotal(stretches);
      const tooLong = countAbove(stretches, max);
      const longest = Math.max(0, ...Object.keys(stretches).map(Number));
      const measured = [
        measuredRate('runs that write checkpoints', wilsonRate(checkpoints.runsWithCheckpoints, checkpoints.runs)),
        measuredRate(`runs with a checkpoint at least every ${max} calls`, wilsonRate(judged - tooLong, judged)),
        { name: 'most calls without a checkpoint', value: longest },
        { name: 'resumed runs', value: checkpoints.resumedRuns },
        { name: 'resumed runs whose checkpoint was found', value: checkpoints.matchedResumes },
        { name: 'resumed runs that started over', value: checkpoints.startedOver.count },
      ].filter((m): m is MeasuredValue => m !== undefined);
      const gaps = checkpoints.longStretchExamples.filter((e) => e.steps > max);
      // A resume that redoes everything shows the checkpoint is not used: that fails whatever the frequency.
      if (checkpoints.startedOver.count > 0) {
        return {
          outcome: 'fail',
          messageId: 'started-over',
          data: { startedOver: checkpoints.startedOver.count, matched: checkpoints.matchedResumes },
          measured,
          references: toReferences([...checkpoints.startedOver.examples, ...gaps]),
        };
      }
      if (tooLong === 0) {
        return {
          outcome: 'pass',
          messageId: 'checkpointed',
          data: { max, withCheckpoints: checkpoints.runsWithCheckpoints, runs: checkpoints.runs, resumed: checkpoints.matchedResumes },
          measured,
        };
      }
      const result = { messageId: 'gaps' as const, data: { tooLong, judged, max, longest }, measured, references: toReferences(gaps) };
      return tooLong === judged ? { outcome: 'fail', ...result } : { outcome: 'partial', credit: (judged - tooLong) / judged, ...result };
    },
  },
});
