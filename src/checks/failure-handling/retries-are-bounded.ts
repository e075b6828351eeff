import { z } from 'zod';
import { measuredRate, wilsonRate } from '../../analysis/rate.js';
import { countAbove, toReferences } from '../../analysis/support.js';
import type { MeasuredValue } from '../../model/index.js';
import { defaultNote } from '../default-note.js';
import { defineCheck } from '../define-check.js';
import { minPassRateOption, probeCheckResult } from '../probe-support.js';

export default defineCheck({
  id: 'retries-are-bounded',
  area: 'failure-handling',
  severity: 'high',
  title: 'Retries are capped and back off',
  question:
    'When a tool call fails, does the agent retry at most a fixed number of times, waiting longer between attempts, and then take a defined failure path?',
  rationale:
    'An uncapped retry loop turns one failing dependency into runaway cost, rate-limit bans and a run that never ends; retrying without backoff hammers a struggling service at the moment it can least take it. In production the retry policy decides whether a blip stays a blip.',
  remediation: {
    text: 'Wrap every tool call in one retry policy: a cap (e.g. 3 attempts), exponential backoff with jitter, and retries only for errors marked transient. When the cap is reached, take the failure path (report failure or escalate) instead of asking the model to try again.',
    effort: 'hours',
  },
  answerableBy: ['probe', 'trace', 'attestation'],
  messages: {
    'probe-passed':
      'In {{passed}} of {{trials}} probe trials with a failing tool ({{families}}), no call was repeated past the retry cap the battery was generated with ({{rate}}; at least {{minRate}} required){{left}}. Probes do not judge backoff.',
    'probe-failed':
      '{{failed}} of {{trials}} probe trials with a failing tool repeated a call past the retry cap ({{rate}} stayed within it, at least {{minRate}} required); first: {{failing}}: {{detail}}{{left}}.',
    bounded: 'All {{calls}} failing tool calls were retried at most {{max}} times (at most {{most}}){{backoff}}{{maxSource}}.',
    unbounded:
      '{{bad}} of {{calls}} failing tool calls were not handled within the cap: {{over}} retried more than {{max}} times (up to {{most}}), {{noBackoff}} retried without waiting longer between attempts{{maxSource}}.',
  },
  options: z.strictObject({
    maxRetries: z.number().int().min(0).default(3).describe('Most retries of one failing call that still count as capped.'),
    requireBackoff: z
      .boolean()
      .default(true)
      .describe('Whether a failing call retried two or more times must wait longer between attempts (backoff) to count as handled.'),
    minPassRate: minPassRateOption,
  }),
  evaluators: {
    probe: ({ evidence, options }) =>
      probeCheckResult(evidence, { families: ['persistent-failure', 'permanent-failure', 'transient-failure'], expectations: ['maxIdenticalCalls'], minPassRate: options.minPassRate }),
    trace: ({ evidence, options, defaulted }) => {
      const retries = evidence.analyses.retries;
      if (retries.failingCalls === 0) {
        return {
          outcome: 'insufficient-evidence',
          reason: 'no tool call failed in the traces, so retries could not be observed',
          toCapture: 'Trace tool calls with their status (span status ERROR, or a result matching the error patterns), or run the transient-failure probe',
        };
      }
      const calls = retries.failingCalls - retries.failingCallsWithoutArguments;
      if (calls === 0) {
        return {
          outcome: 'insufficient-evidence',
          reason: `${retries.failingCalls} tool calls failed, but their arguments were not captured, so a retry of the same call cannot be recognised`,
          toCapture: 'Capture tool call arguments (`gen_ai.tool.call.arguments`)',
        };
      }
      const over = countAbove(retries.retriesPerFailingCall, options.maxRetries);
      // Sequences past the cap are already counted as over; backoff is judged on those within it.
      const noBackoff = options.requireBackoff
        ? Object.entries(retries.backoffByRetries)
            .filter(([count]) => Number(count) <= options.maxRetries)
            .reduce((sum, [, b]) => sum + b.timed - b.withBackoff, 0)
        : 0;
      const bad = over + noBackoff;
      const most = Math.max(...Object.keys(retries.retriesPerFailingCall).map(Number));
      const handled = wilsonRate(calls - bad, calls);
      const measured = [
        measuredRate('failing calls handled within the retry cap', handled),
        { name: 'most retries of one call', value: most },
        { name: 'calls retried more than the cap', value: over },
        { name: 'sequences of two or more retries with times', value: retries.timedRetrySequences },
        { name: 'sequences that backed off', value: retries.sequencesWithBackoff },
      ].filter((m): m is MeasuredValue => m !== undefined);
      const offending = retries.examples.filter(
        (e) => e.retries > options.maxRetries || (options.requireBackoff && e.backoff === false),
      );
      const data = { calls, max: options.maxRetries, most, maxSource: defaultNote(defaulted, 'retries-are-bounded', 'maxRetries', options.maxRetries) };
      if (bad === 0) {
        const backoff = options.requireBackoff && retries.timedRetrySequences > 0 ? `; each of the ${retries.timedRetrySequences} timed sequences of two or more retries backed off` : '';
        return { outcome: 'pass', messageId: 'bounded', data: { ...data, backoff }, measured, references: toReferences(retries.examples) };
      }
      const result = { messageId: 'unbounded' as const, data: { ...data, bad, over, noBackoff }, measured, references: toReferences(offending) };
      return bad === calls ? { outcome: 'fail', ...result } : { outcome: 'partial', credit: (calls - bad) / calls, ...result };
    },
  },
});
