export { startProxy } from './mcp-proxy.js';
export type { ProxyConfig, RunLabels, RunningProxy, UpstreamSpec } from './mcp-proxy.js';
export { bridgeStdioToProxy } from './stdio-bridge.js';
export type { StdioBridge } from './stdio-bridge.js';
export { APPROVAL_TOOL } from './approval-tool.js';
export type { ToolPlan } from './mcp-proxy.js';
export { RecordedResults, SIMULATION_SOURCES, type SimulationSource } from './simulation.js';
