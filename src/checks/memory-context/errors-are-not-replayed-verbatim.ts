import { LONG_RUN_CALLS, MIN_ERROR_CHARS } from '../../analysis/context.js';
import { CAPTURE_MESSAGE_CONTENT } from '../capture-hints.js';
import { measuredRate, wilsonRate } from '../../analysis/rate.js';
import { toReferences } from '../../analysis/support.js';
import { defineCheck, noOptions } from '../define-check.js';
import { declinedForDeltas } from '../delta-messages.js';

export default defineCheck({
  id: 'errors-are-not-replayed-verbatim',
  area: 'memory-context',
  severity: 'medium',
  title: 'Handled errors are not replayed verbatim into later prompts',
  question:
    'Once an error has been handled, is its text (the error message, the stack trace, the failed tool output) summarised or dropped from later prompts, rather than replayed verbatim into every following model call?',
  rationale:
    'A stack trace left in the transcript is read again at every later step: it costs tokens, and worse, the model keeps reacting to a failure that is already resolved by retrying the old approach, apologising, or concluding that the task is impossible. Error text is also where internal paths, hostnames and credentials leak into prompts and from there into logs and model providers.',
  remediation: {
    text: 'Once an error is handled (retried successfully, or routed to a fallback), replace its full text in the context with a one-line summary such as "search_orders timed out once; retried OK", or drop it. Keep the full error in the log and the traces, not in the prompt. Cap the size of any error text that enters a prompt and strip stack traces before it does.',
    effort: 'hours',
  },
  answerableBy: ['trace', 'attestation'],
  messages: {
    'not-replayed': 'In all {{runs}} runs with a handled error, later model inputs no longer carry its text verbatim.',
    'replay-bounded':
      'No run replays a handled error verbatim in {{long}} or more later model calls; {{short}} of {{runs}} runs with a handled error carry it in fewer ({{calls}} model calls in all), the few calls of a tool-calling loop that re-sends its transcript.',
    replayed:
      '{{echoing}} of {{runs}} runs with a handled error keep replaying its text verbatim in {{long}} or more later model calls{{shortNote}} ({{calls}} model calls replayed one in all).',
  },
  options: noOptions,
  evaluators: {
    trace: ({ evidence }) => {
      const context = evidence.analyses.context;
      const { runsWithErrors: runs, runsEchoing: echoing, echoingCalls: calls } = context.errorEcho;
      if (context.callsWithContent === 0) {
        return {
          outcome: 'insufficient-evidence',
          reason: `none of the ${context.llmCalls} llm calls in ${evidence.runCount} runs has its input messages captured, so replayed errors cannot be seen`,
          toCapture: CAPTURE_MESSAGE_CONTENT,
        };
      }
      if (runs === 0) {
        const declined = declinedForDeltas(context, evidence.runCount, 'whether a handled error is still in later inputs');
        if (declined) return declined;
        return {
          outcome: 'insufficient-evidence',
          reason: `no run has an error of ${MIN_ERROR_CHARS}+ characters that was handled (a model call and a successful tool call after it) and then followed by a captured model call`,
          toCapture: 'traces of runs in which a tool failed and the agent recovered, with message content captured (e.g. `mimir probe` transient-failure scenarios)',
        };
      }
      // A handled error carried through a few more calls of a short loop that re-sends its transcript
      // is the standard tool-calling loop (as context-is-assembled-deliberately accepts a short
      // replayed conversation); a long stretch of reading a resolved failure again is what harms.
      const long = context.errorEcho.runsEchoingLong;
      const short = echoing - long;
      const data = {
        runs,
        echoing: long,
        short,
        calls,
        long: LONG_RUN_CALLS,
        shortNote: short === 0 ? '' : `; ${short} more ${short === 1 ? 'carries' : 'carry'} one into fewer, the few calls of a short replayed loop`,
      };
      const measured = [
        measuredRate(`runs that do not replay a handled error in ${LONG_RUN_CALLS} or more later model calls`, wilsonRate(runs - long, runs)),
        { name: 'runs replaying a handled error in fewer later model calls', value: short },
        { name: 'model calls replaying a handled error', value: calls },
      ].filter((m) => m !== undefined);
      if (echoing === 0) return { outcome: 'pass', messageId: 'not-replayed', data, measured };
      if (long === 0) return { outcome: 'pass', messageId: 'replay-bounded', data, measured, references: toReferences(context.errorEcho.examples.slice(0, 3)) };
      const references = toReferences(context.errorEcho.examples.filter((e) => e.calls >= LONG_RUN_CALLS));
      // Partial credit: the share of runs with a handled error that do not keep replaying it.
      if (long === runs) return { outcome: 'fail', messageId: 'replayed', data, measured, references };
      return { outcome: 'partial', credit: (runs - long) / runs, messageId: 'replayed', data, measured, references };
    },
  },
});
