import { z } from 'zod';
import { defineCheck } from '../define-check.js';

export default defineCheck({
  id: 'loops-are-detected',
  area: 'failure-handling',
  severity: 'high',
  title: 'Repeating calls are detected and the loop is broken',
  question:
    'Does the runtime notice when the agent makes the same tool call with the same arguments again and again, or keeps returning to the same state, and break the loop?',
  rationale:
    'Agents loop: a search that finds nothing is searched again, two tools bounce a task back and forth, a plan is re-planned into itself. Each turn looks reasonable to the model, so only the runtime can see the repetition. Without detection a loop runs until the token budget or a timeout ends it, and the bill arrives before anyone notices.',
  remediation: {
    text: 'Fingerprint each tool call (tool name plus normalized arguments) and count repeats per run. At a threshold such as the third identical call, tell the model once that it is repeating itself, and on the next repeat halt or escalate. Keep a hard cap on total steps per run as a backstop.',
    effort: 'hours',
  },
  answerableBy: ['probe', 'trace', 'attestation'],
  messages: {},
  options: z.strictObject({
    maxIdenticalCalls: z
      .number()
      .int()
      .min(2)
      .default(3)
      .describe('Most identical calls (same tool, same arguments) one run may make before the loop must be broken.'),
  }),
  evaluators: {},
});
