import { z } from 'zod';
import { defineCheck } from '../define-check.js';
import { minPassRateOption, probeCheckResult } from '../probe-support.js';

export default defineCheck({
  id: 'failure-responses-are-defined',
  area: 'failure-handling',
  severity: 'high',
  title: 'Every failure type has a defined response',
  question:
    'For each failure type (tool error, timeout, malformed output, rate limit, model refusal, budget exhausted), is there a defined response (retry, fallback, halt or escalate) that the runtime takes, rather than logging the failure and carrying on?',
  rationale:
    'A failure with no defined response is handed to the model, which improvises: it invents the missing result, retries forever, or tells the user the task is done. "Log it and keep going" means the run continues on a state nobody checked, and the log line is read days later, if at all. A failure table written in advance turns each of these into a known path that can be tested.',
  remediation: {
    text: 'Write a failure table with one row per failure type (tool error, timeout, malformed output, rate limit, model refusal, budget exhausted) and its response: retry with a cap, fall back to another tool or model, halt with a failure status, or escalate to a person. Implement it in the runtime around tool and model calls, not in the prompt, and add one test per row that injects that failure and asserts the response.',
    effort: 'days',
  },
  answerableBy: ['probe', 'attestation'],
  messages: {
    'probe-passed':
      'The agent took the expected response in {{passed}} of {{trials}} probe trials of injected tool failures ({{families}}; {{rate}}, at least {{minRate}} required){{left}}. Model refusals and exhausted budgets cannot be injected through the proxy and are not covered.',
    'probe-failed':
      '{{failed}} of {{trials}} probe trials of injected tool failures ended without the expected response ({{rate}} did, at least {{minRate}} required); first: {{failing}}: {{detail}}{{left}}.',
  },
  options: z.strictObject({ minPassRate: minPassRateOption }),
  evaluators: {
    // Each failure type the proxy can inject must be shown: a persistent error, a transient one, a hang.
    probe: ({ evidence, options }) =>
      probeCheckResult(evidence, { families: ['persistent-failure', 'transient-failure', 'hang'], requireEachFamily: true, minPassRate: options.minPassRate }),
  },
});
