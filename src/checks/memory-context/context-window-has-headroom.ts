import { z } from 'zod';
import { measuredRate, wilsonRate } from '../../analysis/rate.js';
import { formatPercent } from '../../shared/percent.js';
import { countAbove, histogramTotal, nearestRank, toReferences } from '../../analysis/support.js';
import { defineCheck } from '../define-check.js';
import { declinedForDeltas } from '../delta-messages.js';

export default defineCheck({
  id: 'context-window-has-headroom',
  area: 'memory-context',
  severity: 'medium',
  title: 'Model inputs stay well under the context window',
  question:
    'Do the input tokens of every model call stay well below the model\'s context window (by default at most 80% of it), leaving room for the output and for runs longer than usual?',
  rationale:
    'Near the limit, the provider either rejects the call, failing the run half-way, or the framework silently truncates, usually the oldest messages, which hold the system prompt and the goal. Well before the limit, the model already uses material buried in a long context less reliably. Headroom keeps long runs from falling off a cliff that short test runs never reach.',
  remediation: {
    text: 'Record input tokens for every model call and track their maximum and 95th percentile against the model\'s window. Set a context budget below the window and trim or summarise before each call to stay under it; cap the size of any single tool result. When a call would still exceed the budget, fail the step loudly instead of relying on truncation by the provider or the framework.',
    effort: 'days',
  },
  answerableBy: ['trace', 'attestation'],
  messages: {
    headroom: 'In all {{runs}} runs with a known window, every model input stays at or below {{bound}} of the context window (largest {{largest}}, 95th percentile of calls {{p95}}).',
    'no-headroom':
      '{{over}} of {{runs}} runs have a model input above {{bound}} of the context window (largest {{largest}}, 95th percentile of calls {{p95}}); {{exceeded}} calls failed on the context length.',
  },
  options: z.strictObject({
    maxUtilization: z
      .number()
      .gt(0)
      .max(1)
      .default(0.8)
      .describe('Largest share (0..1] of the model\'s context window that one model call\'s input tokens may use.'),
  }),
  evaluators: {
    trace: ({ evidence, options }) => {
      const context = evidence.analyses.context;
      const runs = histogramTotal(context.maxUtilizationPercentByRun);
      if (runs === 0) {
        const declined = declinedForDeltas(context, evidence.runCount, 'the size of each whole input');
        if (declined) return declined;
        return {
          outcome: 'insufficient-evidence',
          reason:
            context.callsWithoutWindow > 0
              ? `${context.callsWithoutWindow} llm calls have an input size but no known context window`
              : `none of the ${context.llmCalls} llm calls has both an input size (token count or captured messages) and a known context window`,
          toCapture:
            "record input tokens on llm spans (gen_ai.usage.input_tokens) and state each model's context window in mimir.yaml (traces.contextWindows), e.g. `gpt-4o: 128000`",
        };
      }
      // Runs are bucketed by their largest utilization in whole percent, rounded up; a call that
      // failed on the context length counts as over 100%.
      const boundPercent = Math.round(options.maxUtilization * 1e6) / 1e4;
      const over = countAbove(context.maxUtilizationPercentByRun, boundPercent);
      const largest = Math.max(...Object.keys(context.maxUtilizationPercentByRun).map(Number));
      const calls = new Map(Object.entries(context.utilizationPercent).map(([k, v]) => [Number(k), v]));
      const p95 = nearestRank(calls, 0.95);
      const data = {
        runs,
        over,
        bound: formatPercent(options.maxUtilization),
        largest: largest > 100 ? 'over the window' : `${largest}%`,
        p95: p95 === undefined ? 'n/a' : `${p95}%`,
        exceeded: context.contextExceeded.calls,
      };
      const measured = [
        measuredRate(`runs whose inputs stay at or below ${formatPercent(options.maxUtilization)} of the window`, wilsonRate(runs - over, runs)),
        { name: 'largest utilization of the context window', value: largest, unit: '%', sampleSize: runs },
        p95 !== undefined && { name: '95th percentile utilization of model calls', value: p95, unit: '%', sampleSize: histogramTotal(context.utilizationPercent) },
        { name: 'model calls that failed on the context length', value: context.contextExceeded.calls },
        { name: 'model calls with an unknown context window', value: context.callsWithoutWindow },
      ].filter((m) => m !== undefined && m !== false);
      if (over === 0) return { outcome: 'pass', messageId: 'headroom', data, measured, references: toReferences(context.utilizationExamples.slice(0, 3)) };
      const overExamples = context.utilizationExamples.filter((e) => e.maxUtilizationPercent > boundPercent);
      const references = toReferences([
        ...context.contextExceeded.examples.filter((e) => !overExamples.some((o) => o.runId === e.runId && o.spanId === e.spanId)),
        ...overExamples,
      ]);
      // Partial credit: the share of runs that kept their headroom; a run without it fails or gets truncated late.
      if (over === runs) return { outcome: 'fail', messageId: 'no-headroom', data, measured, references };
      return { outcome: 'partial', credit: (runs - over) / runs, messageId: 'no-headroom', data, measured, references };
    },
  },
});
