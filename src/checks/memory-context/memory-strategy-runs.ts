import { GROWTH_FACTOR, LARGE_INPUT_TOKENS, LONG_RUN_CALLS, PRESSURE_PERCENT } from '../../analysis/context.js';
import { measuredRate, wilsonRate } from '../../analysis/rate.js';
import { toReferences } from '../../analysis/support.js';
import { defineCheck, noOptions } from '../define-check.js';
import { declinedForDeltas } from '../delta-messages.js';

/** When growth needs managing, in words. */
const PRESSURE = `at least ${PRESSURE_PERCENT}% of the model's context window, or ${LARGE_INPUT_TOKENS.toLocaleString('en-US')} tokens where no window is known`;

export default defineCheck({
  id: 'memory-strategy-runs',
  area: 'memory-context',
  severity: 'medium',
  title: 'A summarise-or-trim strategy is seen running on long runs',
  question:
    'Does the agent have a memory strategy (summarising, trimming or windowing its context), and is that strategy observed to actually run on long runs, so that the context stops growing once it reaches its budget?',
  rationale:
    'Many agents have summarisation configured that never fires: the threshold is set above the model\'s window, the hook is registered on the wrong agent, or the setting was lost in a refactor. The difference shows only on the long runs that matter, as a context that grows until the call fails or is truncated by the provider. Only seeing the strategy run proves that it exists.',
  remediation: {
    text: 'Trigger the strategy on a token budget rather than a message count, and emit a span or event each time it runs with the token counts before and after. Add a test with a deliberately long task that asserts the strategy fires and the next input is smaller. Alert on runs that grow past the budget without it having run.',
    effort: 'days',
  },
  answerableBy: ['trace', 'attestation'],
  messages: {
    'seen-running': 'A memory strategy is seen running (a memory step, or a smaller input mid-run) in all {{observed}} long runs where it had something to do.',
    'not-seen': 'In {{grew}} of {{observed}} long runs the input grew to {{factor}}× its first size or more, and large ({{pressure}}), with no memory step and no smaller input mid-run.',
  },
  options: noOptions,
  evaluators: {
    trace: ({ evidence }) => {
      const { longRuns, runsWhereItRan: ran, runsThatGrewWithoutIt: grew, runsThatGrewSmall: small, examples } = evidence.analyses.context.memoryStrategy;
      const observed = ran + grew;
      if (observed === 0) {
        const declined = declinedForDeltas(evidence.analyses.context, evidence.runCount, 'how the input grows over a long run');
        if (declined) return declined;
        return {
          outcome: 'insufficient-evidence',
          reason:
            longRuns === 0
              ? `no run has ${LONG_RUN_CALLS} or more llm calls (${evidence.runCount} runs)`
              : small > 0
                ? `${small} of ${longRuns} runs with ${LONG_RUN_CALLS}+ llm calls grew to ${GROWTH_FACTOR}× their first input but stayed small (${PRESSURE}), so no strategy was needed yet, and none shows a memory step`
                : `${longRuns} runs have ${LONG_RUN_CALLS}+ llm calls, but in none did the input grow to ${GROWTH_FACTOR}× its first size (or its size is not recorded), and none shows a memory step`,
          toCapture: `traces of long runs (${LONG_RUN_CALLS} or more model calls) with input token counts or message content, and a \`memory\` span whenever the strategy runs`,
        };
      }
      const data = { observed, ran, grew, factor: GROWTH_FACTOR, longRuns, pressure: PRESSURE };
      const measured = [
        measuredRate('long runs in which the memory strategy is seen running', wilsonRate(ran, observed)),
        { name: `runs with ${LONG_RUN_CALLS}+ llm calls`, value: longRuns },
      ].filter((m) => m !== undefined);
      if (grew === 0) return { outcome: 'pass', messageId: 'seen-running', data, measured };
      const references = toReferences(examples);
      // Partial credit: the share of growing long runs in which the strategy is seen.
      if (ran === 0) return { outcome: 'fail', messageId: 'not-seen', data, measured, references };
      return { outcome: 'partial', credit: ran / observed, messageId: 'not-seen', data, measured, references };
    },
  },
});
