import { z } from 'zod';
import { measuredRate, wilsonRate } from '../../analysis/rate.js';
import { countAbove, histogramTotal, toReferences } from '../../analysis/support.js';
import type { MeasuredValue } from '../../model/index.js';
import { defaultNote } from '../default-note.js';
import { defineCheck } from '../define-check.js';
import { minPassRateOption, probeCheckResult } from '../probe-support.js';

export default defineCheck({
  id: 'loops-are-detected',
  area: 'failure-handling',
  severity: 'high',
  title: 'Repeating calls are detected and the loop is broken',
  question:
    'Does the runtime notice when the agent makes the same tool call with the same arguments again and again, or keeps returning to the same state, and break the loop?',
  rationale:
    'Agents loop: a search that finds nothing is searched again, two tools bounce a task back and forth, a plan is re-planned into itself. Each turn looks reasonable to the model, so only the runtime can see the repetition. Without detection a loop runs until the token budget or a timeout ends it, and the bill arrives before anyone notices.',
  remediation: {
    text: 'Fingerprint each tool call (tool name plus normalized arguments) and count repeats per run. At a threshold such as the third identical call, tell the model once that it is repeating itself, and on the next repeat halt or escalate. Keep a hard cap on total steps per run as a backstop.',
    effort: 'hours',
  },
  answerableBy: ['probe', 'trace', 'attestation'],
  messages: {
    'probe-passed':
      "In {{passed}} of {{trials}} probe trials with a failing tool ({{families}}), no identical call was repeated past the scenario's limit ({{rate}}; at least {{minRate}} required){{left}}.",
    'probe-failed':
      "{{failed}} of {{trials}} probe trials with a failing tool repeated an identical call past the scenario's limit ({{rate}} did not, at least {{minRate}} required); first: {{failing}}: {{detail}}{{left}}.",
    'no-loops': 'No run made the same tool call more than {{max}} times ({{runs}} runs with tool calls; at most {{most}} identical calls in one run){{maxSource}}.',
    loops: '{{looping}} of {{runs}} runs made the same tool call more than {{max}} times (up to {{most}}){{maxSource}}.',
  },
  options: z.strictObject({
    maxIdenticalCalls: z
      .number()
      .int()
      .min(2)
      .default(3)
      .describe('Most identical calls (same tool, same arguments) one run may make before the loop must be broken.'),
    minPassRate: minPassRateOption,
  }),
  evaluators: {
    probe: ({ evidence, options }) =>
      probeCheckResult(evidence, { families: ['persistent-failure', 'permanent-failure', 'transient-failure'], expectations: ['maxIdenticalCalls'], minPassRate: options.minPassRate }),
    trace: ({ evidence, options, defaulted }) => {
      const loops = evidence.analyses.loops;
      const histogram = loops.maxIdenticalCallsPerRun;
      // Key 0: runs with no tool call whose arguments were captured; they cannot show a loop.
      const runs = histogramTotal(histogram) - (histogram[0] ?? 0);
      if (runs === 0) {
        return {
          outcome: 'insufficient-evidence',
          reason: 'no run made a tool call whose arguments were captured, so repeated calls cannot be recognised',
          toCapture: 'Capture tool call arguments (`gen_ai.tool.call.arguments`) on `execute_tool` spans',
        };
      }
      const looping = countAbove(histogram, options.maxIdenticalCalls);
      const most = Math.max(...Object.keys(histogram).map(Number));
      const measured = [
        measuredRate('runs without a loop', wilsonRate(runs - looping, runs)),
        { name: 'most identical calls in one run', value: most },
      ].filter((m): m is MeasuredValue => m !== undefined);
      const data = { runs, max: options.maxIdenticalCalls, most, looping, maxSource: defaultNote(defaulted, 'loops-are-detected', 'maxIdenticalCalls', options.maxIdenticalCalls) };
      if (looping === 0) return { outcome: 'pass', messageId: 'no-loops', data, measured };
      const result = { messageId: 'loops' as const, data, measured, references: toReferences(loops.examples.filter((e) => e.calls > options.maxIdenticalCalls)) };
      return looping === runs ? { outcome: 'fail', ...result } : { outcome: 'partial', credit: (runs - looping) / runs, ...result };
    },
  },
});
