import { z } from 'zod';
import { defineCheck } from '../define-check.js';

export default defineCheck({
  id: 'retries-are-bounded',
  area: 'failure-handling',
  severity: 'high',
  title: 'Retries are capped and back off',
  question:
    'When a tool call fails, does the agent retry at most a fixed number of times, waiting longer between attempts, and then take a defined failure path?',
  rationale:
    'An uncapped retry loop turns one failing dependency into runaway cost, rate-limit bans and a run that never ends; retrying without backoff hammers a struggling service at the moment it can least take it. In production the retry policy decides whether a blip stays a blip.',
  remediation: {
    text: 'Wrap every tool call in one retry policy: a cap (e.g. 3 attempts), exponential backoff with jitter, and retries only for errors marked transient. When the cap is reached, take the failure path (report failure or escalate) instead of asking the model to try again.',
    effort: 'hours',
  },
  answerableBy: ['probe', 'trace', 'attestation'],
  messages: {},
  options: z.strictObject({
    maxRetries: z.number().int().min(0).default(3).describe('Most retries of one failing call that still count as capped.'),
  }),
  evaluators: {},
});
