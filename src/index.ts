/**
 * mimir's public API: run an audit, define custom checks, read the model. Everything else is
 * internal and may change between minor versions.
 */
export * from './model/index.js';
export type { EvidenceBundle, ProbeEvidence, TraceEvidence } from './evidence/types.js';
export { defineCheck, noOptions, type AnyCheck, type Check, type CheckSpec, type Evaluator, type EvaluatorResult } from './checks/define-check.js';
export { evaluateCheck } from './checks/evaluate-check.js';
export { CATALOGUE_VERSION, CHECKS, findCheck } from './checks/registry.js';
export { scoreFindings, SEVERITY_WEIGHTS } from './scoring/index.js';
export { loadConfig, parseConfig, type LoadedConfig } from './audit/load-config.js';
export { auditSystem, runAudit, type AuditInput, type RunAuditOptions } from './audit/run-audit.js';
export { applyGate, type GateOptions, type GateResult } from './audit/gate.js';
export { UserError } from './shared/errors.js';
