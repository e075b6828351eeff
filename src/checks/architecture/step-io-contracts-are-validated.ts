import { defineCheck, noOptions } from '../define-check.js';

export default defineCheck({
  id: 'step-io-contracts-are-validated',
  area: 'architecture',
  severity: 'high',
  title: 'Step inputs and outputs are validated against defined contracts',
  question:
    'Does every step have a defined input and output schema that is checked at runtime: tool arguments validated against the tool input schema before the call, and model outputs parsed into structured types before anything acts on them?',
  rationale:
    'Without a contract a malformed value travels silently: the model invents an argument name, the tool ignores it and refunds the wrong order, or a tool returns an HTML error page that the next step reads as data. Validation at each boundary turns this into an error at the step that caused it, where a retry or a failure path can handle it, instead of a wrong result three steps later that nobody traces back.',
  remediation: {
    text: 'Declare an input and output schema (JSON Schema, zod, pydantic) for every tool and for every model call whose output drives an action. Validate tool arguments before dispatch and return the validation error to the model instead of calling the tool; parse model output with structured outputs or a schema parser and treat a parse failure as a step error with its own retry cap. Validate tool results too, so a malformed response fails the step instead of flowing on.',
    effort: 'days',
  },
  answerableBy: ['probe', 'trace', 'attestation'],
  messages: {},
  options: noOptions,
  evaluators: {},
});
