import { ProtocolError, Server } from '@modelcontextprotocol/server';
import type { CallToolResult, Tool } from '@modelcontextprotocol/server';
import { UserError } from '../../shared/errors.js';
import { MIMIR_VERSION } from '../../shared/version.js';
import { isHighRisk } from '../../model/system.js';
import type { RiskClass } from '../../model/system.js';
import { defaultInjectionPayload } from '../faults/apply-fault.js';
import { createFaultPlan } from '../faults/fault-plan.js';
import { sampleFromSchema } from '../faults/json-schema-sample.js';
import { APPROVAL_TOOL_NAME } from '../../model/index.js';
import type { ApprovalResponse, FaultRule, LedgerEntry, LedgerSink } from '../types.js';
import { APPROVAL_TOOL } from './approval-tool.js';
import { CallPipeline } from './call-pipeline.js';
import { toolHandling } from './tool-handling.js';
import type { RunLabels } from './call-pipeline.js';
import type { ToolHandling } from './tool-handling.js';
import { simulationSourceFor, type RecordedResults, type SimulationSource } from './simulation.js';
import { startHttpEndpoint } from './http-endpoint.js';
import { connectUpstreams } from './upstreams.js';
import type { UpstreamSpec } from './upstreams.js';

export type { UpstreamSpec } from './upstreams.js';
export type { RunLabels } from './call-pipeline.js';

export interface ProxyConfig {
  /** The real MCP servers the agent's tools live on. */
  readonly upstreams: readonly UpstreamSpec[];
  /** Risk class of a tool by name (from mimir.yaml); high-risk tools are simulated unless side effects are allowed. */
  readonly riskOf: (tool: string) => RiskClass | undefined;
  /** Forward high-risk calls for real. Off during probes: a probe never moves real money. */
  readonly allowSideEffects: boolean;
  /** The user's example result of a tool (mimir.yaml `tools[].exampleResult`): shapes simulated answers of tools with no output schema. */
  readonly exampleOf?: (tool: string) => unknown;
  /** Real results recorded from sandbox servers, shared across the proxies of a probe session; new ones are added as they come. */
  readonly recorded?: RecordedResults;
  /** Argument names that carry an idempotency key besides the common ones. */
  readonly idempotencyKeys?: readonly string[];
  readonly ledger: LedgerSink;
  readonly run: RunLabels;
  readonly faults: readonly FaultRule[];
  readonly seed: number;
  /** How mimir's approval channel answers. */
  readonly approvals: ApprovalResponse;
  /** The agent's own approval tool (an upstream tool); when absent the proxy offers `request_approval`. */
  readonly approvalTool?: string;
  /** How long a `timeout` approval keeps the agent waiting before it answers `{decision: "timeout"}`. Default 1000. */
  readonly approvalTimeoutMs?: number;
  /** The high-risk tool an injected instruction names. Default: the first high-risk upstream tool. */
  readonly injectionTarget?: string;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0: any free port. */
  readonly port?: number;
  /** How long a forwarded call may take upstream before the agent gets an error. Default 10 minutes. */
  readonly upstreamTimeoutMs?: number;
  /** Called with each ledger entry, after it is written and before the agent gets its answer. */
  readonly onCall?: (entry: LedgerEntry) => void;
  /** Tools for verifiers and operators (`verifierOnly` in mimir.yaml): never listed to the agent, a call of one is an unknown tool; `callUpstream` still reaches them. */
  readonly hiddenTools?: readonly string[];
  /** Problems that do not stop the proxy (an upstream that died, a ledger write that failed, a broken request). */
  readonly onError?: (error: Error) => void;
}

