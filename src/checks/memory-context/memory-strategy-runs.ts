import { defineCheck, noOptions } from '../define-check.js';

export default defineCheck({
  id: 'memory-strategy-runs',
  area: 'memory-context',
  severity: 'medium',
  title: 'A summarise-or-trim strategy is seen running on long runs',
  question:
    'Does the agent have a memory strategy (summarising, trimming or windowing its context), and is that strategy observed to actually run on long runs, so that the context stops growing once it reaches its budget?',
  rationale:
    'Many agents have summarisation configured that never fires: the threshold is set above the model\'s window, the hook is registered on the wrong agent, or the setting was lost in a refactor. The difference shows only on the long runs that matter, as a context that grows until the call fails or is truncated by the provider. Only seeing the strategy run proves that it exists.',
  remediation: {
    text: 'Trigger the strategy on a token budget rather than a message count, and emit a span or event each time it runs with the token counts before and after. Add a test with a deliberately long task that asserts the strategy fires and the next input is smaller. Alert on runs that grow past the budget without it having run.',
    effort: 'days',
  },
  answerableBy: ['trace', 'attestation'],
  messages: {},
  options: noOptions,
  evaluators: {},
});
