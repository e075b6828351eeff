import { formatInterval, formatPercent, plural } from '../../present/index.js';
import { examples, field, missing, NO_RUNS, rateField, type SectionBuilder, table } from '../figure-items.js';
import { toolsWorstFirst } from '../views.js';

export const reliability: SectionBuilder = (a) => {
  const r = a.reliability;
  const basis = `${plural(r.steps.trials, 'tool and llm step', 'tool and llm steps')} in ${plural(a.runs - r.excludedInfrastructureRuns, 'run')}`;
  if (r.steps.trials === 0) return { title: 'Reliability per step', basis, notMeasured: a.runs === 0 ? NO_RUNS : 'no tool or llm steps in the traces', items: [] };
  const tools = toolsWorstFirst(r.byTool);
  const rows = tools.map(({ tool, failures }) => ({
    cells: [tool, String(failures.trials), String(failures.successes), failures.rate === null ? '–' : formatPercent(failures.rate), formatInterval(failures.interval)],
    ...(failures.rate !== null && {
      bar: { value: failures.rate, ...(failures.interval !== null && { low: failures.interval[0], high: failures.interval[1] }) },
    }),
  }));
  return {
    title: 'Reliability per step',
    basis,
    items: [
      rateField('steps', r.steps, 'no tool or llm steps', 'did not fail'),
      rateField('tool steps', r.toolSteps, 'no tool steps', 'did not fail'),
      rateField('llm steps', r.llmSteps, 'no llm steps', 'did not fail'),
      ...(r.excludedInfrastructureRuns > 0 ? [field('left out', `${plural(r.excludedInfrastructureRuns, 'run')} that failed in the harness, not the agent`)] : []),
      ...(rows.length === 0
        ? [missing('by tool', 'no tool calls')]
        : [
            table(
              'By tool, worst first',
              [
                { header: 'tool', align: 'left', code: true },
                { header: 'calls', align: 'right' },
                { header: 'failed', align: 'right' },
                { header: 'failure', align: 'right' },
                { header: '95% CI', align: 'right' },
              ],
              rows,
              'first',
              'tools',
              { title: 'failure rate and 95% CI', legend: '█ failure rate, ▒ up to its 95% upper bound' },
            ),
          ]),
      ...examples('failed steps', r.failedStepExamples),
    ],
  };

};
