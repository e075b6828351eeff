import { z } from 'zod';
import { defineCheck } from '../define-check.js';

export default defineCheck({
  id: 'run-budgets-are-enforced',
  area: 'architecture',
  severity: 'high',
  title: 'Hard budgets on steps, tokens and time end a runaway run',
  question:
    'Does the runtime (not the model) enforce hard per-run limits on steps, tokens, wall-clock time and cost, and does hitting one end the run as a reported failure or escalation rather than a silent stop or a claimed success?',
  rationale:
    'A looping agent does not stop by itself: a tool that keeps answering "try again" or a plan that never converges burns thousands of calls overnight, and a single run can cost more than a month of normal traffic. Budgets enforced by the runtime bound the damage of every other bug. Ending the run as an explicit failure makes the overrun visible instead of letting it look like a normal finish.',
  remediation: {
    text: 'Count steps, input and output tokens, elapsed time and cost in the agent loop itself and check them before every model and tool call. Set the limits from observed runs (for example two to three times the 95th percentile). When one is hit, stop, write a checkpoint, and end the run with status failure or escalated, naming the budget that ran out. Alert on runs that hit a budget: they are usually a bug.',
    effort: 'hours',
  },
  answerableBy: ['probe', 'trace', 'attestation'],
  messages: {},
  options: z.strictObject({
    maxSteps: z.number().int().positive().default(50).describe('Most model and tool calls one run may make before it counts as over budget.'),
    maxTokens: z.number().int().positive().default(200_000).describe('Most input plus output tokens over all model calls of one run before it counts as over budget.'),
    maxDurationSeconds: z.number().int().positive().default(900).describe('Longest wall-clock duration of one run, in seconds, before it counts as over budget.'),
  }),
  evaluators: {},
});
