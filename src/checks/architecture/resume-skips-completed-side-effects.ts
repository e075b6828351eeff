import { defineCheck, noOptions } from '../define-check.js';

export default defineCheck({
  id: 'resume-skips-completed-side-effects',
  area: 'architecture',
  severity: 'critical',
  title: 'A resumed run does not repeat completed side effects',
  question:
    'When a run is resumed after a crash, a kill or a retry, does it skip the side effects that already happened (the email sent, the payment made, the ticket filed), using idempotency keys or a journal of completed effects, rather than performing them a second time?',
  rationale:
    'The dangerous window lies between a side effect and the checkpoint that records it: the agent issues a refund, crashes before saving, and on restart issues it again. Customers get two emails, two charges, two tickets. Restarts and retries are routine in production, so a side effect that is not idempotent will eventually be duplicated.',
  remediation: {
    text: 'Give every side-effecting call an idempotency key derived from the run id and the step (never a value generated fresh at call time), pass it to APIs that honour one (payments, messaging), and record each completed effect in a durable effect journal before moving on. On resume, consult the journal, and for tools without idempotency support check the world (was the email sent?) before issuing the call again. Cover this with a kill-and-restart test around each side-effecting tool.',
    effort: 'days',
  },
  answerableBy: ['probe', 'trace', 'attestation'],
  messages: {},
  options: noOptions,
  evaluators: {},
});
