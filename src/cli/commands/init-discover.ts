/**
 * `mimir init --server …`: list the tools an MCP server offers and suggest each one's risk class
 * from the annotations the server gives it (MCP's ToolAnnotations). The suggestion always says
 * where it came from, because a server's hints are its author's claims, not facts mimir measured.
 */
import type { Tool } from '@modelcontextprotocol/client';
import type { RiskClass } from '../../model/index.js';
import { connectUpstreams, type UpstreamSpec } from '../../probe/proxy/upstreams.js';
import { UserError } from '../../shared/errors.js';
import { redactSecrets } from '../../shared/redact.js';

/** A suggested risk class and, in words, what it was suggested from. */
export interface RiskSuggestion {
  readonly risk: RiskClass;
  readonly source: string;
}

export interface DiscoveredTool {
  readonly name: string;
  /** The server's one-line description, bounded; absent when it gave none. */
  readonly description?: string;
  /** The `--server` value it was listed by. */
  readonly server: string;
  readonly suggestion: RiskSuggestion;
  /** Whether the server declares the shape of its results (`outputSchema`): without one, a simulated call needs an `exampleResult`. */
  readonly hasOutputSchema: boolean;
}

/**
 * The risk class a tool's annotations suggest. A hint the server gives decides before one it
 * leaves out; where it leaves a hint out, MCP's default applies (the specification assumes a tool
 * may be destructive and open-world unless it says otherwise), so a tool that says nothing is
 * suggested as high-risk, and the source says that a default decided:
 * - `readOnlyHint: true` → read-only (it changes nothing, even where it reads the open world);
 * - `destructiveHint: true` → irreversible-write: what it changes may not come back;
 * - `openWorldHint: true` → outbound-message: what it does reaches people or systems outside;
 * - both false → reversible-write.
 */
export function suggestRisk(annotations: Tool['annotations']): RiskSuggestion {
  const given = (hint: 'readOnlyHint' | 'destructiveHint' | 'openWorldHint', value: boolean) => `the server's ${hint}: ${String(value)}`;
  const assumed = (hint: 'destructiveHint' | 'openWorldHint') => `no ${hint} from the server (MCP then assumes true)`;
  if (annotations?.readOnlyHint === true) return { risk: 'read-only', source: given('readOnlyHint', true) };
  if (annotations?.destructiveHint === true) return { risk: 'irreversible-write', source: given('destructiveHint', true) };
  if (annotations?.openWorldHint === true) return { risk: 'outbound-message', source: given('openWorldHint', true) };
  if (annotations?.destructiveHint === undefined) return { risk: 'irreversible-write', source: assumed('destructiveHint') };
  if (annotations.openWorldHint === undefined) return { risk: 'outbound-message', source: assumed('openWorldHint') };
  return { risk: 'reversible-write', source: "the server's destructiveHint: false and openWorldHint: false" };
}

/** How long a server may take to start and list its tools. */
const LIST_TIMEOUT_MS = 20_000;
const DESCRIPTION_CHARS = 160;

/**
 * Starts each server (a command line, run over stdio, or an http(s) URL of a running Streamable
 * HTTP server), lists its tools, and stops it again. A server that cannot be reached is a user
 * error: the command or URL is what to fix.
 */
export async function discoverTools(servers: readonly string[], options: { timeoutMs?: number } = {}): Promise<DiscoveredTool[]> {
  const discovered: DiscoveredTool[] = [];
  for (const [index, server] of servers.entries()) {
    const spec = serverSpec(server, `server-${index + 1}`);
    let pool;
    try {
      pool = await connectUpstreams([spec], { connectTimeoutMs: options.timeoutMs ?? LIST_TIMEOUT_MS });
    } catch (error) {
      throw new UserError('mcp-server-unreachable', redactSecrets(`could not list the tools of the MCP server ${JSON.stringify(server)}: ${error instanceof Error ? error.message : String(error)}`), {
        hint: 'Give the command that starts it over stdio (--server "node server.js") or the URL of a running Streamable HTTP server (--server http://127.0.0.1:3000/mcp).',
      });
    }
    try {
      for (const tool of pool.tools) {
        const description = firstLine(tool.description);
        discovered.push({ name: tool.name, server, suggestion: suggestRisk(tool.annotations), hasOutputSchema: tool.outputSchema !== undefined, ...(description !== undefined && { description }) });
      }
    } finally {
      await pool.close();
    }
  }
  return discovered;
}

function firstLine(text: string | undefined): string | undefined {
  const line = text?.trim().split('\n')[0]?.trim();
  if (line === undefined || line === '') return undefined;
  return line.length > DESCRIPTION_CHARS ? `${line.slice(0, DESCRIPTION_CHARS - 1)}…` : line;
}

function serverSpec(server: string, name: string): UpstreamSpec {
  if (/^https?:\/\//i.test(server.trim())) return { name, url: server.trim() };
  const command = splitCommandLine(server);
  if (command.length === 0) throw new UserError('usage', '--server is empty', { hint: 'For example: --server "node mcp-server.js"' });
  return { name, command };
}

/** Splits a command line into words as a shell would for the simple cases: whitespace, single and double quotes, backslash escapes. */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] ?? '';
    if (quote !== undefined) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && i + 1 < line.length) word += line[++i] ?? '';
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < line.length) {
      word += line[++i] ?? '';
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote !== undefined) throw new UserError('usage', `--server ${JSON.stringify(line)} has an unclosed ${quote}`);
  if (inWord) words.push(word);
  return words;
}
