import { z } from 'zod';
import { measuredRate, wilsonRate } from '../../analysis/rate.js';
import { toReferences } from '../../analysis/support.js';
import type { MeasuredValue } from '../../model/index.js';
import { defineCheck } from '../define-check.js';
import { minPassRateOption, probeCheckResult } from '../probe-support.js';

export default defineCheck({
  id: 'cascades-halt',
  area: 'failure-handling',
  severity: 'critical',
  title: 'Cascading failures halt the run',
  question:
    'After several consecutive failing steps, or several different tools failing in one run, does the agent halt or escalate instead of carrying on from a broken state?',
  rationale:
    'One failure makes the next more likely: a failed lookup becomes a wrong argument, the wrong argument becomes a failed or, worse, a successful write, and each step builds on the last error. Without a breaker a run with a dead dependency burns tokens for minutes and can still perform side effects from garbage inputs. Halting after a few failures in a row caps the damage at those few steps.',
  remediation: {
    text: 'Count consecutive failed steps in the runtime (tool errors, results that look like errors, rejected outputs) and stop the run at a threshold such as 3: end it as a failure or escalate, with the chain of failures attached. Also stop when two or more distinct tools fail in the same run, and put a circuit breaker on each dependency so a service that is down fails fast across runs.',
    effort: 'days',
  },
  answerableBy: ['probe', 'trace', 'attestation'],
  messages: {
    'probe-passed':
      'With several needed tools down, the agent stopped within the call limit and ended as failure or escalation in {{passed}} of {{trials}} probe trials ({{rate}}; at least {{minRate}} required){{left}}.',
    'probe-failed':
      'With several needed tools down, the agent kept going, acted on broken results or claimed success in {{failed}} of {{trials}} probe trials ({{rate}} halted, at least {{minRate}} required); first: {{failing}}: {{detail}}{{left}}.',
    halted:
      'All {{runs}} runs that reached {{max}} consecutive blocking failures stopped there: {{halted}} halted, {{escalated}} escalated{{setAside}}{{maxSource}}.',
    'kept-going':
      '{{continued}} of {{runs}} runs that reached {{max}} consecutive blocking failures kept going (two or more further tool calls, no escalation); {{halted}} halted, {{escalated}} escalated{{setAside}}{{maxSource}}.',
  },
  options: z.strictObject({
    maxConsecutiveFailures: z
      .number()
      .int()
      .min(1)
      .default(3)
      .describe('Most consecutive blocking failures a run may take before it must halt or escalate.'),
    minPassRate: minPassRateOption,
  }),
  evaluators: {
    probe: ({ evidence, options }) => probeCheckResult(evidence, { families: ['cascade'], minPassRate: options.minPassRate }),
    trace: ({ evidence, options, defaulted }) => {
      const cascades = evidence.analyses.cascades;
      const max = options.maxConsecutiveFailures;
      const longest = Math.max(0, ...Object.keys(cascades.byLongestStreak).map(Number));
      const tally = cascades.reachingStreak[max];
      const informative = cascades.informativeFailures;
      // Failures that were answers the agent read are set aside, and the finding says how many.
      const setAside =
        informative.steps === 0
          ? ''
          : `; ${informative.steps} failing tool call${informative.steps === 1 ? '' : 's'} in ${informative.runs} run${informative.runs === 1 ? '' : 's'} answered the agent (a non-zero exit, a refusal) and ${informative.steps === 1 ? 'is' : 'are'} information, not a cascade`;
      if (tally === undefined || tally.runs === 0) {
        return {
          outcome: 'insufficient-evidence',
          reason: `no run had ${max} consecutive blocking failures (the longest streak was ${longest})${setAside}, so the traces cannot show what the agent does in a cascade`,
          toCapture: 'Run the persistent-failure probe (`mimir probe`), or trace runs in which tools time out or are unavailable',
        };
      }
      const measured = [
        measuredRate(`runs that stopped after ${max} consecutive blocking failures`, wilsonRate(tally.halted + tally.escalated, tally.runs)),
        { name: 'halted', value: tally.halted },
        { name: 'escalated', value: tally.escalated },
        { name: 'kept going', value: tally.continued },
        { name: 'longest streak of blocking failures', value: longest },
        { name: 'failing tool calls that were information', value: informative.steps },
      ].filter((m): m is MeasuredValue => m !== undefined);
      // The runs with the longest streaks, those that kept going after the max-th failure first,
      // each labelled with what it did then (the same reading as the counts above).
      const examples = cascades.examples
        .filter((e) => e.streak >= max)
        .map((e) => {
          const ending = e.after[max - 1] ?? 'continued';
          return { ...e, ending, note: `${e.note}; after the ${ordinal(max)}: ${ending === 'continued' ? 'kept going' : ending}` };
        });
      const references = toReferences([...examples.filter((e) => e.ending === 'continued'), ...examples.filter((e) => e.ending !== 'continued')]);
      const maxSource = defaulted.has('maxConsecutiveFailures') ? ` (${max} is mimir's default; set policy.checks.cascades-halt.maxConsecutiveFailures)` : '';
      const data = { runs: tally.runs, max, maxSource, halted: tally.halted, escalated: tally.escalated, continued: tally.continued, setAside };
      // A critical check: one run carrying on from a broken state is a failure, not a fraction.
      if (tally.continued > 0) return { outcome: 'fail', messageId: 'kept-going', data, measured, references };
      return { outcome: 'pass', messageId: 'halted', data, measured, references };
    },
  },
});

/** 1st, 2nd, 3rd, 4th … 11th, 12th, 13th, 21st. */
function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : n % 10 === 1 ? 'st' : n % 10 === 2 ? 'nd' : n % 10 === 3 ? 'rd' : 'th';
  return `${n}${suffix}`;
}
