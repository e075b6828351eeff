import type { CallToolResult, Tool } from '@modelcontextprotocol/server';
import { sha256 } from '../../shared/hash.js';
import { asRecord, sampleFromSchema, typedAs } from '../faults/json-schema-sample.js';

/**
 * Where a simulated answer took its shape from, best first: the tool's output schema; the example
 * result the user gave in mimir.yaml (`tools[].exampleResult`); the last real result of the tool
 * recorded from a sandbox server; else mimir's generic `{"ok": true, "simulated": true, …}`, which an
 * agent that validates results may rightly reject. The ledger names it (`detail.simulatedFrom`).
 */
export const SIMULATION_SOURCES = ['output-schema', 'example', 'recorded', 'generic'] as const;
export type SimulationSource = (typeof SIMULATION_SOURCES)[number];

/** What the proxy knows of a tool's real answers besides its output schema. */
export interface SimulationShapes {
  /** The user's example result (any JSON, or a string). */
  readonly example?: unknown;
  /** A real, successful result of the tool, recorded from a sandbox server. */
  readonly recorded?: CallToolResult;
}

export interface SimulatedAnswer {
  readonly result: CallToolResult;
  readonly source: SimulationSource;
}

/**
 * The answer to a side-effecting call the proxy does not forward: a plausible success, so the agent
 * carries on as it would after the real thing. Shaped, in order, by the output schema (structured
 * content that satisfies it), the user's example, or a recorded real result — ids and argument
 * values echoed from the call, other id-like fields filled with the simulation id, flags such as
 * `replayed` set false (this is the first effect) — else the generic text
 * `{"ok": true, "simulated": true, "tool": …, "id": "sim-…"}`.
 */
export function simulatedResult(
  tool: Tool | undefined,
  name: string,
  args: Readonly<Record<string, unknown>> | undefined,
  simulationId: string,
  now: Date,
  shapes: SimulationShapes = {},
): SimulatedAnswer {
  const outputSchema: unknown = tool?.outputSchema;
  if (asRecord(outputSchema)) {
    const structured = sampleFromSchema(outputSchema, { now: now.toISOString(), byKey: (key, schema) => fillForKey(key, schema, args, simulationId) });
    const record = asRecord(structured);
    if (record) return { source: 'output-schema', result: { content: [{ type: 'text', text: JSON.stringify(record) }], structuredContent: { ...record } } };
  }
  if (shapes.example !== undefined) {
    const example = shapes.example;
    const text = typeof example === 'string' ? example : JSON.stringify(shapeLike(example, args, simulationId));
    return { source: 'example', result: { content: [{ type: 'text', text }] } };
  }
  if (shapes.recorded !== undefined) return { source: 'recorded', result: shapeRecorded(shapes.recorded, args, simulationId) };
  return { source: 'generic', result: { content: [{ type: 'text', text: JSON.stringify({ ok: true, simulated: true, tool: name, id: simulationId }) }] } };
}

/** Which source a simulated call of this tool would be shaped by, for the warning before a probe run. */
export function simulationSourceFor(tool: Tool | undefined, shapes: { readonly example: boolean; readonly recorded: boolean }): SimulationSource {
  if (asRecord(tool?.outputSchema)) return 'output-schema';
  if (shapes.example) return 'example';
  if (shapes.recorded) return 'recorded';
  return 'generic';
}

/**
 * The last real, successful result of each tool forwarded to a sandbox server, shared by every
 * proxy of a probe session (each trial has its own proxy) so that later simulated calls of the
 * tool answer in its real shape.
 */
export class RecordedResults {
  private readonly byTool = new Map<string, CallToolResult>();

  constructor(initial: Readonly<Record<string, CallToolResult>> = {}) {
    for (const [tool, result] of Object.entries(initial)) this.byTool.set(tool, result);
  }

  remember(tool: string, result: CallToolResult): void {
    if (result.isError === true) return;
    this.byTool.set(tool, result);
  }

  get(tool: string): CallToolResult | undefined {
    return this.byTool.get(tool);
  }

  has(tool: string): boolean {
    return this.byTool.has(tool);
  }

  toJSON(): Record<string, CallToolResult> {
    return Object.fromEntries(this.byTool);
  }
}

/** A stable id for one simulated effect: the same run, tool and call always get the same id. */
export function simulationIdFor(runId: string, tool: string, callIndex: number): string {
  return `sim-${sha256(`${runId}\u0000${tool}\u0000${String(callIndex)}`).slice(0, 12)}`;
}

/** Flags a real server sets on the answer to a repeated call; a simulated first effect is no repeat. */
const REPEAT_FLAGS = new Set(['replayed', 'replay', 'duplicate', 'deduplicated', 'idempotent_replay', 'idempotentReplay']);

function isIdKey(key: string): boolean {
  return key === 'id' || key.endsWith('_id') || key.endsWith('Id');
}

function shapeRecorded(recorded: CallToolResult, args: Readonly<Record<string, unknown>> | undefined, simulationId: string): CallToolResult {
  const content = recorded.content.map((block) => {
    if (block.type !== 'text') return block;
    try {
      return { ...block, text: JSON.stringify(shapeLike(JSON.parse(block.text) as unknown, args, simulationId)) };
    } catch {
      return block;
    }
  });
  const structured = asRecord(recorded.structuredContent);
  const shaped = structured ? asRecord(shapeLike(structured, args, simulationId)) : undefined;
  return { content, ...(shaped && { structuredContent: { ...shaped } }) };
}

/** A copy of `value` with the call's argument values echoed where the names match, other ids replaced by the simulation id, repeat flags false. */
function shapeLike(value: unknown, args: Readonly<Record<string, unknown>> | undefined, simulationId: string): unknown {
  if (Array.isArray(value)) return value.map((item) => shapeLike(item, args, simulationId));
  const record = asRecord(value);
  if (!record) return value;
  return Object.fromEntries(
    Object.entries(record).map(([key, field]) => {
      const fromArgs = args?.[key];
      if (fromArgs !== undefined && isPrimitive(field) && typeof fromArgs === typeof field) return [key, fromArgs];
      if (typeof field === 'boolean' && REPEAT_FLAGS.has(key)) return [key, false];
      if (typeof field === 'string' && isIdKey(key)) return [key, simulationId];
      return [key, shapeLike(field, args, simulationId)];
    }),
  );
}

function isPrimitive(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function fillForKey(key: string, schema: Readonly<Record<string, unknown>>, args: Readonly<Record<string, unknown>> | undefined, simulationId: string): unknown {
  const type = typedAs(schema);
  const fromArgs = args?.[key];
  if (fromArgs !== undefined && matchesType(fromArgs, type) && !Array.isArray(schema['enum']) && !('const' in schema)) return fromArgs;
  if (type === 'string' && schema['format'] === undefined && !Array.isArray(schema['enum']) && !('const' in schema) && isIdKey(key)) return simulationId;
  if (type === 'boolean' && REPEAT_FLAGS.has(key) && !('const' in schema)) return false;
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
