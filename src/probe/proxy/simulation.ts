import type { CallToolResult, Tool } from '@modelcontextprotocol/server';
import { sha256 } from '../../shared/hash.js';
import { asRecord, sampleFromSchema, typedAs } from '../faults/json-schema-sample.js';

/**
 * The answer to a side-effecting call the proxy does not forward: a plausible success, so the agent
 * carries on as it would after the real thing. Without an output schema that is the text
 * `{"ok": true, "simulated": true, "tool": …, "id": "sim-…"}`; with one, structured content that
 * satisfies the schema (ids and amounts echoed from the arguments where the names match, other ids
 * filled with the simulation id) and its JSON as the text.
 */
export function simulatedResult(tool: Tool | undefined, name: string, args: Readonly<Record<string, unknown>> | undefined, simulationId: string, now: Date): CallToolResult {
  const outputSchema: unknown = tool?.outputSchema;
  if (asRecord(outputSchema)) {
    const structured = sampleFromSchema(outputSchema, { now: now.toISOString(), byKey: (key, schema) => fillForKey(key, schema, args, simulationId) });
    const record = asRecord(structured);
    if (record) return { content: [{ type: 'text', text: JSON.stringify(record) }], structuredContent: { ...record } };
  }
  return { content: [{ type: 'text', text: JSON.stringify({ ok: true, simulated: true, tool: name, id: simulationId }) }] };
}

/** A stable id for one simulated effect: the same run, tool and call always get the same id. */
export function simulationIdFor(runId: string, tool: string, callIndex: number): string {
  return `sim-${sha256(`${runId}\u0000${tool}\u0000${String(callIndex)}`).slice(0, 12)}`;
}

function fillForKey(key: string, schema: Readonly<Record<string, unknown>>, args: Readonly<Record<string, unknown>> | undefined, simulationId: string): unknown {
  const type = typedAs(schema);
  const fromArgs = args?.[key];
  if (fromArgs !== undefined && matchesType(fromArgs, type) && !Array.isArray(schema['enum']) && !('const' in schema)) return fromArgs;
  if (type === 'string' && schema['format'] === undefined && !Array.isArray(schema['enum']) && !('const' in schema) && (key === 'id' || key.endsWith('_id') || key.endsWith('Id'))) return simulationId;
  if (type === 'boolean' && ['ok', 'success', 'succeeded', 'simulated'].includes(key)) return true;
  if (type === 'string' && key === 'status' && !Array.isArray(schema['enum']) && !('const' in schema)) return 'ok';
  return undefined;
}

function matchesType(value: unknown, type: ReturnType<typeof typedAs>): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number';
    case 'integer':
      return Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return asRecord(value) !== undefined;
    case 'null':
      return value === null;
    case undefined:
      return false;
  }
}
