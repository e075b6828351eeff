import { z } from 'zod';
import { toReferences } from '../../analysis/support.js';
import { defineCheck } from '../define-check.js';
import { minPassRateOption, probeCheckResult } from '../probe-support.js';

export default defineCheck({
  id: 'tool-calls-have-timeouts',
  area: 'failure-handling',
  severity: 'high',
  title: 'Every tool call has a timeout',
  question:
    'Does every tool call end within a set time, with a reported timeout the agent then handles, so that a tool that hangs cannot leave the run stuck?',
  rationale:
    'A tool that never answers is worse than one that fails: no error is raised, no retry or fallback fires, and the run holds its worker, its locks and the user waiting until someone notices. Many HTTP and MCP clients wait forever by default. A timeout turns a hang into an ordinary failure that the rest of the failure handling already knows how to treat.',
  remediation: {
    text: 'Set an explicit timeout on every tool call in the agent runtime (AbortSignal.timeout, the HTTP client timeout, the MCP request timeout), not only inside the tool servers. Choose it per tool from its observed p99 latency, treat expiry as a transient error that goes through the retry cap, and add an overall deadline per run.',
    effort: 'hours',
  },
  answerableBy: ['probe', 'trace', 'attestation'],
  messages: {
    'probe-passed': 'When a tool never answered, the agent gave up on it and ended by itself in {{passed}} of {{trials}} probe trials ({{rate}}; at least {{minRate}} required){{left}}.',
    'probe-failed':
      "When a tool never answered, the agent was still waiting at mimir's deadline in {{failed}} of {{trials}} probe trials ({{rate}} ended by themselves, at least {{minRate}} required); first: {{failing}}: {{detail}}{{left}}.",
    'timeouts-fire': '{{timeouts}} tool calls ended in a timeout, so timeouts are set and fire, and no call was left waiting{{durations}}.',
    'over-limit': 'The longest of {{timed}} timed tool calls took {{longest}} s, past the {{limit}} s limit{{limitSource}}{{timeoutsSeen}}; calls left waiting in runs that never ended: {{hung}}.',
    hung: '{{hung}} tool calls never ended, in runs that never ended either: nothing cut them off.',
  },
  options: z.strictObject({
    maxToolCallSeconds: z
      .number()
      .positive()
      .default(60)
      .describe('Longest one tool call may take, in seconds, before it must end as a timeout.'),
    minPassRate: minPassRateOption,
  }),
  evaluators: {
    probe: ({ evidence, options }) => probeCheckResult(evidence, { families: ['hang'], expectations: ['endsBeforeTimeout'], minPassRate: options.minPassRate }),
    trace: ({ evidence, options, defaulted }) => {
      const budgets = evidence.analyses.budgets;
      const calls = budgets.toolCalls;
      const limit = options.maxToolCallSeconds;
      if (calls.timed === 0 && calls.hung === 0 && calls.timeouts === 0) {
        return {
          outcome: 'insufficient-evidence',
          reason:
            budgets.runsWithSyntheticTiming > 0
              ? `${budgets.runsWithSyntheticTiming} of ${evidence.runCount} runs have made-up or interpolated timestamps (declared with mimir.timing, or every call exactly as long as the others), so no call's duration is measured`
              : 'no tool step has both a start and an end time',
          toCapture: 'Export `execute_tool` spans with their real start and end times',
        };
      }
      const longest = calls.seconds?.max ?? 0;
      const measured = [
        { name: 'timed tool calls', value: calls.timed },
        { name: 'longest tool call', value: round(longest), unit: 's' },
        ...(calls.seconds ? [{ name: 'p95 tool call', value: round(calls.seconds.p95), unit: 's' }] : []),
        { name: 'tool calls that timed out', value: calls.timeouts },
        { name: 'tool calls still waiting when the run stopped', value: calls.hung },
      ];
      const limitSource = defaulted.has('maxToolCallSeconds') ? " (mimir's default; set policy.checks.tool-calls-have-timeouts.maxToolCallSeconds)" : '';
      // A timeout set at the limit ends its call a moment after it: a call past the limit by no
      // more than the time to notice and clean up, where timeouts are seen firing that late, was
      // cut off by one. Beyond that the limit decides, however long the timeouts that fired: a
      // 5-minute timeout that fires does not make a 5-minute call acceptable under a 60 s limit.
      const firing = calls.longestTimeoutSeconds;
      const coveredByFiringTimeout = firing !== null && longest <= limit + CLEANUP_SECONDS && longest <= firing + CLEANUP_SECONDS;
      const data = {
        timed: calls.timed,
        longest: round(longest),
        limit,
        limitSource,
        hung: calls.hung,
        timeouts: calls.timeouts,
        durations:
          calls.timed === 0
            ? ` (no call's duration is measured: ${budgets.runsWithSyntheticTiming} runs have made-up or interpolated timestamps)`
            : `; the longest of ${calls.timed} timed calls took ${round(longest)} s${longest > limit && firing !== null ? `, past the ${limit} s limit${limitSource} but within the ${CLEANUP_SECONDS} s a timeout at the limit takes to end its call (timeouts fired at up to ${round(firing)} s)` : ''}`,
        timeoutsSeen: firing === null ? '' : ` and far past the ${round(firing)} s after which timeouts fired elsewhere`,
      };
      const references = toReferences([...calls.slowest.filter((e) => e.value > limit), ...calls.hungExamples]);
      if (longest > limit && !coveredByFiringTimeout) return { outcome: 'fail', messageId: 'over-limit', data, measured, references };
      // A call nothing cut off, in a run that never ended, is the failure a timeout exists to prevent.
      if (calls.hung > 0) return { outcome: 'fail', messageId: 'hung', data, measured, references };
      // A call cut off by a timeout shows one exists and fires: fast calls alone would not.
      if (calls.timeouts > 0) return { outcome: 'pass', messageId: 'timeouts-fire', data, measured };
      return {
        outcome: 'insufficient-evidence',
        reason: `all ${calls.timed} timed tool calls ended within ${limit} s and none timed out, so the traces cannot show that a timeout exists`,
        toCapture: 'Run the hang probe (`mimir probe`), or record tool timeouts as span status ERROR with `error.type` timeout',
      };
    },
  },
});

/** How far past the limit a call cut off by a timeout set at the limit may end: noticing the timeout and cleaning up. */
const CLEANUP_SECONDS = 5;

function round(seconds: number): number {
  return Math.round(seconds * 10) / 10;
}
