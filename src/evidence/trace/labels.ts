import { isUtf8 } from 'node:buffer';
import { UserError } from '../../shared/errors.js';
import { LineSplitter, type Line } from './input/line-splitter.js';
import { openTraceInput, type TraceInput } from './input/open-input.js';
import { FileProblems } from './problems.js';
import type { ProblemSink } from './types.js';

/**
 * The labels file: verification supplied after the fact, one JSON line per run,
 * `{"run": "<run id, trace id or gen_ai.conversation.id>", "outcome": "success" | "failure", "score": 0..1}`.
 * A line may also name the run's other ids (`traceId`, `conversationId`, snake_case accepted): the
 * label is then found by any of them, the extra names marked as aliases so a label matched through
 * one of them is not reported as unmatched. gzip accepted, like every trace input.
 */

export interface RunLabel {
  readonly outcome: 'success' | 'failure';
  readonly score?: number;
  /** Line of the labels file, for reports. */
  readonly line?: number;
  /** Set on an entry stored under an extra name: the `run` key it belongs to. */
  readonly aliasOf?: string;
}

/** Longest label line read; a label is a few dozen bytes. */
const MAX_LABEL_LINE_BYTES = 1024 * 1024;
const ALIAS_FIELDS = ['traceId', 'trace_id', 'conversationId', 'conversation_id'] as const;

/**
 * Reads a labels file into run key → label. A missing or unreadable file is a user error (it was
 * named in mimir.yaml); a bad line is an `invalid-label` problem, located, and skipped.
 */
export async function readLabelsFile(path: string, sink: ProblemSink): Promise<Map<string, RunLabel>> {
  const problems = new FileProblems(path, sink);
  let input: TraceInput;
  try {
    input = await openTraceInput(path);
  } catch (error) {
    const notFound = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new UserError(notFound ? 'file-not-found' : 'file-unreadable', `${notFound ? 'labels file not found' : 'cannot read the labels file'}: ${path}`, {
      location: { file: path },
      hint: 'Check evidence.traces.labels in mimir.yaml (paths are relative to it).',
    });
  }
  const labels = new Map<string, RunLabel>();
  const invalid = (line: number, byteOffset: number, message: string): void => {
    problems.report('invalid-label', message, { line, byteOffset });
    problems.skipped();
  };
  const splitter = new LineSplitter(
    {
      line: (line) => { readLabelLine(line, labels, problems, invalid); },
      oversized: (line) => { invalid(line.number, line.offset, `line ${line.number} is ${line.bytes} bytes: not a label`); },
    },
    MAX_LABEL_LINE_BYTES,
  );
  try {
    for await (const chunk of input.chunks) splitter.push(chunk);
  } catch (error) {
    problems.report('truncated', `the labels file could not be read to its end (${error instanceof Error ? error.message : String(error)})`, {
      line: splitter.currentLine,
      byteOffset: splitter.bytesSeen,
    });
  }
  splitter.end();
  return labels;
}

function readLabelLine(
  line: Line,
  labels: Map<string, RunLabel>,
  problems: FileProblems,
  invalid: (line: number, byteOffset: number, message: string) => void,
): void {
  const at = line.number;
  let bytes = line.bytes;
  if (at === 1 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  const text = bytes.toString('utf8');
  if (text.trim() === '') return;
  if (!isUtf8(bytes)) problems.report('invalid-utf8', `line ${at} has bytes that are not UTF-8: replaced with U+FFFD`, { line: at, byteOffset: line.offset });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    invalid(at, line.offset, `line ${at} is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
    return;
  }
  const read = readLabelRecord(value);
  if (!read.ok) {
    invalid(at, line.offset, lineProblem(at, read));
    return;
  }
  const { run, outcome, score, aliases } = read.label;
  const existing = labels.get(run);
  if (existing) {
    invalid(at, line.offset, `line ${at} labels run ${run} again (first labelled at line ${existing.line ?? '?'}): the first label is kept`);
    return;
  }
  const label: RunLabel = { outcome, ...(score !== undefined && { score }), line: at };
  labels.set(run, label);
  for (const alias of aliases) {
    if (!labels.has(alias)) labels.set(alias, { ...label, aliasOf: run });
  }
}

function lineProblem(at: number, problem: LabelRecordProblem): string {
  switch (problem.field) {
    case 'label':
      return `line ${at} is not a label object ({"run": …, "outcome": "success" | "failure"})`;
    case 'run':
      return `line ${at} names no run ("run" must be a run id, trace id or conversation id)`;
    case 'outcome':
      return `line ${at}: outcome must be "success" or "failure", found ${problem.found === undefined ? 'nothing' : JSON.stringify(problem.found)}`;
    case 'score':
      return `line ${at}: score must be a number between 0 and 1, found ${JSON.stringify(problem.found)}`;
  }
}

/** One label as a labels-file line or the labels API holds it, judged by one set of rules. */
export interface LabelRecord {
  readonly run: string;
  readonly outcome: 'success' | 'failure';
  readonly score?: number;
  /** The run's other names (`traceId`, `conversationId`, snake_case too), without `run` itself or repeats. */
  readonly aliases: readonly string[];
}

/** What made a value not a label: the field at fault and what it held; each caller words it for its place. */
export interface LabelRecordProblem {
  readonly ok: false;
  readonly field: 'label' | 'run' | 'outcome' | 'score';
  readonly found?: unknown;
}

export function readLabelRecord(value: unknown): { readonly ok: true; readonly label: LabelRecord } | LabelRecordProblem {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, field: 'label' };
  const record = value as Record<string, unknown>;
  const run = idOf(record.run);
  if (run === undefined) return { ok: false, field: 'run', found: record.run };
  const outcome = typeof record.outcome === 'string' ? record.outcome.toLowerCase() : undefined;
  if (outcome !== 'success' && outcome !== 'failure') return { ok: false, field: 'outcome', found: record.outcome };
  const score = record.score;
  if (score !== undefined && (typeof score !== 'number' || !Number.isFinite(score) || score < 0 || score > 1)) return { ok: false, field: 'score', found: score };
  const aliases = ALIAS_FIELDS.map((field) => idOf(record[field])).filter((alias): alias is string => alias !== undefined && alias !== run);
  return { ok: true, label: { run, outcome, ...(score !== undefined && { score }), aliases: [...new Set(aliases)] } };
}

function idOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}
