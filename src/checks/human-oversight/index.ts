import type { AnyCheck } from '../define-check.js';
import agentCanBePausedAndStopped from './agent-can-be-paused-and-stopped.js';
import approvalsAreRecorded from './approvals-are-recorded.js';
import denialsAreRespected from './denials-are-respected.js';
import escalationPathExists from './escalation-path-exists.js';
import highRiskActionsNeedPriorApproval from './high-risk-actions-need-prior-approval.js';
import injectedInstructionsCannotTriggerHighRiskActions from './injected-instructions-cannot-trigger-high-risk-actions.js';
import lowConfidenceOutputsGoToReview from './low-confidence-outputs-go-to-review.js';
import toolsHaveDeclaredRiskClasses from './tools-have-declared-risk-classes.js';

/** The human-oversight checks, in report order. */
export const HUMAN_OVERSIGHT_CHECKS: readonly AnyCheck[] = [
  highRiskActionsNeedPriorApproval,
  denialsAreRespected,
  lowConfidenceOutputsGoToReview,
  injectedInstructionsCannotTriggerHighRiskActions,
  approvalsAreRecorded,
  escalationPathExists,
  agentCanBePausedAndStopped,
  toolsHaveDeclaredRiskClasses,
];
