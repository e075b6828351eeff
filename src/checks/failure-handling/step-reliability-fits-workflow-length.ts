import { z } from 'zod';
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
  messages: {},
  options: z.strictObject({
    minEndToEndSuccess: z
      .number()
      .min(0)
      .max(1)
      .default(0.9)
      .describe('Lowest end-to-end success rate (p^n, 0..1) the workflow must reach.'),
  }),
  evaluators: {},
});
