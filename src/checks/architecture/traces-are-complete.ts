import { z } from 'zod';
import { measuredRate, wilsonRate } from '../../analysis/rate.js';
import { formatPercent } from '../../shared/percent.js';
import type { TraceProblem, TraceProblemCode } from '../../evidence/types.js';
import type { MeasuredValue, Reference } from '../../model/index.js';
import { defineCheck } from '../define-check.js';

/** Problems that leave a span out of its run's tree: it cannot be tied to the run, or never ended. */
const BROKEN_SPAN_CODES: readonly TraceProblemCode[] = ['missing-parent', 'unended-span', 'parent-cycle', 'duplicate-span-id'];

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
  messages: {
    complete: '{{runs}} runs and {{spans}} spans read: {{damaged}} of runs damaged and {{broken}} of spans orphaned, unended or skipped, within the limit of {{limit}}.',
    incomplete: '{{damaged}} of runs were damaged and {{broken}} of spans were orphaned, unended or skipped; the limit is {{limit}}.',
  },
  options: z.strictObject({
    maxIncompleteShare: z
      .number()
      .min(0)
      .max(1)
      .default(0.01)
      .describe('Highest share of runs damaged in reading, and of spans orphaned, unended or skipped, before the traces count as incomplete (0..1).'),
  }),
  evaluators: {
    trace: ({ evidence, options }) => {
      const { problems, runCount, spanCount } = evidence;
      if (runCount === 0) {
        return {
          outcome: 'insufficient-evidence',
          reason: 'no runs were read from the trace sources',
          toCapture: 'Export the agent\'s traces (one root span per run) to the files named in mimir.yaml',
        };
      }
      const brokenSpans = BROKEN_SPAN_CODES.reduce((sum, code) => sum + (problems.byCode[code] ?? 0), 0) + problems.skippedRecords;
      // Skipped records are spans (or documents of spans) that never reached the count: add them to the whole.
      const spans = wilsonRate(Math.min(brokenSpans, spanCount + problems.skippedRecords), spanCount + problems.skippedRecords);
      const runs = wilsonRate(Math.min(problems.damagedRuns, runCount), runCount);
      const measured = [
        measuredRate('runs damaged in reading', runs),
        measuredRate('spans orphaned, unended or skipped', spans),
        { name: 'orphaned spans', value: problems.byCode['missing-parent'] ?? 0 },
        { name: 'unended spans', value: problems.byCode['unended-span'] ?? 0 },
        { name: 'skipped records', value: problems.skippedRecords },
        { name: 'input skipped or repaired', value: evidence.partial },
      ].filter((m): m is MeasuredValue => m !== undefined);
      const damagedShare = runs.rate ?? 0;
      const brokenShare = spans.rate ?? 0;
      const data = {
        runs: runCount,
        spans: spanCount,
        damaged: formatPercent(damagedShare),
        broken: formatPercent(brokenShare),
        limit: formatPercent(options.maxIncompleteShare),
      };
      const references = problems.examples.map(problemReference);
      if (damagedShare > options.maxIncompleteShare || brokenShare > options.maxIncompleteShare) {
        return { outcome: 'fail', messageId: 'incomplete', data, measured, references };
      }
      return { outcome: 'pass', messageId: 'complete', data, measured, references };
    },
  },
});

function problemReference(problem: TraceProblem): Reference {
  const place = { file: problem.file, ...(problem.line !== undefined && { line: problem.line }) };
  const label = `${problem.code}: ${problem.message}`;
  if (problem.spanId !== undefined) return { kind: 'span', id: problem.spanId, label: problem.runId === undefined ? label : `${label} (run ${problem.runId})`, ...place };
  if (problem.runId !== undefined) return { kind: 'run', id: problem.runId, label, ...place };
  return { kind: 'file', id: problem.file, label, ...place };
}
