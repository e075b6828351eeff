import { WITHOUT_LONG_TERM_MEMORY } from '../applicability.js';
import { defineCheck, noOptions } from '../define-check.js';

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
  messages: {},
  options: noOptions,
  evaluators: {},
});
