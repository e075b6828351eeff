import { WITHOUT_LONG_TERM_MEMORY } from '../applicability.js';
import { defineCheck, noOptions } from '../define-check.js';

export default defineCheck({
  id: 'memory-is-isolated-between-tasks',
  area: 'memory-context',
  severity: 'high',
  title: 'One task\'s memory and context never leak into another\'s',
  question:
    'Is each user\'s and each task\'s memory and context kept separate, so that nothing stored or cached during one task (facts, documents, conversation history) can appear in another user\'s or task\'s context?',
  rationale:
    'A shared vector store queried without a tenant filter, a cache keyed by prompt instead of by user, or a conversation buffer reused across requests will sooner or later put one customer\'s order details into another customer\'s answer. That is a privacy incident, not a quality bug, and it stays invisible in single-user testing.',
  remediation: {
    text: 'Key every memory store, cache and conversation buffer by tenant, user and task, and enforce the filter in the storage layer (separate namespaces or collections, row-level security, mandatory metadata filters) rather than in the prompt. Keep no per-request state in module-level variables of a long-lived worker. Add a test that plants a unique canary fact in one user\'s task and asserts it never appears in another\'s.',
    effort: 'days',
  },
  answerableBy: ['probe', 'trace', 'attestation'],
  notApplicableWhen: WITHOUT_LONG_TERM_MEMORY,
  messages: {},
  options: noOptions,
  evaluators: {},
});
