import { z } from 'zod';
import { MIN_COMPARED_PAIRS } from '../../analysis/assembly.js';
import { LONG_RUN_CALLS } from '../../analysis/context.js';
import { CAPTURE_MESSAGE_CONTENT } from '../capture-hints.js';
import { measuredRate, wilsonRate } from '../../analysis/rate.js';
import { formatPercent, toPercent } from '../../shared/percent.js';
import { countAbove, nearestRank, toReferences } from '../../analysis/support.js';
import type { MeasuredValue } from '../../model/index.js';
import { declinedForDeltas } from '../delta-messages.js';
import { defineCheck } from '../define-check.js';

export default defineCheck({
  id: 'context-is-assembled-deliberately',
  area: 'architecture',
  severity: 'medium',
  title: 'Prompts are assembled from chosen parts, not leftovers',
  question:
    'Is each step\'s prompt built from named, deliberately selected parts (the goal, the relevant state, the selected results of earlier steps) rather than from whatever has accumulated in the running transcript?',
  rationale:
    'When the prompt is simply "everything so far", what the model sees is an accident of the run\'s history: stale plans, superseded results and earlier mistakes stay in and keep steering it. Assembling the context from named parts makes it predictable, testable and bounded in size, and it is the main lever against context bleed on long runs.',
  remediation: {
    text: 'Write a context builder per step type that takes the goal, the current state and a selection of earlier results and renders them into named sections; keep the full transcript in the log, not in the prompt. Decide per step which earlier results are relevant (by reference, recency or retrieval), test the builder with fixtures, and record the names and sizes of the parts on each model-call span.',
    effort: 'days',
  },
  answerableBy: ['trace', 'attestation'],
  messages: {
    deliberate:
      'In all {{runs}} runs judged, at most {{bound}} of model calls re-send the previous input with messages appended ({{appended}} of {{pairs}} calls overall); a median {{carried}} of the messages added along a run is still in its last input.',
    'replay-bounded':
      '{{short}} of {{runs}} runs re-send their transcript, but none of them reaches {{long}} model calls in one conversation, where stale turns would pile up; the others rebuild their input ({{appended}} of {{pairs}} calls overall append).',
    replayed:
      '{{transcript}} of {{runs}} runs replay the transcript over {{long}} or more model calls: more than {{bound}} of their model calls re-send the previous input with messages appended ({{appended}} of {{pairs}} calls overall); a median {{carried}} of the messages added along a run is still in its last input.',
  },
  options: z.strictObject({
    maxAppendShare: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe("Largest share (0..1) of a run's model calls whose input may be the previous input with messages appended before the run counts as replaying its transcript."),
    minRuns: z
      .number()
      .int()
      .min(1)
      .default(3)
      .describe(`Fewest runs with ${MIN_COMPARED_PAIRS} or more comparable model calls the traces must hold before they can show that context is assembled deliberately.`),
  }),
  evaluators: {
    trace: ({ evidence, options }) => {
      const assembly = evidence.analyses.assembly;
      const context = evidence.analyses.context;
      if (assembly.runs === 0) {
        // Delta-recorded inputs never repeat the previous one, so no run looks comparable: say why.
        const declined = context.callsWithContent === 0 ? undefined : declinedForDeltas(context, evidence.runCount, 'whether each input is rebuilt or replays the previous one');
        if (declined) return declined;
        return {
          outcome: 'insufficient-evidence',
          reason:
            context.callsWithContent === 0
              ? `none of the ${context.llmCalls} llm calls in ${evidence.runCount} runs has its input messages captured, so how inputs are built is unknown`
              : `none of the ${assembly.shortRuns} runs with captured input has ${MIN_COMPARED_PAIRS + 1} or more model calls in one conversation to compare`,
          toCapture:
            context.callsWithContent === 0
              ? CAPTURE_MESSAGE_CONTENT
              : `traces of runs with ${MIN_COMPARED_PAIRS + 1} or more model calls, with their input messages captured`,
        };
      }
      // Runs are bucketed by their share in whole percent, rounded up: a share just over the bound never counts as within it.
      const boundPercent = Math.round(options.maxAppendShare * 1e6) / 1e4;
      // Replaying a short conversation is the standard tool-calling loop and carries little stale;
      // only long conversations that keep replaying count against the check.
      const transcript = countAbove(assembly.appendSharePercentByLongRun, boundPercent);
      const short = countAbove(assembly.appendSharePercentByRun, boundPercent) - transcript;
      const runs = assembly.runs;
      const carriedMedian = nearestRank(new Map(Object.entries(assembly.carriedSharePercentByRun).map(([k, v]) => [Number(k), v])), 0.5);
      const data = {
        runs,
        transcript,
        bound: formatPercent(options.maxAppendShare),
        appended: assembly.appendedPairs,
        pairs: assembly.pairs,
        carried: carriedMedian === undefined ? 'n/a' : `${carriedMedian}%`,
        short,
        long: LONG_RUN_CALLS,
      };
      const measured = [
        measuredRate(`runs in which at most ${formatPercent(options.maxAppendShare)} of model calls append to the previous input`, wilsonRate(runs - transcript, runs)),
        assembly.pairs > 0 && { name: 'model calls that re-send the previous input with messages appended', value: toPercent(assembly.appendedPairs / assembly.pairs), unit: '%', sampleSize: assembly.pairs },
        carriedMedian !== undefined && { name: 'median share of messages added along a run still in its last input', value: carriedMedian, unit: '%' },
      ].filter((m): m is MeasuredValue => m !== undefined && m !== false);
      if (transcript === 0) {
        if (runs < options.minRuns) {
          return {
            outcome: 'insufficient-evidence',
            reason: `runs with ${MIN_COMPARED_PAIRS} or more comparable model calls: ${runs}; at least ${options.minRuns} are needed`,
            toCapture: `traces of more runs with ${MIN_COMPARED_PAIRS + 1} or more model calls, with their input messages captured`,
          };
        }
        return { outcome: 'pass', messageId: short > 0 ? 'replay-bounded' : 'deliberate', data, measured };
      }
      const references = toReferences(assembly.examples.filter((e) => e.appendShare * 100 > boundPercent && e.longestConversation >= LONG_RUN_CALLS));
      const result = { messageId: 'replayed' as const, data, measured, references };
      // Credit is the share of runs whose inputs are rebuilt rather than replayed.
      return transcript === runs ? { outcome: 'fail', ...result } : { outcome: 'partial', credit: (runs - transcript) / runs, ...result };
    },
  },
});
