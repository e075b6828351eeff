import { defineCheck, noOptions } from '../define-check.js';

export default defineCheck({
  id: 'checkpoints-enable-restart',
  area: 'architecture',
  severity: 'high',
  title: 'A crashed run restarts from its last good checkpoint',
  question:
    'Does the agent save a checkpoint of its progress after each completed step, so that a run that crashes or is killed restarts from the last known-good state rather than from scratch or from half-written state?',
  rationale:
    'Long runs die: a deploy restarts the worker, the model API times out, the pod is evicted. Without checkpoints the run starts over and pays again in time, tokens and repeated work; with a checkpoint written halfway through a step it resumes from corrupted state and compounds the error. A checkpoint written atomically after each completed step bounds the loss to one step.',
  remediation: {
    text: 'Persist the run state (goal, completed steps and their results, pending work) to durable storage after each completed step, atomically (write then rename, or one transaction), keyed by run id. On start, look for a checkpoint for the run id, validate it and resume from it; fall back to the previous checkpoint if it is incomplete. Emit a `mimir.checkpoint.id` event on each save and set `mimir.resumed_from` on a resumed run. Durable-execution runtimes (Temporal, Restate, LangGraph checkpointers) provide most of this.',
    effort: 'days',
  },
  answerableBy: ['probe', 'trace', 'attestation'],
  messages: {},
  options: noOptions,
  evaluators: {},
});
