import { GROWTH_FACTOR, LONG_RUN_CALLS, MAX_STEP_INDEX } from '../../../analysis/context.js';
import { formatPercent, formatSignedPoints, plural } from '../../present/index.js';
import { counted, examples, field, type FigureItem, missing, NO_RUNS, rateField, ratio, type SectionBuilder, table } from '../figure-items.js';
import { histogramStats } from '../histograms.js';

export const context: SectionBuilder = (a) => {
  const c = a.context;
  const withContent = c.callsWithContent > 0;
  const utilization = histogramStats(c.utilizationPercent);
  const results = histogramStats(c.toolResultTokens);
  const basis = [
    `${plural(c.llmCalls, 'llm call')}, ${c.callsWithContent} with their messages in ${plural(c.runsWithContent, 'run')}`,
    ...(utilization === undefined ? [] : [`${utilization.count} with a known context window`]),
  ].join('; ');
  if (a.runs === 0) return { title: 'Context', basis, notMeasured: NO_RUNS, items: [] };
  const noContent = 'no message content captured (gen_ai.input.messages); turn on content capture in the instrumentation';
  const rows = c.selfShareByStep.map((s) => ({
    // The last index pools every later call (MAX_STEP_INDEX): it reads "101+".
    cells: [s.index >= MAX_STEP_INDEX ? `${MAX_STEP_INDEX + 1}+` : String(s.index + 1), String(s.calls), formatPercent(s.mean), formatPercent(s.p90)],
    bar: { value: s.mean, high: s.p90 },
  }));
  // Inputs recorded as per-call deltas hold content, but not whole inputs: say so rather than "no content".
  const delta =
    c.runsWithDeltaMessages === 0
      ? undefined
      : `${c.runsWithDeltaMessages} of ${plural(a.runs, 'run')} record each llm input as a per-call delta (only the messages new since the previous call), so whole inputs cannot be read from them`;
  const items: FigureItem[] = [];
  if (!withContent) items.push(missing('self-share', noContent));
  else if (rows.length === 0) items.push(missing('self-share', delta ?? 'no llm call with its input messages'));
  else {
    items.push(
      table(
        "Share of each llm call's input that is the agent's own output and blocking tool failures",
        [
          { header: 'llm call', align: 'right' },
          { header: 'calls', align: 'right' },
          { header: 'mean', align: 'right' },
          { header: 'p90', align: 'right' },
        ],
        rows,
        'even',
        'call positions',
        { title: 'mean and p90', legend: '█ mean, ▒ up to p90' },
      ),
    );
  }
  if (withContent) {
    const peak = histogramStats(c.maxSelfSharePercentByRun);
    const lostAt = histogramStats(c.goalLostAtStep);
    items.push(
      c.selfShareGrowth === null
        ? missing('growth', delta ?? 'no run has two or more llm calls with content')
        : field('growth', `${formatSignedPoints(c.selfShareGrowth * 100)} percentage points from the first llm call to the last`),
      ...(peak === undefined ? [] : [field('peak per run', `median ${peak.median}%, p90 ${peak.p90}%, max ${peak.max}% self-share at a run's worst call (${plural(peak.count, 'run')})`)]),
      rateField('goal kept', c.goalRetention, delta ?? 'no run has two or more llm calls with content and a goal', "of runs keep the user's request in every later llm input"),
      ...(lostAt === undefined ? [] : [field('goal lost at', `llm call ${lostAt.median + 1} (median), ${lostAt.p90 + 1} (p90), over ${plural(lostAt.count, 'run')} that lost it`)]),
      ...(c.runsWithoutGoal > 0 ? [field('no goal', `${plural(c.runsWithoutGoal, 'run')} whose first call has no user message: nothing to keep`)] : []),
      c.errorEcho.runsWithErrors === 0
        ? missing('error echo', delta ?? 'no run with captured content had a handled error followed by an llm call')
        : field(
            'error echo',
            `${c.errorEcho.runsEchoing} of ${plural(c.errorEcho.runsWithErrors, 'run')} with a handled error replay it verbatim in later inputs${ratio(c.errorEcho.runsEchoing, c.errorEcho.runsWithErrors)}, ${c.errorEcho.runsEchoingLong} of them in ${LONG_RUN_CALLS} or more; ${plural(c.errorEcho.echoingCalls, 'llm call')} replayed one`,
          ),
    );
  }
  items.push(
    utilization === undefined
      ? missing('window use', `no llm call with a known context window${c.callsWithoutWindow > 0 ? ` (${c.callsWithoutWindow} calls have a size but no window)` : ''}`)
      : field(
          'window use',
          `median ${utilization.median}%, p90 ${utilization.p90}%, p99 ${utilization.p99}%, max ${utilization.max}% of the context window (${plural(utilization.count, 'call')}` +
            `${c.callsWithoutWindow > 0 ? `; ${c.callsWithoutWindow} more without a known window` : ''})`,
        ),
    field('window exceeded', `${plural(c.contextExceeded.calls, 'llm call')} failed because the context length was exceeded`, counted(c.contextExceeded.calls)),
    c.memoryStrategy.longRuns === 0
      ? missing('memory', delta ?? 'no run was long enough to need a memory strategy')
      : field(
          'memory',
          // The parts add up to the long runs: ran, grew large without one, grew but stayed small, did not grow.
          `a memory strategy visibly ran in ${c.memoryStrategy.runsWhereItRan} of ${plural(c.memoryStrategy.longRuns, 'long run')}${ratio(c.memoryStrategy.runsWhereItRan, c.memoryStrategy.longRuns)}; ` +
            `of the others, ${c.memoryStrategy.runsThatGrewWithoutIt} grew to ${GROWTH_FACTOR}× their first input and large without one, ${c.memoryStrategy.runsThatGrewSmall} grew to ${GROWTH_FACTOR}× but stayed small, ` +
            `${c.memoryStrategy.longRuns - c.memoryStrategy.runsWhereItRan - c.memoryStrategy.runsThatGrewWithoutIt - c.memoryStrategy.runsThatGrewSmall} did not grow to ${GROWTH_FACTOR}×`,
        ),
    results === undefined
      ? missing('tool results', 'no tool result entered the context')
      : field('tool results', `median ≤${results.median}, p90 ≤${results.p90}, max ≤${results.max} tokens (${plural(results.count, 'result')}, rounded up to 100s)`),
    ...examples('bleeding', c.bleedExamples),
    ...examples('goal lost', c.goalLossExamples),
    ...examples('echoing', c.errorEcho.examples),
    ...examples('fullest', c.utilizationExamples),
    ...examples('exceeded', c.contextExceeded.examples),
    ...examples('no memory', c.memoryStrategy.examples),
    ...examples('big results', c.toolResultExamples),
  );
  return { title: 'Context', basis, ...(withContent || utilization !== undefined || results !== undefined ? {} : { notMeasured: noContent }), items };

};
