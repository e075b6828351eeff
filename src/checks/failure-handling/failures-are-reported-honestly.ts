import { z } from 'zod';
import { defineCheck } from '../define-check.js';

export default defineCheck({
  id: 'failures-are-reported-honestly',
  area: 'failure-handling',
  severity: 'critical',
  title: 'Failed runs are never reported as success',
  question:
    'When a run fails (verification says the task was not done, or a needed tool failed and never recovered), does the agent end with failure or escalation instead of claiming success?',
  rationale:
    'The most expensive failure is the silent one: the agent does 80% of the task, says "done", and every dashboard stays green while customers find out. In the public tau-bench airline trajectories, two thirds of the conversations the agent brought to a normal close were graded wrong. If the final status cannot be trusted, every success rate built on it is wrong too.',
  remediation: {
    text: 'Derive the final status from checks the runtime makes, not from the model\'s last message: verify postconditions (the record exists, the email is queued) before reporting success, carry any unrecovered tool failure into the final status, and make "failure" and "escalated" first-class endings the agent is told to use. Grade a sample of finished runs to track the silent failure rate over time.',
    effort: 'days',
  },
  answerableBy: ['probe', 'trace', 'attestation'],
  messages: {},
  options: z.strictObject({
    maxSilentFailureRate: z
      .number()
      .min(0)
      .max(1)
      .default(0)
      .describe('Highest share of failed runs that may claim success (0..1).'),
  }),
  evaluators: {},
});
