import { z } from 'zod';
import { measuredRate } from '../../analysis/rate.js';
import { formatPercent, toPercent } from '../../shared/percent.js';
import { toReferences } from '../../analysis/support.js';
import type { MeasuredValue } from '../../model/index.js';
import { defineCheck } from '../define-check.js';

export default defineCheck({
  id: 'step-reliability-fits-workflow-length',
  area: 'failure-handling',
  severity: 'high',
  title: 'Per-step reliability is high enough for the workflow length',
  question:
    'Given the number of steps a real task takes (n) and the measured per-step reliability (p), does the projected end-to-end success p^n meet the target?',
  rationale:
    'Errors compound: an agent that is right 85% of the time per step finishes an 8-step task correctly only 0.85^8 ≈ 27% of the time. Demos have three steps and look fine; production tasks have ten and do not. A team that knows only its per-step accuracy overestimates what users will see, often several times over.',
  remediation: {
    text: 'Measure per-step reliability and the real step counts of production tasks from traces, and compute p^n against the target. Close the gap by shortening workflows (deterministic code instead of model decisions for fixed steps), verifying the outputs of the steps that fail most, or splitting long tasks at checkpoints with a human review between parts.',
    effort: 'weeks',
  },
  answerableBy: ['probe', 'trace', 'attestation'],
  messages: {
    fits: 'Per-step reliability {{p}} over a median of {{n}} steps projects {{projected}} end-to-end success, meeting the target of {{target}}{{targetSource}}.{{observed}}',
    'observed-holds':
      'Observed end-to-end success is {{observedRate}} of {{graded}} graded runs, meeting the target of {{target}}{{targetSource}}, although per-step reliability {{p}} over a median of {{n}} steps projects only {{projected}}: failed steps are recovered rather than compounded. The projection is a caution, not a failure.',
    'too-long':
      'Observed end-to-end success is {{observedRate}} of {{graded}} graded runs, below the target of {{target}}{{targetSource}}; per-step reliability {{p}} over a median of {{n}} steps projects {{projected}}, and the projection falls below 50% at {{half}} steps.',
    'fails-unseen':
      'Observed end-to-end success is {{observedRate}} of {{graded}} graded runs, below the target of {{target}}{{targetSource}}, although per-step reliability {{p}} over a median of {{n}} steps projects {{projected}}: runs fail in ways the recorded step statuses do not show (a tool error recorded as a successful step, a wrong answer, a step that should not have run).',
  },
  options: z.strictObject({
    minEndToEndSuccess: z
      .number()
      .min(0)
      .max(1)
      .default(0.9)
      .describe('Lowest end-to-end success rate (p^n, 0..1) the workflow must reach.'),
    minSteps: z
      .number()
      .int()
      .min(1)
      .default(30)
      .describe('Fewest model and tool calls the traces must hold before per-step reliability is trusted for the projection.'),
  }),
  evaluators: {
    trace: ({ evidence, options, defaulted }) => {
      const { compounding, reliability } = evidence.analyses;
      const perStep = compounding.perStep;
      const p = perStep.rate;
      const counts = compounding.stepCounts;
      const projected = compounding.projectedAtMedian;
      if (p === null || counts === null || projected === null || perStep.trials < options.minSteps) {
        return {
          outcome: 'insufficient-evidence',
          reason: `the traces hold ${perStep.trials} model and tool calls; at least ${options.minSteps} are needed to estimate per-step reliability`,
          toCapture: 'Trace every model call (`chat` spans) and tool call (`execute_tool` spans) of more runs',
        };
      }
      const [low, high] = perStep.interval ?? [p, p];
      const observed = compounding.observed;
      const measured = [
        measuredRate('per-step reliability', perStep),
        { name: 'median steps per run', value: counts.median, sampleSize: counts.runs },
        { name: 'p90 steps per run', value: counts.p90, sampleSize: counts.runs },
        // The interval of p carried through p^n: monotone in p, so its ends map to the projection's ends.
        { name: 'projected end-to-end success at the median', value: toPercent(projected), unit: '%', interval: [toPercent(low ** counts.median), toPercent(high ** counts.median)] as const },
        { name: 'projected end-to-end success at p90', value: toPercent(p ** counts.p90), unit: '%' },
        measuredRate('observed end-to-end success', observed),
        ...(compounding.stepsBelowHalf === null ? [] : [{ name: 'steps at which the projection falls below 50%', value: compounding.stepsBelowHalf }]),
      ].filter((m): m is MeasuredValue => m !== undefined);
      const data = {
        p: formatPercent(p),
        n: counts.median,
        projected: formatPercent(projected),
        target: formatPercent(options.minEndToEndSuccess),
        targetSource: defaulted.has('minEndToEndSuccess') ? " (mimir's default; set policy.checks.step-reliability-fits-workflow-length.minEndToEndSuccess)" : '',
        observed: observed.rate === null ? '' : ` Observed: ${formatPercent(observed.rate)} of ${observed.trials} graded runs.`,
      };
      const references = toReferences(reliability.failedStepExamples);
      // The projection assumes every failed step sinks its run and is a model, not a measurement:
      // where runs are graded, what users saw decides, both ways. A projection that meets the target
      // cannot outvote graded runs that did not, and one that falls short cannot fail runs that did.
      if (observed.rate === null) {
        if (projected >= options.minEndToEndSuccess) return { outcome: 'pass', messageId: 'fits', data, measured, references };
        return {
          outcome: 'insufficient-evidence',
          reason: `per-step reliability ${formatPercent(p)} over a median of ${counts.median} steps projects ${formatPercent(projected)} end-to-end success, below the target of ${formatPercent(options.minEndToEndSuccess)}, but no run's outcome is graded, so whether failed steps compound or are recovered is not observed`,
          toCapture: 'verified outcomes of the runs: a labels file, `gen_ai.evaluation.result` events, or the probe runs\' own traces',
        };
      }
      const graded = { ...data, observedRate: formatPercent(observed.rate), graded: observed.trials };
      if (observed.rate >= options.minEndToEndSuccess) {
        if (projected >= options.minEndToEndSuccess) return { outcome: 'pass', messageId: 'fits', data, measured, references };
        return { outcome: 'pass', messageId: 'observed-holds', data: graded, measured, references };
      }
      if (projected >= options.minEndToEndSuccess) return { outcome: 'fail', messageId: 'fails-unseen', data: graded, measured, references };
      return { outcome: 'fail', messageId: 'too-long', data: { ...graded, half: compounding.stepsBelowHalf ?? 'no' }, measured, references };
    },
  },
});
