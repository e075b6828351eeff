import { toReferences } from '../../analysis/support.js';
import { z } from 'zod';
import { defineCheck } from '../define-check.js';
import { minPassRateOption, probeCheckResult } from '../probe-support.js';

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
  messages: {
    'probe-passed':
      'Killed after a side effect and restarted, the agent did not repeat it in {{passed}} of {{trials}} probe trials ({{rate}}; at least {{minRate}} required){{left}}.',
    'probe-failed':
      'Killed after a side effect and restarted, the agent performed it again in {{failed}} of {{trials}} probe trials ({{rate}} did not, at least {{minRate}} required); first: {{failing}}: {{detail}}{{left}}.',
    skipped: 'None of the {{resumes}} resumed runs that followed completed side effects repeated one.',
    repeated: '{{repeated}} side-effecting calls were made again after a resume, with the same arguments as calls completed before it.',
  },
  options: z.strictObject({ minPassRate: minPassRateOption }),
  evaluators: {
    probe: ({ evidence, options }) =>
      probeCheckResult(evidence, { families: ['kill-resume'], expectations: ['noRepeatedSideEffects'], minPassRate: options.minPassRate }),
    trace: ({ evidence }) => {
      const checkpoints = evidence.analyses.checkpoints;
      const measured = [
        { name: 'resumed runs', value: checkpoints.resumedRuns },
        { name: 'resumed runs matched with their earlier attempt', value: checkpoints.matchedResumes },
        { name: 'resumed runs after completed side effects', value: checkpoints.resumesAfterSideEffects },
        { name: 'side effects repeated after a resume', value: checkpoints.repeatedSideEffects.count },
      ];
      // A critical check: one duplicate payment is a failure, however many resumes went well.
      if (checkpoints.repeatedSideEffects.count > 0) {
        return {
          outcome: 'fail',
          messageId: 'repeated',
          data: { repeated: checkpoints.repeatedSideEffects.count },
          measured,
          references: toReferences(checkpoints.repeatedSideEffects.examples),
        };
      }
      if (checkpoints.resumesAfterSideEffects === 0) {
        return {
          outcome: 'insufficient-evidence',
          reason:
            checkpoints.resumedRuns === 0
              ? 'no run in the traces was resumed'
              : checkpoints.matchedResumes === 0
                ? `${checkpoints.resumedRuns} resumed runs name checkpoints not found in any earlier attempt in the traces`
                : `none of the ${checkpoints.matchedResumes} resumed runs followed a completed side-effecting call, so none could have repeated one`,
          toCapture:
            'Set `mimir.resumed_from` on resumed runs and include the interrupted attempt (with its `mimir.checkpoint.id` events) in the traces, classify tools by risk in mimir.yaml, or run the kill-and-restart probe',
        };
      }
      return { outcome: 'pass', messageId: 'skipped', data: { resumes: checkpoints.resumesAfterSideEffects }, measured };
    },
  },
});
