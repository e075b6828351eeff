import { z } from 'zod';
import { CAPTURE_MESSAGE_CONTENT } from '../capture-hints.js';
import { measuredRate, wilsonRate } from '../../analysis/rate.js';
import { formatPercent, toPercent } from '../../shared/percent.js';
import { countAbove, histogramTotal, toReferences } from '../../analysis/support.js';
import { defineCheck } from '../define-check.js';
import { declinedForDeltas } from '../delta-messages.js';

export default defineCheck({
  id: 'context-bleed-is-bounded',
  area: 'memory-context',
  severity: 'high',
  title: 'The agent is not mostly reacting to its own output',
  question:
    'Does the share of each model call\'s input that is the agent\'s own earlier output and mistakes (its messages and what its blocking tool failures answered, as opposed to the system prompt, the user\'s goal and the data it fetched) stay bounded, by default at most 60%, at every step including step six, seven and later?',
  rationale:
    'On a long run the context fills with the agent\'s own plans, guesses and tool output until the instructions and the goal are a small fraction of what the model reads. From then on it reacts to itself: a wrong assumption made in step two is read back at every step until it looks like a fact, and the run drifts away from the task. This context bleed is a main reason long tasks fail where three-step demos succeed.',
  remediation: {
    text: 'Measure the share first: input tokens by message role for each model call, by step index. Then bound it: summarise or drop earlier assistant turns and tool results once they have been used, keep only the results the next step needs, and rebuild each prompt from goal, state and selected results (see context-is-assembled-deliberately). Give the self-generated part a token budget and trim to it before every call.',
    effort: 'days',
  },
  answerableBy: ['trace', 'attestation'],
  messages: {
    'within-bound':
      "In all {{runs}} runs with captured input, the agent's own output and blocking tool failures stay at or below {{bound}} of every model call's input (largest: {{largest}}; mean at the first call {{first}}, at the last measured position {{last}}); fetched data and failures that were answers are not counted as the agent's own{{boundSource}}.",
    'over-bound':
      "{{over}} of {{runs}} runs have a model call whose input is more than {{bound}} the agent's own output and blocking tool failures (largest: {{largest}}); the mean share goes from {{first}} at the first call to {{last}} at call {{lastIndex}}{{boundSource}}.",
  },
  options: z.strictObject({
    maxSelfShare: z
      .number()
      .min(0)
      .max(1)
      .default(0.6)
      .describe('Largest share (0..1) of one model call\'s input that may be the agent\'s own earlier output and blocking tool failures.'),
  }),
  evaluators: {
    trace: ({ evidence, options, defaulted }) => {
      const context = evidence.analyses.context;
      const runs = histogramTotal(context.maxSelfSharePercentByRun);
      if (runs === 0) {
        const declined = declinedForDeltas(context, evidence.runCount, "how much of each input is the agent's own output");
        if (declined) return declined;
        return {
          outcome: 'insufficient-evidence',
          reason:
            context.callsWithContent === 0
              ? `none of the ${context.llmCalls} llm calls in ${evidence.runCount} runs has its input messages captured, so the composition of the input is unknown`
              : `the ${context.callsWithContent} llm calls with captured input have only empty messages`,
          toCapture: CAPTURE_MESSAGE_CONTENT,
        };
      }
      // Runs are bucketed by their largest share in whole percent, rounded up: a share just over
      // the bound never counts as within it. Rounding the bound itself avoids 0.29 × 100 = 28.999….
      const largest = Math.max(...Object.keys(context.maxSelfSharePercentByRun).map(Number));
      // Bleed needs something to bleed: a model call made after the agent had produced output. When
      // every captured input is its run's first (a framework that records the input of the first
      // call of a loop only), a 0% share shows nothing about the inputs that came later.
      if (largest === 0 && context.selfShareByStep.every((s) => s.index === 0)) {
        return {
          outcome: 'insufficient-evidence',
          reason: `every captured model input (${context.callsWithContent} of ${context.llmCalls} llm calls in ${evidence.runCount} runs) is the first of its run, made before the agent had produced anything, so whether its own output comes to dominate later inputs is not observed`,
          toCapture: `${CAPTURE_MESSAGE_CONTENT}, on every model call of a run, not only the first`,
        };
      }
      const boundPercent = Math.round(options.maxSelfShare * 1e6) / 1e4;
      const over = countAbove(context.maxSelfSharePercentByRun, boundPercent);
      const within = runs - over;
      const first = context.selfShareByStep[0];
      const last = context.selfShareByStep.at(-1);
      const data = {
        runs,
        over,
        bound: formatPercent(options.maxSelfShare),
        boundSource: defaulted.has('maxSelfShare') ? ` (${formatPercent(options.maxSelfShare)} is mimir's default; set policy.checks.context-bleed-is-bounded.maxSelfShare)` : '',
        largest: `${largest}%`,
        first: first ? formatPercent(first.mean) : 'n/a',
        last: last ? formatPercent(last.mean) : 'n/a',
        lastIndex: last ? last.index + 1 : 0,
      };
      const stepSeven = context.selfShareByStep.find((s) => s.index === 6);
      const measured = [
        measuredRate(`runs whose self share stays at or below ${formatPercent(options.maxSelfShare)}`, wilsonRate(within, runs)),
        { name: 'largest self share of any model call', value: largest, unit: '%', sampleSize: runs },
        first && { name: 'mean self share at the first model call', value: toPercent(first.mean), unit: '%', sampleSize: first.calls },
        stepSeven && { name: 'mean self share at model call 7', value: toPercent(stepSeven.mean), unit: '%', sampleSize: stepSeven.calls },
        context.selfShareGrowth !== null && { name: 'mean growth of the self share from first to last call', value: toPercent(context.selfShareGrowth), unit: 'percentage points' },
      ].filter((m) => m !== undefined && m !== false);
      if (over === 0) {
        return { outcome: 'pass', messageId: 'within-bound', data, measured, references: toReferences(context.bleedExamples.slice(0, 3)) };
      }
      const references = toReferences(context.bleedExamples.filter((e) => e.maxSelfShare > options.maxSelfShare));
      // Credit is the share of runs that stay within the bound: each run that bleeds is one that drifts.
      if (within === 0) return { outcome: 'fail', messageId: 'over-bound', data, measured, references };
      return { outcome: 'partial', credit: within / runs, messageId: 'over-bound', data, measured, references };
    },
  },
});
