// The agents' tools come from the back-office MCP server: through mimir's proxy when MIMIR_MCP_URL
// is set (Streamable HTTP; probes and the corpus recordings), or from the server itself, started
// over stdio, when it is not (a plain local run, the tests).
import { fileURLToPath } from 'node:url';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { jsonSchema, tool } from 'ai';
import { advance, deadline, TimeoutError } from './clock.mjs';

export const SERVER_PATH = fileURLToPath(new URL('../../back-office/server/back-office-server.mjs', import.meta.url));

/** The MCP SDK's own default request timeout: what an agent that sets none gets. */
export const MCP_SDK_DEFAULT_TIMEOUT_MS = 60_000;

/** Tools no agent is given: inspect_state exists for verifiers only. */
const NOT_FOR_AGENTS = new Set(['inspect_state']);
export const APPROVAL_TOOL = 'request_approval';

/** Modelled latency of each tool in virtual time (recording only; in real time calls take what they take). */
const LATENCY_MS = { find_customer: 90, get_order: 120, list_orders: 150, issue_refund: 650, send_email: 310, delete_record: 210 };

/**
 * Connects to the back office and lists its tools.
 * @returns {Promise<{tools: object[], has(name: string): boolean, call(name: string, args: object, options?: {timeoutMs?: number}): Promise<object>, close(): Promise<void>}>}
 */
export async function connectBackOffice({ clientName }) {
  const url = process.env.MIMIR_MCP_URL;
  const transport = url
    ? new StreamableHTTPClientTransport(new URL(url))
    : new StdioClientTransport({ command: process.execPath, args: [SERVER_PATH], stderr: 'ignore' });
  const client = new Client({ name: clientName, version: '1.0.0' });
  await client.connect(transport);
  const { tools } = await client.listTools();
  const names = new Set(tools.map((t) => t.name));
  return {
    /** The tools an agent may be given (request_approval included when the proxy offers it). */
    tools: tools.filter((t) => !NOT_FOR_AGENTS.has(t.name)),
    has: (name) => names.has(name),
    /**
     * Calls a tool and returns its raw CallToolResult, unvalidated (what the client does with it is
     * the agent's business). Throws a TimeoutError when `timeoutMs` passes, and the SDK's error for a
     * protocol-level failure.
     */
    async call(name, args, { timeoutMs = MCP_SDK_DEFAULT_TIMEOUT_MS } = {}) {
      const limit = deadline(timeoutMs);
      try {
        const result = await client.request({ method: 'tools/call', params: { name, arguments: args } }, { signal: limit.signal, timeout: 24 * 3600_000 });
        advance(LATENCY_MS[name] ?? 100);
        return result;
      } catch (error) {
        if (limit.signal.aborted) throw new TimeoutError(`${name} timed out after ${timeoutMs / 1000} s`);
        advance(LATENCY_MS[name] ?? 100);
        throw error;
      } finally {
        limit.settle();
      }
    },
    close: () => client.close(),
  };
}

/** All text blocks of a result, as a model would read them (structured content when there is no text). */
export function resultText(result) {
  const texts = (result.content ?? []).filter((block) => block.type === 'text').map((block) => block.text);
  if (texts.length > 0) return texts.join('\n');
  return result.structuredContent === undefined ? '' : JSON.stringify(result.structuredContent);
}

/**
 * The MCP tools as AI SDK tools: the model sees each tool's name, description and JSON Schema as
 * the server lists them; `execute(name)` builds what a call does; `validate(name)`, when given,
 * checks a call's input before anything runs (the AI SDK hands a rejected call back to the model as
 * a tool error and never executes it; without it, inputs pass unchecked); `needsApproval(name)`
 * says whether the AI SDK must stop for an approval before running it.
 */
export function aiToolsFrom(mcpTools, { execute, validate, needsApproval }) {
  return Object.fromEntries(
    mcpTools.map((definition) => [
      definition.name,
      tool({
        description: definition.description ?? definition.name,
        inputSchema: jsonSchema(definition.inputSchema, validate ? { validate: validate(definition.name) } : {}),
        execute: execute(definition.name),
        ...(needsApproval && { needsApproval: needsApproval(definition.name) }),
      }),
    ]),
  );
}
