import { defineCheck, noOptions } from '../define-check.js';

export default defineCheck({
  id: 'goal-stays-in-context',
  area: 'memory-context',
  severity: 'high',
  title: 'The user\'s original request is in the context at every step',
  question:
    'Is the user\'s original request present, pinned and verbatim, in the model input of every step of the run, including the last, rather than trimmed out or replaced by the agent\'s own paraphrase?',
  rationale:
    'Trimming and summarising usually drop the oldest messages first, and the oldest message is the user\'s request. From then on the agent works from its own paraphrase of the goal, or from nothing, and finishes a different task than the one asked while reporting success. Pinning the goal costs a few hundred tokens and keeps every step answerable to it.',
  remediation: {
    text: 'Make the original request a fixed part of every prompt (for example a dedicated section right after the system prompt) that trimming and summarisation never touch; keep it verbatim, together with any clarifications the user added later. Add a test that runs a long task and asserts that the request text is in the input of the last model call.',
    effort: 'hours',
  },
  answerableBy: ['trace', 'attestation'],
  messages: {},
  options: noOptions,
  evaluators: {},
});
