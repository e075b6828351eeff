import { z } from 'zod';
import { defineCheck } from '../define-check.js';

export default defineCheck({
  id: 'context-window-has-headroom',
  area: 'memory-context',
  severity: 'medium',
  title: 'Model inputs stay well under the context window',
  question:
    'Do the input tokens of every model call stay well below the model\'s context window (by default at most 80% of it), leaving room for the output and for runs longer than usual?',
  rationale:
    'Near the limit, the provider either rejects the call, failing the run half-way, or the framework silently truncates, usually the oldest messages, which hold the system prompt and the goal. Well before the limit, the model already uses material buried in a long context less reliably. Headroom keeps long runs from falling off a cliff that short test runs never reach.',
  remediation: {
    text: 'Record input tokens for every model call and track their maximum and 95th percentile against the model\'s window. Set a context budget below the window and trim or summarise before each call to stay under it; cap the size of any single tool result. When a call would still exceed the budget, fail the step loudly instead of relying on truncation by the provider or the framework.',
    effort: 'days',
  },
  answerableBy: ['trace', 'attestation'],
  messages: {},
  options: z.strictObject({
    maxUtilization: z
      .number()
      .gt(0)
      .max(1)
      .default(0.8)
      .describe('Largest share (0..1] of the model\'s context window that one model call\'s input tokens may use.'),
  }),
  evaluators: {},
});
