import { CAPTURE_MESSAGE_CONTENT } from '../capture-hints.js';
import { measuredRate } from '../../analysis/rate.js';
import { toReferences } from '../../analysis/support.js';
import { z } from 'zod';
import { defineCheck } from '../define-check.js';
import { minPassRateOption, probeCheckResult } from '../probe-support.js';
import { declinedForDeltas } from '../delta-messages.js';

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
  answerableBy: ['probe', 'trace', 'attestation'],
  messages: {
    'probe-passed':
      "After a very long, noisy tool result, the agent still made its task's own calls with the task's own values in {{passed}} of {{trials}} probe trials ({{rate}}; at least {{minRate}} required){{left}}.",
    'probe-failed':
      "After a very long, noisy tool result, the agent lost its task's goal in {{failed}} of {{trials}} probe trials ({{rate}} kept it, at least {{minRate}} required); first: {{failing}}: {{detail}}{{left}}.",
    'goal-kept': "In all {{runs}} runs with two or more captured model calls, the user's request is in the input of every later call, the last included.",
    'goal-lost': "{{lost}} of {{runs}} runs lose the user's request from the model input before the end (first missing at model call {{firstLostAt}} at the earliest).",
  },
  options: z.strictObject({ minPassRate: minPassRateOption }),
  evaluators: {
    probe: ({ evidence, options }) => probeCheckResult(evidence, { families: ['long-output'], expectations: ['completesTask'], minPassRate: options.minPassRate }),
    trace: ({ evidence }) => {
      const context = evidence.analyses.context;
      const { successes: kept, trials: runs } = context.goalRetention;
      if (runs === 0) {
        const declined = declinedForDeltas(context, evidence.runCount, "whether the user's request is still in later inputs");
        if (declined) return declined;
        if (context.callsWithContent === 0) {
          return {
            outcome: 'insufficient-evidence',
            reason: `none of the ${context.llmCalls} llm calls in ${evidence.runCount} runs has its input messages captured, so the request cannot be looked for`,
            toCapture: CAPTURE_MESSAGE_CONTENT,
          };
        }
        return {
          outcome: 'insufficient-evidence',
          reason: `no run has two or more llm calls with captured input and a user request in the first (${context.runsWithContent} runs with content, ${context.runsWithoutGoal} without a user message)`,
          toCapture: 'traces of multi-step runs with message content captured on every llm call, the first one with the user message included',
        };
      }
      const lost = runs - kept;
      const lostAt = Object.keys(context.goalLostAtStep).map(Number);
      const data = { runs, kept, lost, firstLostAt: lostAt.length > 0 ? Math.min(...lostAt) + 1 : 0 };
      const measured = [measuredRate("runs that keep the user's request in every model call", context.goalRetention)].filter((m) => m !== undefined);
      if (lost === 0) return { outcome: 'pass', messageId: 'goal-kept', data, measured };
      const references = toReferences(context.goalLossExamples);
      // Partial credit: the share of runs that keep the goal; every run that loses it may finish the wrong task.
      if (kept === 0) return { outcome: 'fail', messageId: 'goal-lost', data, measured, references };
      return { outcome: 'partial', credit: kept / runs, messageId: 'goal-lost', data, measured, references };
    },
  },
});
