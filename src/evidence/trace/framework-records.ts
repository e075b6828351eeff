/**
 * Helpers shared by the readers of framework exports (OpenAI Agents SDK, LangSmith), whose records
 * are loosely typed JSON and whose tool executions must be matched to the calls the model asked for.
 */

import type { ClaimedStatus, Message, RiskClass, RunOutcome, StepError } from '../../model/index.js';
import type { TraceProblemCode } from '../types.js';
import { approvalDecision, claimedStatusOf, EXPECTED, isRiskClass, MIMIR, outcomeOf, type ApprovalFields } from './conventions/vocabulary.js';
import type { ProblemPlace } from './problems.js';
import type { AttributeMapping } from './types.js';

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
  const raw = metadata[MIMIR.trial];
  if (raw === undefined) return undefined;
  const trial = asNumber(raw);
  if (trial === undefined || !Number.isInteger(trial) || trial < 0) {
    report('wrong-attribute-type', `${MIMIR.trial} is ${JSON.stringify(raw)}, not a whole number`, place);
    return undefined;
  }
  return trial;
}

/** What the agent said about its run; an unrecognised value is reported and stays unknown. */
export function claimedFromMetadata(metadata: JsonRecord, alternatives: readonly string[], place: ProblemPlace, report: Report): ClaimedStatus {
  const raw = pickMetadata(metadata, MIMIR.claimedStatus, alternatives);
  if (raw === undefined) return 'unknown';
  const claimed = claimedStatusOf(raw);
  if (claimed !== undefined) return claimed;
  report('wrong-attribute-type', `${MIMIR.claimedStatus} is ${JSON.stringify(raw)}, not ${EXPECTED.claimedStatus}`, place);
  return 'unknown';
}

/**
 * An approval recorded in a record's metadata (`mimir.approval.*`, or the team's mapped names).
 * Undefined when there is none; a decision nobody can read is reported (`where` says which record).
 */
export function approvalFromMetadata(metadata: JsonRecord, mapping: AttributeMapping, where: string, place: ProblemPlace, report: Report): ApprovalFields | undefined {
  const raw = approvalDecisionText(metadata, mapping);
  if (raw === undefined) return undefined;
  const decision = approvalDecision(raw);
  if (decision === undefined) {
    report('wrong-attribute-type', `${where}: approval decision ${JSON.stringify(raw)} is not ${EXPECTED.approvalDecision}`, place);
    return undefined;
  }
  const toolCallId = pickMetadata(metadata, MIMIR.approvalToolCallId, mapping.approvalToolCallId ?? []);
  const actor = pickMetadata(metadata, MIMIR.approvalActor, mapping.approvalActor ?? []);
  return { decision, ...(toolCallId !== undefined && { toolCallId }), ...(actor !== undefined && { actor }) };
}

/** Whether a record carries an approval decision at all (read or not). */
export function approvalDecisionText(metadata: JsonRecord, mapping: AttributeMapping): string | undefined {
  return pickMetadata(metadata, MIMIR.approvalDecision, mapping.approvalDecision ?? []);
}

export function checkpointFromMetadata(metadata: JsonRecord, mapping: AttributeMapping): string | undefined {
  return pickMetadata(metadata, MIMIR.checkpointId, mapping.checkpointId ?? []);
}

/** `mimir.outcome` (+ `mimir.outcome.score`) from run metadata; undefined when the metadata says nothing. */
export function outcomeFromMetadata(metadata: JsonRecord, place: ProblemPlace, report: Report): RunOutcome | undefined {
  const raw = pickMetadata(metadata, MIMIR.outcome, []);
  if (raw === undefined) return undefined;
  const status = outcomeOf(raw);
  if (status === undefined) {
    report('wrong-attribute-type', `${MIMIR.outcome} is ${JSON.stringify(raw)}, not ${EXPECTED.outcome}`, place);
    return { status: 'unknown', source: 'none' };
  }
  const score = scoreFrom(metadata[MIMIR.outcomeScore], MIMIR.outcomeScore, place, report);
  return { status, ...(score !== undefined && { score }), source: 'trace metadata' };
}

/** A score from 0 to 1; anything else is reported and left out. */
export function scoreFrom(raw: unknown, what: string, place: ProblemPlace, report: Report): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  const score = asNumber(raw);
  if (score === undefined || score < 0 || score > 1) {
    report('wrong-attribute-type', `${what} is ${JSON.stringify(raw)}, not a number from 0 to 1`, place);
    return undefined;
  }
  return score;
}

/** A tool's risk from mimir.yaml's declaration first, else the trace's word (`raw`); a value that is no risk class is reported. */
export function riskFrom(raw: unknown, what: string, place: ProblemPlace, report: Report): RiskClass | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw === 'string' && isRiskClass(raw)) return raw;
  report('wrong-attribute-type', `${what} is ${JSON.stringify(raw)}, not ${EXPECTED.riskClass}`, place);
  return undefined;
}

/** Error text longer than this is cut in a step's error message. */
const MAX_ERROR_MESSAGE = 2000;

/**
 * The error name at the start of a framework's error text ("OrderServiceError: upstream timeout",
 * a Python repr, a traceback): the type of the step's error when there is one. Bounded: the name is
 * at the very start, and a backtracking match over a huge line would be quadratic.
 */
export function errorNameOf(text: string): string | undefined {
  const firstLine = (text.split('\n', 1)[0] ?? text).slice(0, 200);
  return /^([A-Za-z_$][\w$.]*(?:Error|Exception|Timeout|Interrupt))\b/.exec(firstLine)?.[1];
}

/** A step error from error text: its leading error name as the type (else `fallbackType`), the text as the message. */
export function stepErrorFromText(text: string, fallbackType: string): StepError {
  return { type: errorNameOf(text) ?? fallbackType, message: text.length > MAX_ERROR_MESSAGE ? `${text.slice(0, MAX_ERROR_MESSAGE)}…` : text };
}

/** Long values of framework records cut to maxAttributeBytes, and reported where they were cut. */
export class ValueClipper {
  constructor(
    private readonly maxBytes: number,
    private readonly report: Report,
  ) {}

  /** JSON text becomes its value; other text stays text. Oversized text is cut and reported, and not parsed. */
  parse(text: string, what: string, place: ProblemPlace): unknown {
    const clipped = this.clip(text, what, place);
    return clipped === text ? parseJsonOrText(text) : clipped;
  }

  clip(text: string, what: string, place: ProblemPlace): string {
    const limit = this.maxBytes;
    if (text.length <= limit / 4 || Buffer.byteLength(text) <= limit) return text;
    this.report('oversized-value', `${what} is ${Buffer.byteLength(text)} bytes; kept the first ${limit}`, place);
    return Buffer.from(text).subarray(0, limit).toString('utf8');
  }

  messages(messages: readonly Message[], what: string, place: ProblemPlace): Message[] {
    return messages.map((m) => ({ role: m.role, content: this.clip(m.content, `${what} ${m.role} message`, place) }));
  }
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
