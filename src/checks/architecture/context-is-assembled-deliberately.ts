import { defineCheck, noOptions } from '../define-check.js';

export default defineCheck({
  id: 'context-is-assembled-deliberately',
  area: 'architecture',
  severity: 'medium',
  title: 'Prompts are assembled from chosen parts, not leftovers',
  question:
    'Is each step\'s prompt built from named, deliberately selected parts (the goal, the relevant state, the selected results of earlier steps) rather than from whatever has accumulated in the running transcript?',
  rationale:
    'When the prompt is simply "everything so far", what the model sees is an accident of the run\'s history: stale plans, superseded results and earlier mistakes stay in and keep steering it. Assembling the context from named parts makes it predictable, testable and bounded in size, and it is the main lever against context bleed on long runs.',
  remediation: {
    text: 'Write a context builder per step type that takes the goal, the current state and a selection of earlier results and renders them into named sections; keep the full transcript in the log, not in the prompt. Decide per step which earlier results are relevant (by reference, recency or retrieval), test the builder with fixtures, and record the names and sizes of the parts on each model-call span.',
    effort: 'days',
  },
  answerableBy: ['trace', 'attestation'],
  messages: {},
  options: noOptions,
  evaluators: {},
});
