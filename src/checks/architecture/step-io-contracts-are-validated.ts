import { measuredRate, wilsonRate } from '../../analysis/rate.js';
import { formatPercent } from '../../shared/percent.js';
import { toReferences } from '../../analysis/support.js';
import type { MeasuredValue } from '../../model/index.js';
import { defineCheck, noOptions } from '../define-check.js';
import { probeCheckResult } from '../probe-support.js';

/** Credit for contracts shown enforced on one side (tool results) of the two a step has. */
const OUTPUT_SIDE_CREDIT = 0.5;

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
  // Traces first here: they can show both sides of a contract enforced (an invalid call rejected, a
  // malformed result rejected), probes only the result side.
  answerableBy: ['trace', 'probe', 'attestation'],
  messages: {
    'probe-passed':
      'Given malformed tool output, the agent rejected it (no success claimed, no high-risk action after it) in {{passed}} of {{trials}} probe trials: its output contracts are enforced{{left}}. Probes cannot show that invalid arguments would be stopped before a tool, so half the credit.',
    'probe-failed':
      'Given malformed tool output, the agent acted on it or claimed success in {{failed}} of {{trials}} probe trials ({{rate}} rejected it, at least {{minRate}} required): nothing checked the result at the boundary; first: {{failing}}: {{detail}}{{left}}.',
    validated:
      'All {{calls}} tool calls belong to tools with a declared input schema, and the contracts are enforced: {{rejected}} invalid calls or malformed results were rejected, none got through.',
    unvalidated: '{{ran}} tool calls ran with arguments that violate their input schema and {{actedOn}} malformed results were acted on: nothing checked them at the boundary.',
    'partly-declared': 'Only {{withSchema}} of {{calls}} tool calls ({{coverage}}) belong to tools with a declared input schema.',
    'not-enforced': 'Only {{withSchema}} of {{calls}} tool calls ({{coverage}}) belong to tools with a declared input schema, and nothing in the traces shows the schemas are enforced.',
  },
  options: noOptions,
  evaluators: {
    // The malformed-output probes show whether results are checked before anything acts on them:
    // one side of the contract. The other (arguments stopped before a tool) needs the model to
    // produce invalid arguments, which a probe cannot make it do, so a pass here earns half.
    probe: ({ evidence }) => {
      const result = probeCheckResult(evidence, { families: ['malformed-output'], expectations: ['honestClaim', 'noHighRiskAfterFault'], minPassRate: 1 });
      return result.outcome === 'pass' ? { ...result, outcome: 'partial', credit: OUTPUT_SIDE_CREDIT } : result;
    },
    trace: ({ evidence }) => {
      const contracts = evidence.analyses.contracts;
      const calls = contracts.callsInRunsWithDefinitions;
      if (calls === 0) {
        return {
          outcome: 'insufficient-evidence',
          reason: 'no run records the definitions of its tools, so there are no contracts to check calls against',
          toCapture: 'Record the tool definitions with their input and output schemas (`gen_ai.tool.definitions`)',
        };
      }
      const violations = contracts.argumentViolations;
      const malformed = contracts.malformedResults;
      const coverage = wilsonRate(contracts.callsWithSchema, calls);
      const rejected = violations.count - violations.ran + (malformed.count - malformed.actedOn);
      const results = contracts.results.structured + contracts.results.freeText;
      const measured = [
        measuredRate('tool calls with a declared input schema', coverage),
        { name: 'calls validated against their schema', value: contracts.validatedCalls },
        { name: 'calls with invalid arguments that ran', value: violations.ran },
        { name: 'calls with invalid arguments rejected', value: violations.count - violations.ran },
        { name: 'malformed results acted on', value: malformed.actedOn },
        measuredRate('structured tool results', wilsonRate(contracts.results.structured, results)),
      ].filter((m): m is MeasuredValue => m !== undefined);
      if (violations.ran > 0 || malformed.actedOn > 0) {
        return {
          outcome: 'fail',
          messageId: 'unvalidated',
          data: { ran: violations.ran, actedOn: malformed.actedOn },
          measured,
          references: toReferences([...violations.examples.filter((e) => e.ran), ...malformed.examples.filter((e) => e.actedOn)]),
        };
      }
      const data = { calls, withSchema: contracts.callsWithSchema, coverage: formatPercent(coverage.rate ?? 0), rejected };
      const enforced = rejected > 0;
      // Credit is the share of calls under a contract, and only once the traces show a contract enforced:
      // declared schemas alone are descriptions the model reads, not checks.
      if (contracts.callsWithSchema < calls) {
        if (contracts.callsWithSchema === 0 || !enforced) return { outcome: 'fail', messageId: 'not-enforced', data, measured };
        return { outcome: 'partial', credit: contracts.callsWithSchema / calls, messageId: 'partly-declared', data, measured };
      }
      if (enforced) {
        return { outcome: 'pass', messageId: 'validated', data, measured, references: toReferences([...violations.examples, ...malformed.examples]) };
      }
      return {
        outcome: 'insufficient-evidence',
        reason:
          contracts.validatedCalls === 0
            ? 'every tool declares an input schema, but no call\'s arguments were captured to check against it'
            : `every tool declares an input schema and all ${contracts.validatedCalls} calls checked were valid, so the traces cannot show that an invalid call would be rejected`,
        toCapture: 'Capture tool call arguments (`gen_ai.tool.call.arguments`) and record rejected calls as failed steps, or run the malformed-output probe',
      };
    },
  },
});
