import type { AnyCheck } from '../define-check.js';
import cascadesHalt from './cascades-halt.js';
import failureResponsesAreDefined from './failure-responses-are-defined.js';
import failuresAreReportedHonestly from './failures-are-reported-honestly.js';
import loopsAreDetected from './loops-are-detected.js';
import malformedToolOutputIsRejected from './malformed-tool-output-is-rejected.js';
import retriesAreBounded from './retries-are-bounded.js';
import rollbackPlanIsExercised from './rollback-plan-is-exercised.js';
import stepReliabilityFitsWorkflowLength from './step-reliability-fits-workflow-length.js';
import toolCallsHaveTimeouts from './tool-calls-have-timeouts.js';

/** The failure-handling checks, in report order. */
export const FAILURE_HANDLING_CHECKS: readonly AnyCheck[] = [
  failureResponsesAreDefined,
  retriesAreBounded,
  cascadesHalt,
  loopsAreDetected,
  toolCallsHaveTimeouts,
  malformedToolOutputIsRejected,
  failuresAreReportedHonestly,
  rollbackPlanIsExercised,
  stepReliabilityFitsWorkflowLength,
];
