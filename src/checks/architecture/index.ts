import type { AnyCheck } from '../define-check.js';
import stepIoContractsAreValidated from './step-io-contracts-are-validated.js';
import stateChangesAreExplicit from './state-changes-are-explicit.js';
import checkpointsEnableRestart from './checkpoints-enable-restart.js';
import resumeSkipsCompletedSideEffects from './resume-skips-completed-side-effects.js';
import canonicalLogIsAppendOnly from './canonical-log-is-append-only.js';
import contextIsAssembledDeliberately from './context-is-assembled-deliberately.js';
import runBudgetsAreEnforced from './run-budgets-are-enforced.js';
import tracesAreComplete from './traces-are-complete.js';

/** The architecture checks, in report order. */
export const ARCHITECTURE_CHECKS: readonly AnyCheck[] = [
  stepIoContractsAreValidated,
  stateChangesAreExplicit,
  checkpointsEnableRestart,
  resumeSkipsCompletedSideEffects,
  canonicalLogIsAppendOnly,
  contextIsAssembledDeliberately,
  runBudgetsAreEnforced,
  tracesAreComplete,
];
