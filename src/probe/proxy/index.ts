export { startProxy } from './mcp-proxy.js';
export type { ProxyConfig, RunLabels, RunningProxy, UpstreamSpec } from './mcp-proxy.js';
export { bridgeStdioToProxy } from './stdio-bridge.js';
export type { StdioBridge } from './stdio-bridge.js';
export { APPROVAL_TOOL } from './approval-tool.js';
