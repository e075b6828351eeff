export { DEFAULT_KILL_GRACE_MS, DEFAULT_MAX_STDOUT_BYTES, runAgent, type RunLimits } from './run-agent.js';
export { agentArguments, agentEnvironment, CONTRACT_VARIABLES } from './command-agent.js';
export { ClaimScanner, parseClaim } from './claim.js';
export { runBounded, runBoundedSettled } from './pool.js';
export { killAllAgentGroups } from './process-group.js';
export { deadlineHeadroomMs, MIN_HEADROOM_MS, probeDeadlineMs, progressWindowMs } from './deadline.js';
