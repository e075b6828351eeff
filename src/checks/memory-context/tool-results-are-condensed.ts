import { z } from 'zod';
import { CAPTURE_MESSAGE_CONTENT } from '../capture-hints.js';
import { measuredRate, wilsonRate } from '../../analysis/rate.js';
import { countAbove, histogramTotal, toReferences } from '../../analysis/support.js';
import { defaultNote } from '../default-note.js';
import { defineCheck } from '../define-check.js';

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
  messages: {
    condensed: 'All {{results}} tool results that entered a model input are at most {{max}} tokens (largest {{largest}} tokens){{maxSource}}.',
    'not-condensed': '{{over}} of {{results}} tool results entered a model input at more than {{max}} tokens (largest {{largest}} tokens){{maxSource}}.',
  },
  options: z.strictObject({
    maxToolResultTokens: z
      .number()
      .int()
      .positive()
      .default(4000)
      .describe('Largest size in tokens of one tool result as it enters a model input; compared in hundreds, rounded up.'),
  }),
  evaluators: {
    trace: ({ evidence, options, defaulted }) => {
      const context = evidence.analyses.context;
      const results = histogramTotal(context.toolResultTokens);
      if (results === 0) {
        return context.callsWithContent === 0
          ? {
              outcome: 'insufficient-evidence',
              reason: `none of the ${context.llmCalls} llm calls in ${evidence.runCount} runs has its input messages captured, so the tool results entering the context are unseen`,
              toCapture: CAPTURE_MESSAGE_CONTENT,
            }
          : {
              outcome: 'insufficient-evidence',
              reason: `no tool result appears in the ${context.callsWithContent} captured model inputs`,
              toCapture: 'traces of runs that call tools, with message content captured so tool results show in the model inputs',
            };
      }
      // Sizes are bucketed rounded up to 100s: a result counts as over when its bucket is above the cap.
      const over = countAbove(context.toolResultTokens, options.maxToolResultTokens);
      const largest = context.toolResultExamples[0]?.tokens ?? 0;
      const data = { results, over, max: options.maxToolResultTokens, largest, maxSource: defaultNote(defaulted, 'tool-results-are-condensed', 'maxToolResultTokens', options.maxToolResultTokens) };
      const measured = [
        measuredRate(`tool results at most ${options.maxToolResultTokens} tokens`, wilsonRate(results - over, results)),
        { name: 'largest tool result in a model input', value: largest, unit: 'tokens' },
      ].filter((m) => m !== undefined);
      if (over === 0) return { outcome: 'pass', messageId: 'condensed', data, measured, references: toReferences(context.toolResultExamples.slice(0, 3)) };
      const references = toReferences(context.toolResultExamples.filter((e) => e.tokens > options.maxToolResultTokens));
      // Partial credit: the share of tool results within the cap.
      if (over === results) return { outcome: 'fail', messageId: 'not-condensed', data, measured, references };
      return { outcome: 'partial', credit: (results - over) / results, messageId: 'not-condensed', data, measured, references };
    },
  },
});
