import { z } from 'zod';
import type { SizedExample } from '../../analysis/budgets.js';
import { toReferences } from '../../analysis/support.js';
import type { MeasuredValue } from '../../model/index.js';
import { defineCheck } from '../define-check.js';

export default defineCheck({
  id: 'run-budgets-are-enforced',
  area: 'architecture',
  severity: 'high',
  title: 'Hard budgets on steps, tokens and time end a runaway run',
  question:
    'Does the runtime (not the model) enforce hard per-run limits on steps, tokens, wall-clock time and cost, and does hitting one end the run as a reported failure or escalation rather than a silent stop or a claimed success?',
  rationale:
    'A looping agent does not stop by itself: a tool that keeps answering "try again" or a plan that never converges burns thousands of calls overnight, and a single run can cost more than a month of normal traffic. Budgets enforced by the runtime bound the damage of every other bug. Ending the run as an explicit failure makes the overrun visible instead of letting it look like a normal finish.',
  remediation: {
    text: 'Count steps, input and output tokens, elapsed time and cost in the agent loop itself and check them before every model and tool call. Set the limits from observed runs (for example two to three times the 95th percentile). When one is hit, stop, write a checkpoint, and end the run with status failure or escalated, naming the budget that ran out. Alert on runs that hit a budget: they are usually a bug.',
    effort: 'hours',
  },
  answerableBy: ['probe', 'trace', 'attestation'],
  messages: {
    'within-budget':
      'All {{runs}} runs stayed within their budgets: at most {{steps}} model and tool calls (limit {{maxSteps}}), {{tokens}} tokens (limit {{maxTokens}}) and {{seconds}} s (limit {{maxSeconds}}){{defaults}}.',
    'over-budget': 'Runs went past their budgets: {{exceeded}}{{defaults}}.',
  },
  options: z.strictObject({
    maxSteps: z.number().int().positive().default(50).describe('Most model and tool calls one run may make before it counts as over budget.'),
    maxTokens: z.number().int().positive().default(200_000).describe('Most input plus output tokens over all model calls of one run before it counts as over budget.'),
    maxDurationSeconds: z.number().int().positive().default(900).describe('Longest wall-clock duration of one run, in seconds, before it counts as over budget.'),
  }),
  evaluators: {
    trace: ({ evidence, options, defaulted }) => {
      const budgets = evidence.analyses.budgets;
      if (budgets.runs === 0 || budgets.steps === null) {
        return { outcome: 'insufficient-evidence', reason: 'the traces hold no runs', toCapture: 'Export the agent\'s runs to the trace sources named in mimir.yaml' };
      }
      const limits = [
        { what: 'model and tool calls', unit: undefined, extent: budgets.steps, limit: options.maxSteps, option: 'maxSteps', examples: budgets.largestRuns },
        { what: 'tokens', unit: undefined, extent: budgets.tokens, limit: options.maxTokens, option: 'maxTokens', examples: budgets.largestRunsByTokens },
        { what: 'seconds', unit: 's', extent: budgets.durationSeconds, limit: options.maxDurationSeconds, option: 'maxDurationSeconds', examples: budgets.longestRuns },
      ] as const;
      // A limit nobody set is mimir's guess, not the agent's budget: the finding says so and where to set it.
      const defaultsNote = (judged: readonly (typeof limits)[number][]): string => {
        const names = judged.filter(({ option }) => defaulted.has(option)).map(({ option }) => option);
        return names.length === 0 ? '' : ` (${names.length === judged.length ? (judged.length === 1 ? 'the limit is' : 'the limits are') : `${names.join(', ')} ${names.length === 1 ? 'is' : 'are'}`} mimir's default${names.length === 1 ? '' : 's'}; set policy.checks.run-budgets-are-enforced.${names.join(', .')} to the agent's own budget${names.length === 1 ? '' : 's'})`;
      };
      const measured: MeasuredValue[] = limits.flatMap(({ what, unit, extent }) =>
        extent === null
          ? []
          : [
              { name: `most ${what} in one run`, value: round(extent.max), ...(unit && { unit }) },
              { name: `p95 ${what} per run`, value: round(extent.p95), ...(unit && { unit }) },
            ],
      );
      const over = limits.filter(({ extent, limit }) => extent !== null && extent.max > limit);
      if (over.length > 0) {
        const exceeded = over.map(({ what, extent, limit }) => `${what} up to ${round(extent?.max ?? 0)} (limit ${limit})`).join('; ');
        const examples: SizedExample[] = over.flatMap(({ examples, limit }) => examples.filter((e) => e.value > limit));
        return { outcome: 'fail', messageId: 'over-budget', data: { exceeded, defaults: defaultsNote(over) }, measured, references: toReferences(examples) };
      }
      const unknown = limits.filter(({ extent }) => extent === null).map(({ what }) => (what === 'tokens' ? 'token counts' : 'run start and end times'));
      if (unknown.length > 0) {
        return {
          outcome: 'insufficient-evidence',
          reason: `every run stayed within ${options.maxSteps} model and tool calls, but ${unknown.join(' and ')} were not recorded, so not every budget can be checked`,
          toCapture: 'Record `gen_ai.usage.input_tokens` and `gen_ai.usage.output_tokens` on model calls, and end the root span of each run',
        };
      }
      return {
        outcome: 'pass',
        messageId: 'within-budget',
        data: {
          runs: budgets.runs,
          steps: budgets.steps.max,
          maxSteps: options.maxSteps,
          tokens: budgets.tokens?.max ?? 0,
          maxTokens: options.maxTokens,
          seconds: round(budgets.durationSeconds?.max ?? 0),
          maxSeconds: options.maxDurationSeconds,
          defaults: defaultsNote(limits),
        },
        measured,
        // The largest run by each measure, so a reader can see how close to the limits the corpus came.
        references: toReferences(limits.flatMap(({ examples }) => examples.slice(0, 1))),
      };
    },
  },
});

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
