import { defineCheck, noOptions } from '../define-check.js';

export default defineCheck({
  id: 'errors-are-not-replayed-verbatim',
  area: 'memory-context',
  severity: 'medium',
  title: 'Handled errors are not replayed verbatim into later prompts',
  question:
    'Once an error has been handled, is its text (the error message, the stack trace, the failed tool output) summarised or dropped from later prompts, rather than replayed verbatim into every following model call?',
  rationale:
    'A stack trace left in the transcript is read again at every later step: it costs tokens, and worse, the model keeps reacting to a failure that is already resolved by retrying the old approach, apologising, or concluding that the task is impossible. Error text is also where internal paths, hostnames and credentials leak into prompts and from there into logs and model providers.',
  remediation: {
    text: 'Once an error is handled (retried successfully, or routed to a fallback), replace its full text in the context with a one-line summary such as "search_orders timed out once; retried OK", or drop it. Keep the full error in the log and the traces, not in the prompt. Cap the size of any error text that enters a prompt and strip stack traces before it does.',
    effort: 'hours',
  },
  answerableBy: ['trace', 'attestation'],
  messages: {},
  options: noOptions,
  evaluators: {},
});
