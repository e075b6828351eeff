import { readLabelRecord, type LabelRecordProblem } from '../../evidence/trace/labels.js';
import type { StoredLabel } from '../store/types.js';

/**
 * The body of POST /api/labels: one label or a list, each what a line of a labels file holds —
 * `{"run": <run id, trace id or gen_ai.conversation.id>, "outcome": "success" | "failure",
 * "score": 0..1}`, with the run's other names optional (`traceId`, `conversationId`, snake_case
 * accepted) — and judged by the same rules (src/evidence/trace/labels.ts). One difference, because
 * the API is a stream rather than a file: a later label for the same run replaces the earlier one
 * (a correction), where a file keeps its first line and reports the second.
 */
export type ParsedLabels = { readonly labels: readonly StoredLabel[] } | { readonly error: string; readonly expected: string };

/** Labels taken in one request at most. */
const MAX_LABELS = 1000;
const LABEL_SHAPE = '{"run": "<run id, trace id or conversation id>", "outcome": "success" | "failure", "score": 0..1 (optional)}';

export function parseLabels(body: unknown, receivedAtMs: number): ParsedLabels {
  const list = Array.isArray(body) ? (body as unknown[]) : [body];
  if (list.length === 0) return { error: 'the list holds no label', expected: `one label or a list of them: ${LABEL_SHAPE}` };
  if (list.length > MAX_LABELS) return { error: `${list.length} labels in one request`, expected: `at most ${MAX_LABELS}` };
  const labels: StoredLabel[] = [];
  for (const [index, item] of list.entries()) {
    const at = Array.isArray(body) ? `label [${index}]` : 'the label';
    const read = readLabelRecord(item);
    if (!read.ok) return apiProblem(at, read);
    const { run, outcome, score, aliases } = read.label;
    labels.push({ key: run, aliases, outcome, ...(score !== undefined && { score }), receivedAtMs });
  }
  return { labels };
}

function apiProblem(at: string, problem: LabelRecordProblem): ParsedLabels {
  switch (problem.field) {
    case 'label':
      return { error: `${at} is not an object`, expected: LABEL_SHAPE };
    case 'run':
      return { error: `${at} names no run`, expected: '"run": a run id, trace id or conversation id' };
    case 'outcome':
      return { error: `${at}: outcome is ${problem.found === undefined ? 'missing' : JSON.stringify(problem.found)}`, expected: '"outcome": "success" or "failure"' };
    case 'score':
      return { error: `${at}: score is ${JSON.stringify(problem.found)}`, expected: '"score": a number between 0 and 1' };
  }
}
