import { defineCheck, noOptions } from '../define-check.js';

export default defineCheck({
  id: 'tool-results-are-condensed',
  area: 'memory-context',
  severity: 'low',
  title: 'Large tool results are condensed before they enter the context',
  question:
    'Are large tool results (long documents, search results, bulky API responses) truncated, summarised or reduced to the relevant fields before they enter the model\'s context, rather than pasted in whole?',
  rationale:
    'A single 50 KB JSON response pasted into the prompt can take most of the context window, push the goal out of view, and be sent again with every later call. Models also pick the relevant field out of a large blob less reliably than out of a short selection. Condensing at the tool boundary keeps cost and context size predictable.',
  remediation: {
    text: 'Set a size cap for any tool result entering the context. For structured responses select the fields the agent needs; for long text return the relevant passages or a summary, and offer follow-up tools (next page, fetch by id) for more. Keep the full result in the log or a store and refer to it by id.',
    effort: 'hours',
  },
  answerableBy: ['trace', 'attestation'],
  messages: {},
  options: noOptions,
  evaluators: {},
});
