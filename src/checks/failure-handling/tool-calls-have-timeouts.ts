import { z } from 'zod';
import { defineCheck } from '../define-check.js';

export default defineCheck({
  id: 'tool-calls-have-timeouts',
  area: 'failure-handling',
  severity: 'high',
  title: 'Every tool call has a timeout',
  question:
    'Does every tool call end within a set time, with a reported timeout the agent then handles, so that a tool that hangs cannot leave the run stuck?',
  rationale:
    'A tool that never answers is worse than one that fails: no error is raised, no retry or fallback fires, and the run holds its worker, its locks and the user waiting until someone notices. Many HTTP and MCP clients wait forever by default. A timeout turns a hang into an ordinary failure that the rest of the failure handling already knows how to treat.',
  remediation: {
    text: 'Set an explicit timeout on every tool call in the agent runtime (AbortSignal.timeout, the HTTP client timeout, the MCP request timeout), not only inside the tool servers. Choose it per tool from its observed p99 latency, treat expiry as a transient error that goes through the retry cap, and add an overall deadline per run.',
    effort: 'hours',
  },
  answerableBy: ['probe', 'trace', 'attestation'],
  messages: {},
  options: z.strictObject({
    maxToolCallSeconds: z
      .number()
      .positive()
      .default(60)
      .describe('Longest one tool call may take, in seconds, before it must end as a timeout.'),
  }),
  evaluators: {},
});
