import { defineCheck, noOptions } from '../define-check.js';

export default defineCheck({
  id: 'traces-are-complete',
  area: 'architecture',
  severity: 'medium',
  title: 'Every model call, tool call, approval and checkpoint is traced',
  question:
    'Does every model call, tool call, approval and checkpoint emit a span that is ended, linked to its parent in the run, and carries its inputs and outputs (redacted where needed)?',
  rationale:
    'Traces are how anyone sees what an agent did: a missing tool span hides the call that moved money, an unended span hides the hang, and an orphaned span cannot be tied to the run it belongs to. Every measured check in this audit reads traces, so gaps here turn into "insufficient evidence" everywhere else, and in an incident into guesswork.',
  remediation: {
    text: 'Instrument with the OpenTelemetry GenAI conventions (the instrumentations for the model SDKs, agent frameworks and MCP clients cover most of it): one root `invoke_agent` span per run, a `chat` span per model call, an `execute_tool` span per tool call, and spans or events for approvals and checkpoints. End spans in `finally` blocks, propagate the trace context across async boundaries and queues, capture message content with a redacting processor for secrets and personal data, and keep agent traces unsampled.',
    effort: 'days',
  },
  answerableBy: ['trace', 'attestation'],
  messages: {},
  options: noOptions,
  evaluators: {},
});
