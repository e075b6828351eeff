export { createFaultPlan, DEFAULT_FLAPPING_FAIL_TIMES } from './fault-plan.js';
export type { FaultPlan } from './fault-plan.js';
export { applyFault, defaultInjectionPayload, faultNeedsResult, RATE_LIMITED_TEXT } from './apply-fault.js';
export type { ApplyFaultInput, FaultOutcome } from './apply-fault.js';
