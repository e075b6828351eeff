export * from './area.js';
export * from './attestation.js';
export * from './audit.js';
export * from './evidence.js';
export * from './finding.js';
export * from './policy.js';
export * from './run.js';
export * from './system.js';
