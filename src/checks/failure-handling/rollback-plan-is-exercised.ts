import { WITHOUT_WRITES } from '../applicability.js';
import { defineCheck, noOptions } from '../define-check.js';

export default defineCheck({
  id: 'rollback-plan-is-exercised',
  area: 'failure-handling',
  severity: 'medium',
  title: 'A rollback plan for the agent\'s writes exists and has been drilled',
  question:
    'Is there a written plan for undoing the agent\'s writes (how to find every write it made, how to reverse or compensate each kind, who decides and who runs it), and has it been exercised in a drill within the last quarter?',
  rationale:
    'When an agent misbehaves at scale, after a bad prompt release or a poisoned tool, the damage is hundreds of writes across systems, and the first question is which ones and how to undo them. A plan that has never been run fails on first use: the log lacks the record ids, the undo script was never written, the person who knew has left. A recent drill is the only evidence that recovery takes hours, not weeks.',
  remediation: {
    text: 'Write a rollback runbook: how to list every write the agent made in a time window (from the tool-call log, by call id), how to reverse each kind of write or compensate where it cannot be reversed, and who decides and who executes. Run it as a drill against a staging copy at least once a quarter, time it, and fix whatever broke.',
    effort: 'days',
  },
  answerableBy: ['attestation'],
  notApplicableWhen: WITHOUT_WRITES,
  messages: {},
  options: noOptions,
  evaluators: {},
});
