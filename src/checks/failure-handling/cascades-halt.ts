import { z } from 'zod';
import { defineCheck } from '../define-check.js';

export default defineCheck({
  id: 'cascades-halt',
  area: 'failure-handling',
  severity: 'critical',
  title: 'Cascading failures halt the run',
  question:
    'After several consecutive failing steps, or several different tools failing in one run, does the agent halt or escalate instead of carrying on from a broken state?',
  rationale:
    'One failure makes the next more likely: a failed lookup becomes a wrong argument, the wrong argument becomes a failed or, worse, a successful write, and each step builds on the last error. Without a breaker a run with a dead dependency burns tokens for minutes and can still perform side effects from garbage inputs. Halting after a few failures in a row caps the damage at those few steps.',
  remediation: {
    text: 'Count consecutive failed steps in the runtime (tool errors, results that look like errors, rejected outputs) and stop the run at a threshold such as 3: end it as a failure or escalate, with the chain of failures attached. Also stop when two or more distinct tools fail in the same run, and put a circuit breaker on each dependency so a service that is down fails fast across runs.',
    effort: 'days',
  },
  answerableBy: ['probe', 'trace', 'attestation'],
  messages: {},
  options: z.strictObject({
    maxConsecutiveFailures: z
      .number()
      .int()
      .min(1)
      .default(3)
      .describe('Most consecutive failing steps a run may take before it must halt or escalate.'),
  }),
  evaluators: {},
});
