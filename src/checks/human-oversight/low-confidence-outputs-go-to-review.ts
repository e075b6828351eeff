import { z } from 'zod';
import { defineCheck } from '../define-check.js';

export default defineCheck({
  id: 'low-confidence-outputs-go-to-review',
  area: 'human-oversight',
  severity: 'high',
  title: 'Low-confidence outputs go to human review',
  question:
    'When the confidence of an output falls below the threshold, is the output routed to a human review queue before it takes effect, rather than shipped anyway or silently replaced?',
  rationale:
    'A confidence score is only worth computing if something happens when it is low. The common failures are a threshold that logs a warning while the answer is sent anyway, and a fallback that silently swaps the uncertain answer for a default. A review queue puts the uncertain cases, the ones most likely to be wrong, in front of a person before the customer sees them.',
  remediation: {
    text: 'Emit a confidence for each decision that matters (a verifier model, log-probabilities or rule-based signals) as mimir.confidence on the llm step, and gate on it: below the threshold the output goes to a review queue with its context, and the run waits or ends as escalated. Calibrate the threshold against graded runs and watch the queue volume so reviewers are not swamped.',
    effort: 'days',
  },
  answerableBy: ['trace', 'attestation'],
  messages: {},
  options: z.strictObject({
    minConfidence: z
      .number()
      .min(0)
      .max(1)
      .default(0.7)
      .describe('Confidence (0..1) below which an output must go to human review.'),
  }),
  evaluators: {},
});
