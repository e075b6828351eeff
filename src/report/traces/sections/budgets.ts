import { formatNumber, plural } from '../../present/index.js';
import { counted, examples, field, type FieldItem, missing, NO_RUNS, type SectionBuilder } from '../figure-items.js';

export const budgets: SectionBuilder = (a) => {
  const b = a.budgets;
  const basis = plural(b.runs, 'run');
  if (b.runs === 0) return { title: 'Budgets', basis, notMeasured: NO_RUNS, items: [] };
  const spread = (x: { max: number; p95: number } | null, label: string, unit: string, per: string, why: string): FieldItem =>
    x === null ? missing(label, why) : field(label, `max ${formatNumber(x.max)}${unit}, p95 ${formatNumber(x.p95)}${unit} ${per}`);
  const t = b.toolCalls;
  return {
    title: 'Budgets',
    basis,
    items: [
      spread(b.steps, 'steps', '', 'per run', 'no steps'),
      spread(b.tokens, 'tokens', '', 'per run', 'no token counts recorded (gen_ai.usage.*)'),
      spread(b.durationSeconds, 'duration', ' s', 'per run', 'no run has a start and an end time'),
      spread(t.seconds, 'tool call time', ' s', `per call (${plural(t.timed, 'timed call')})`, 'no tool call has a start and an end time'),
      field('timeouts', `${plural(t.timeouts, 'tool call')} failed with a timeout; ${t.unended} never ended, ${t.hung} of them in runs that never ended either (hung)`, counted(t.hung)),
      ...examples('most steps', b.largestRuns),
      ...examples('most tokens', b.largestRunsByTokens),
      ...examples('longest', b.longestRuns),
      ...examples('slowest', t.slowest),
      ...examples('hung', t.hungExamples),
    ],
  };

};
