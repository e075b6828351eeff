import { plural } from '../../present/index.js';
import { counted, examples, field, missing, NO_RUNS, ratio, type SectionBuilder } from '../figure-items.js';

export const contracts: SectionBuilder = (a) => {
  const c = a.contracts;
  const results = c.results.structured + c.results.freeText;
  const basis = `${plural(c.validatedCalls, 'validated call')}, ${plural(results, 'result')}`;
  if (c.callsWithSchema === 0 && results === 0) {
    return { title: 'Step contracts', basis, notMeasured: a.runs === 0 ? NO_RUNS : 'no tool declares a schema and no tool result was recorded', items: [] };
  }
  return {
    title: 'Step contracts',
    basis,
    items: [
      c.callsInRunsWithDefinitions === 0
        ? missing('schemas', 'no run records its tool definitions (gen_ai.tool.definitions)')
        : field(
            'schemas',
            `${c.callsWithSchema} of ${plural(c.callsInRunsWithDefinitions, 'call')} in runs with tool definitions have a declared input schema${ratio(c.callsWithSchema, c.callsInRunsWithDefinitions)}` +
              (c.callsWithUnusableSchema > 0 ? `; ${c.callsWithUnusableSchema} of those schemas could not be used` : ''),
          ),
      c.validatedCalls === 0
        ? missing('arguments', 'no call with a usable input schema has captured arguments')
        : field('arguments', `${c.argumentViolations.count} of ${plural(c.validatedCalls, 'validated call')} violated the input schema; ${c.argumentViolations.ran} ran anyway`, counted(c.argumentViolations.ran)),
      results === 0
        ? missing('results', 'no tool result recorded')
        : field('results', `${c.results.structured} structured, ${c.results.freeText} free text${ratio(c.results.freeText, results)}; ${c.resultsWithSchema} checked against an output schema`),
      field('malformed', `${plural(c.malformedResults.count, 'result')} malformed (schema violated or JSON cut short); the agent acted on ${c.malformedResults.actedOn}`, counted(c.malformedResults.actedOn)),
      ...examples('violations', c.argumentViolations.examples),
      ...examples('malformed', c.malformedResults.examples),
    ],
  };

};
