import { defineCheck, noOptions } from '../define-check.js';

export default defineCheck({
  id: 'malformed-tool-output-is-rejected',
  area: 'failure-handling',
  severity: 'high',
  title: 'Malformed tool output is rejected, not acted on',
  question:
    'When a tool returns output that violates its declared output schema, or is empty or truncated, does the agent reject it as a failed call instead of passing it to the model and acting on it?',
  rationale:
    'A tool that returns half a JSON object, an HTML error page or a field of the wrong type has not raised an error, so nothing fails: the model reads it and fills the gaps with plausible guesses. The refund then goes to a default account, or an empty customer list is taken to mean there are no customers. Validating output at the boundary makes the corruption visible at the step where it happened, not three steps later.',
  remediation: {
    text: 'Declare an output schema for every tool (MCP outputSchema, zod or pydantic models) and validate each result before the model sees it. On a schema violation, an empty body where one is required, or a truncated payload, raise a typed malformed-output error that goes through the failure table (retry once, then fail or escalate), and log the raw payload for debugging.',
    effort: 'days',
  },
  answerableBy: ['probe', 'trace', 'attestation'],
  messages: {},
  options: noOptions,
  evaluators: {},
});
