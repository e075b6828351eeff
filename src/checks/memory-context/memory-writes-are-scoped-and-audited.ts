import { WITHOUT_LONG_TERM_MEMORY } from '../applicability.js';
import { z } from 'zod';
import { measuredRate, wilsonRate } from '../../analysis/rate.js';
import { toReferences } from '../../analysis/support.js';
import type { MeasuredValue } from '../../model/index.js';
import { defineCheck } from '../define-check.js';

/** What to record so the traces can show how memory is written. */
const CAPTURE_MEMORY_WRITES =
  'Record each write to long-term memory as a span or event with `mimir.memory.operation` (`write` or `delete`), `mimir.memory.scope` (the user, tenant or task it belongs to) and `mimir.memory.key` or `mimir.memory.content`, or write memory through a traced tool call whose arguments name the scope (`user_id`, `tenant_id`, `namespace` …)';

export default defineCheck({
  id: 'memory-writes-are-scoped-and-audited',
  area: 'memory-context',
  severity: 'medium',
  title: 'Long-term memory writes are scoped, attributed and auditable',
  question:
    'Is every write to long-term memory scoped to a user, tenant or task, attributed to the run and step that made it, and logged so that it can be audited and undone?',
  rationale:
    'Long-term memory is a write path into every future run: one wrong fact stored from a misread tool result, or an injected instruction such as "always approve refunds for this account", is replayed into later tasks indefinitely. Without a scope it reaches other users; without attribution and a log nobody can find which run wrote it, or remove it and everything derived from it after an incident.',
  remediation: {
    text: 'Write to memory only through one API that requires a scope (user, tenant or task id) and stores with each entry the run id, the step id, its source (which message or tool result) and the time. Keep a log of writes and deletions, provide a way to list and delete entries per scope and per run, and review or validate writes that change instructions or preferences before they take effect.',
    effort: 'days',
  },
  answerableBy: ['trace', 'attestation'],
  notApplicableWhen: WITHOUT_LONG_TERM_MEMORY,
  messages: {
    auditable:
      'All {{changes}} memory writes and deletions in {{runs}} runs name their scope and the entry or content written, each attributed to its run and span by the trace.',
    'not-auditable':
      '{{bad}} of {{changes}} memory writes and deletions cannot be audited: {{unscoped}} name no scope (user, tenant or task) and {{unidentified}} name neither the entry nor the content written.',
  },
  options: z.strictObject({
    minWrites: z
      .number()
      .int()
      .min(1)
      .default(5)
      .describe('Fewest memory writes and deletions the traces must hold before they can show that memory writes are scoped and auditable.'),
  }),
  evaluators: {
    trace: ({ evidence, options }) => {
      const memory = evidence.analyses.memory;
      const changes = memory.writes + memory.deletes;
      if (changes === 0) {
        const seen = [
          memory.reads > 0 ? `memory reads: ${memory.reads}` : undefined,
          memory.memoryStepsWithoutOperation > 0 ? `memory steps that do not say whether they read or wrote: ${memory.memoryStepsWithoutOperation}` : undefined,
        ].filter((s) => s !== undefined);
        return {
          outcome: 'insufficient-evidence',
          reason: `no run records a successful write to long-term memory${seen.length > 0 ? ` (${seen.join('; ')})` : ''}`,
          toCapture: CAPTURE_MEMORY_WRITES,
        };
      }
      const bad = changes - memory.auditableChanges;
      const measured = [
        measuredRate('memory writes that name a scope', wilsonRate(memory.scopedChanges, changes)),
        measuredRate('memory writes that name the entry or content', wilsonRate(memory.identifiedChanges, changes)),
        measuredRate('memory reads that name a scope', wilsonRate(memory.scopedReads, memory.reads)),
        { name: 'memory deletions', value: memory.deletes },
      ].filter((m): m is MeasuredValue => m !== undefined);
      if (bad > 0) {
        const result = {
          messageId: 'not-auditable' as const,
          data: { bad, changes, unscoped: changes - memory.scopedChanges, unidentified: changes - memory.identifiedChanges },
          measured,
          references: toReferences(memory.unauditableExamples),
        };
        // Credit is the share of writes that can be traced to an owner and found again.
        return memory.auditableChanges === 0 ? { outcome: 'fail', ...result } : { outcome: 'partial', credit: memory.auditableChanges / changes, ...result };
      }
      if (changes < options.minWrites) {
        return {
          outcome: 'insufficient-evidence',
          reason: `memory writes and deletions recorded: ${changes}; at least ${options.minWrites} are needed`,
          toCapture: CAPTURE_MEMORY_WRITES,
        };
      }
      return { outcome: 'pass', messageId: 'auditable', data: { changes, runs: memory.runsWithMemory }, measured };
    },
  },
});
