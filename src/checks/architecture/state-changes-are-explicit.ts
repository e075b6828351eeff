import { defineCheck, noOptions } from '../define-check.js';

export default defineCheck({
  id: 'state-changes-are-explicit',
  area: 'architecture',
  severity: 'high',
  title: 'Shared state is never silently overwritten',
  question:
    'When steps, sub-agents or parallel branches write to shared state, is every write versioned or merged, with conflicting concurrent writes detected rather than the last writer silently winning?',
  rationale:
    'Two parallel branches update the same customer record; the second write wipes out the first, and the agent reports both as done. Lost updates raise no error and are found weeks later by a customer. Explicit, versioned state changes make a conflict visible at the moment it happens and let a restart or an audit reconstruct which step changed what.',
  remediation: {
    text: 'Route every write to shared state (the agent state object, a blackboard, records the agent edits) through one function that records the writing step, the version it read and the version it wrote. Use optimistic concurrency (version numbers or ETags with compare-and-set) or an explicit reducer per field instead of plain assignment; on a conflict, re-read and retry or fail the step, never overwrite. Emit each write as a span or event so traces show it.',
    effort: 'days',
  },
  answerableBy: ['trace', 'attestation'],
  messages: {},
  options: noOptions,
  evaluators: {},
});
