/**
 * Helpers shared by the readers of framework exports (OpenAI Agents SDK, LangSmith), whose records
 * are loosely typed JSON and whose tool executions must be matched to the calls the model asked for.
 */

import type { ClaimedStatus } from '../../model/index.js';
import type { TraceProblemCode } from '../types.js';
import type { ProblemPlace } from './problems.js';

export type JsonRecord = Readonly<Record<string, unknown>>;

/** How a framework reader reports a problem in the file it is reading. */
/** Every problem is located: a line or a byte offset at least (see SourcePosition). */
export type Report = (code: TraceProblemCode, message: string, place: ProblemPlace) => void;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Numbers, and numbers written as strings (exports do both). */
export function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

/** A tool call the model asked for, waiting for the tool record that executed it. */
export interface ToolCallRequest {
  readonly id: string;
  readonly name: string;
  /** The arguments as JSON text, for matching a tool record to the call. */
  readonly arguments: string | undefined;
}

/**
 * Takes the pending call a tool record answers: by call id when the record has one, else by tool
 * name and equal arguments, else (no id at all) the first pending call of that tool.
 */
export function takeCall(pending: ToolCallRequest[], toolName: string, args: string | undefined, id: string | undefined): ToolCallRequest | undefined {
  let index = id !== undefined ? pending.findIndex((c) => c.id === id) : -1;
  if (index === -1 && args !== undefined) index = pending.findIndex((c) => c.name === toolName && sameJson(c.arguments, args));
  if (index === -1 && id === undefined) index = pending.findIndex((c) => c.name === toolName);
  if (index === -1) return undefined;
  return pending.splice(index, 1)[0];
}

/** Equal JSON texts, ignoring formatting. */
function sameJson(a: string | undefined, b: string): boolean {
  if (a === b) return true;
  if (a === undefined) return false;
  try {
    return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return false;
  }
}

/** The first of `key` and its alternatives (a team's own names) that holds a non-empty string or a number. */
export function pickMetadata(record: JsonRecord, key: string, alternatives: readonly string[]): string | undefined {
  for (const candidate of [key, ...alternatives]) {
    const value = record[candidate];
    if (typeof value === 'string' && value !== '') return value;
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  }
  return undefined;
}

/** `mimir.trial` from run metadata; anything but a whole number is reported and left unknown. */
export function trialFromMetadata(metadata: JsonRecord, place: ProblemPlace, report: Report): number | undefined {
  const raw = metadata['mimir.trial'];
  if (raw === undefined) return undefined;
  const trial = asNumber(raw);
  if (trial === undefined || !Number.isInteger(trial) || trial < 0) {
    report('wrong-attribute-type', `mimir.trial is ${JSON.stringify(raw)}, not a whole number`, place);
    return undefined;
  }
  return trial;
}

const CLAIMS: ReadonlySet<string> = new Set<ClaimedStatus>(['success', 'failure', 'escalated', 'unknown']);

/** What the agent said about its run; an unrecognised value is reported and stays unknown. */
export function claimedFromMetadata(metadata: JsonRecord, alternatives: readonly string[], place: ProblemPlace, report: Report): ClaimedStatus {
  const raw = pickMetadata(metadata, 'mimir.run.claimed_status', alternatives);
  if (raw === undefined) return 'unknown';
  if (CLAIMS.has(raw)) return raw as ClaimedStatus;
  report('wrong-attribute-type', `mimir.run.claimed_status is ${JSON.stringify(raw)}, not success, failure, escalated or unknown`, place);
  return 'unknown';
}

/** JSON text (an object, array or string) becomes its value; any other text, or broken JSON, stays text. */
export function parseJsonOrText(text: string): unknown {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[') && !trimmed.startsWith('"')) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