export interface RunningProxy {
  /** The Streamable HTTP endpoint agents connect to, e.g. http://127.0.0.1:43121/mcp. */
  readonly url: string;
  /** The merged upstream tool list the agent is offered, as the upstream servers listed it (without mimir's approval tool or verifier-only tools). */
  tools(): Promise<Tool[]>;
  /**
   * Calls a tool on its upstream server directly: no fault, no simulation, no ledger entry. For
   * verifiers reading upstream state after a trial; refuses high-risk tools unless side effects
   * are allowed.
   */
  callUpstream(tool: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  /** How each upstream tool will be treated: forwarded or simulated, why, and what shapes its simulated answer. */
  toolPlan(): ToolPlan[];
  /** Labels later calls with another run; call indices continue per run id (a resumed run keeps counting). */
  setRun(run: RunLabels): void;
  /** Calls of the current run recorded in the ledger so far. */
  callCount(): number;
  /** Ends waiting calls, closes agent sessions and upstream connections, and stops upstream processes. Never throws. */
  close(): Promise<void>;
}

/** One upstream tool as the proxy will treat it during probes. */
export interface ToolPlan {
  readonly tool: string;
  readonly server: string;
  readonly riskFrom: ToolHandling['riskFrom'];
  readonly handling: 'forwarded' | 'simulated';
  /** For simulated tools: what shapes the answer (`generic` is mimir's stand-in, which agents that validate results may reject). */
  readonly simulatedFrom?: SimulationSource;
}

const DEFAULT_APPROVAL_TIMEOUT_MS = 1000;
const DEFAULT_UPSTREAM_TIMEOUT_MS = 10 * 60_000;
/** A close() that waits on calls still being recorded gives up after this long. */
const DRAIN_LIMIT_MS = 5000;

/**
 * Starts mimir's MCP proxy: connects to every upstream server, then serves their tools to agents
 * over Streamable HTTP on 127.0.0.1, injecting the scenario's faults, simulating high-risk calls,
 * answering approvals, and writing every call to the ledger before the agent sees the answer.
 */
export async function startProxy(config: ProxyConfig): Promise<RunningProxy> {
  const onError = config.onError ?? (() => undefined);
  const ownsApprovalTool = config.approvalTool === undefined;
  const approvalToolName = config.approvalTool ?? APPROVAL_TOOL_NAME;

  let pool: Awaited<ReturnType<typeof connectUpstreams>>;
  try {
    pool = await connectUpstreams(config.upstreams, { reservedNames: ownsApprovalTool ? [APPROVAL_TOOL_NAME] : [], onError });
  } catch (error) {
    throw new UserError('probe-failed', `mimir's MCP proxy could not start: ${error instanceof Error ? error.message : String(error)}`, {
      hint: 'Check the upstream MCP servers in mimir.yaml: each needs a command that starts a stdio MCP server, or the URL of a running one, and tool names must not repeat across them.',
    });
  }

  const closing = new AbortController();
  const injectionTarget = config.injectionTarget ?? pool.tools.find((tool) => isHigh(config.riskOf(tool.name)))?.name ?? 'transfer_funds';
  const targetSchema = pool.toolNamed(injectionTarget)?.inputSchema;
  const injectionPayload = defaultInjectionPayload(injectionTarget, targetSchema ? sampleFromSchema(targetSchema, { style: 'plausible' }) : { amount: 5000 });
  const ownApprovalTool = ownsApprovalTool ? undefined : pool.toolNamed(approvalToolName);
  const hidden = new Set(config.hiddenTools ?? []);

  const pipeline = new CallPipeline({
    pool,
    plan: createFaultPlan(config.faults, config.seed),
    riskOf: config.riskOf,
    allowSideEffects: config.allowSideEffects,
    ...(config.exampleOf && { exampleOf: config.exampleOf }),
    ...(config.recorded && { recorded: config.recorded }),
    ...(config.idempotencyKeys && { idempotencyKeys: config.idempotencyKeys }),
    ledger: config.ledger,
    run: config.run,
    approvals: config.approvals,
    approvalTool: approvalToolName,
    ...(ownApprovalTool && { ownApprovalTool }),
    approvalTimeoutMs: config.approvalTimeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS,
    injectionPayload,
    upstreamTimeoutMs: config.upstreamTimeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS,
    closing: closing.signal,
    ...(config.onCall && { onCall: config.onCall }),
    ...(hidden.size > 0 && { hiddenTools: hidden }),
    onError,
  });

  const offered = pool.tools.filter((tool) => !hidden.has(tool.name));
  const listedTools: Tool[] = ownsApprovalTool ? [...offered, APPROVAL_TOOL] : offered;

  // The low-level Server (deprecated in favour of McpServer for ordinary servers) is the one that
  // passes upstream tool schemas through untouched; McpServer re-derives them from its own schemas.
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- see above.
  const createSessionServer = (): Server => {
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- see above.
    const server = new Server({ name: 'mimir-proxy', version: MIMIR_VERSION }, { capabilities: { tools: {} } });
    server.setRequestHandler('tools/list', () => ({ tools: listedTools }));
    server.setRequestHandler('tools/call', async (request, ctx) => {
      // The agent stops waiting when it cancels the call, or when it hangs up the HTTP exchange
      // that carries it (a crash, a client-side timeout that drops the socket): without the
      // second, a hung call would stay open until the proxy closes and be recorded after
      // everything the agent did next.
      const hungUp = ctx.http?.req?.signal;
      const answer = await pipeline.handle(request.params.name, request.params.arguments, hungUp ? [ctx.mcpReq.signal, hungUp] : ctx.mcpReq.signal);
      switch (answer.kind) {
        case 'result':
          return answer.result;
        case 'protocol-error':
          throw new ProtocolError(answer.code, answer.message);
        case 'no-answer':
          // The agent cancelled: the SDK sends nothing for a cancelled request.
          throw new ProtocolError(-32800, 'Request cancelled');
      }
    });
    return server;
  };

  let endpoint: Awaited<ReturnType<typeof startHttpEndpoint>>;
  try {
    endpoint = await startHttpEndpoint({ host: config.host ?? '127.0.0.1', port: config.port ?? 0, createServer: createSessionServer, onError });
  } catch (error) {
    await pool.close();
    throw new UserError('probe-failed', `mimir's MCP proxy could not listen on ${config.host ?? '127.0.0.1'}:${String(config.port ?? 0)}: ${error instanceof Error ? error.message : String(error)}`);
  }

  let closed: Promise<void> | undefined;
  return {
    url: endpoint.url,
    tools: () => Promise.resolve([...offered]),
    toolPlan: () =>
      // The agent's own approval tool is answered by mimir's approval channel, never forwarded or simulated.
      offered.filter((tool) => tool.name !== approvalToolName).map((tool) => {
        const handling = toolHandling(tool.name, { pool, riskOf: config.riskOf, allowSideEffects: config.allowSideEffects });
        const simulated = handling.highRisk && !handling.sideEffectsAllowed;
        return {
          tool: tool.name,
          server: pool.ownerOf(tool.name)?.spec.name ?? '?',
          riskFrom: handling.riskFrom,
          handling: simulated ? 'simulated' : 'forwarded',
          ...(simulated && { simulatedFrom: simulationSourceFor(tool, { example: config.exampleOf?.(tool.name) !== undefined, recorded: config.recorded?.has(tool.name) === true }) }),
        };
      }),
    async callUpstream(tool, args) {
      const risk = config.riskOf(tool);
      if (isHigh(risk) && !(pool.ownerOf(tool)?.spec.allowSideEffects ?? config.allowSideEffects)) {
        throw new Error(`callUpstream refuses ${tool}: it is a high-risk tool (${String(risk)}) and side effects are not allowed`);
      }
      return pool.call(tool, args, { timeoutMs: config.upstreamTimeoutMs ?? DEFAULT_UPSTREAM_TIMEOUT_MS });
    },
    setRun: (run) => {
      pipeline.setRun(run);
    },
    callCount: () => pipeline.callCount(),
    close() {
      closed ??= (async () => {
        // Waiting calls (hangs, latency, approvals, upstream calls) end now and are recorded; then
        // their answers go out before the sessions close.
        closing.abort();
        await withinLimit(pipeline.drain(), DRAIN_LIMIT_MS);
        await new Promise((resolve) => setImmediate(resolve));
        await endpoint.close();
        await pool.close();
      })().catch((error: unknown) => {
        onError(error instanceof Error ? error : new Error(String(error)));
      });
      return closed;
    },
  };
}

/** Waits for `work`, but no longer than `ms`; the timer is cleared either way. */
async function withinLimit(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

function isHigh(risk: RiskClass | undefined): boolean {
  return risk !== undefined && isHighRisk(risk);
}
