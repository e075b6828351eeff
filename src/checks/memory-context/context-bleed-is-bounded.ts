import { z } from 'zod';
import { defineCheck } from '../define-check.js';

export default defineCheck({
  id: 'context-bleed-is-bounded',
  area: 'memory-context',
  severity: 'high',
  title: 'The agent is not mostly reacting to its own output',
  question:
    'Does the share of each model call\'s input that is the agent\'s own earlier output and tool results (as opposed to the system prompt and the user\'s goal) stay bounded, by default at most 60%, at every step including step six, seven and later?',
  rationale:
    'On a long run the context fills with the agent\'s own plans, guesses and tool output until the instructions and the goal are a small fraction of what the model reads. From then on it reacts to itself: a wrong assumption made in step two is read back at every step until it looks like a fact, and the run drifts away from the task. This context bleed is a main reason long tasks fail where three-step demos succeed.',
  remediation: {
    text: 'Measure the share first: input tokens by message role for each model call, by step index. Then bound it: summarise or drop earlier assistant turns and tool results once they have been used, keep only the results the next step needs, and rebuild each prompt from goal, state and selected results (see context-is-assembled-deliberately). Give the self-generated part a token budget and trim to it before every call.',
    effort: 'days',
  },
  answerableBy: ['trace', 'attestation'],
  messages: {},
  options: z.strictObject({
    maxSelfShare: z
      .number()
      .min(0)
      .max(1)
      .default(0.6)
      .describe('Largest share (0..1) of one model call\'s input that may be the agent\'s own earlier output and tool results.'),
  }),
  evaluators: {},
});
