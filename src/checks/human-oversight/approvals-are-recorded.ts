import { WITHOUT_HIGH_RISK_TOOLS } from '../applicability.js';
import { defineCheck, noOptions } from '../define-check.js';

export default defineCheck({
  id: 'approvals-are-recorded',
  area: 'human-oversight',
  severity: 'high',
  title: 'Every approval records who, when, what and for which call',
  question:
    'Does each approval decision record who made it, when, what exactly was approved (tool and arguments) and the id of the tool call it authorizes, so that any high-risk action can be traced to the person who allowed it?',
  rationale:
    'After an incident the first questions are who approved it and what they were shown. An approval that is a button click with no record, or a record without the call id, cannot answer them, and cannot prove to an auditor that the control exists at all. Binding the record to the call id also stops one approval from being reused for a different action.',
  remediation: {
    text: 'Write an append-only record for every approval decision: the approver\'s identity, the time, the decision, the tool name and arguments shown, and the tool call id. Emit it as an approval span or event with mimir.approval.actor, mimir.approval.decision and mimir.approval.tool_call.id, and keep it as long as the rest of your audit trail.',
    effort: 'hours',
  },
  answerableBy: ['probe', 'trace', 'attestation'],
  notApplicableWhen: WITHOUT_HIGH_RISK_TOOLS,
  messages: {},
  options: noOptions,
  evaluators: {},
});
