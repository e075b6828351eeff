import type { RunRef } from '../../analysis/types.js';
import type { TraceEvidence } from '../../evidence/types.js';
import { type Reference, TRACE_PROBLEM_CODES, type TraceProblem, type TraceProblemCode } from '../../model/index.js';
import { formatReferencePlace, partialEvidenceText, plural } from '../present/index.js';

/** Runs and problems, named the same way in the terminal and HTML trace reports. */

/** Where a referenced run (or span) sits: the audit reports' reference, so places read the same everywhere. */
export function runReference(ref: RunRef): Reference {
  return {
    kind: 'run',
    id: ref.runId,
    ...(ref.file !== undefined && { file: ref.file }),
    ...(ref.line !== undefined && { line: ref.line }),
  };
}

export function runRefPlace(ref: RunRef): string | undefined {
  return formatReferencePlace(runReference(ref));
}

/** "run-0042 span 7f3a at traces/a.jsonl:17 (claimed success; graded failure)" */
export function formatRunRef(ref: RunRef): string {
  const place = runRefPlace(ref);
  return [
    ref.runId,
    ref.spanId === undefined ? '' : ` span ${ref.spanId}`,
    place === undefined ? '' : ` at ${place}`,
    ref.note === undefined ? '' : ` (${ref.note})`,
  ].join('');
}

/** "traces/a.jsonl:17", "traces/b.pb at byte 2048", or the file alone. */
export function problemPlace(problem: TraceProblem): string {
  if (problem.line !== undefined) return `${problem.file}:${problem.line}`;
  if (problem.byteOffset !== undefined) return `${problem.file} at byte ${problem.byteOffset}`;
  return problem.file;
}

/** The problem's own message, with the run and span it belongs to when the reader knew them. */
export function problemText(problem: TraceProblem): string {
  const within = [problem.runId === undefined ? '' : `run ${problem.runId}`, problem.spanId === undefined ? '' : `span ${problem.spanId}`].filter((s) => s !== '');
  return `${problem.code}: ${problem.message}${within.length === 0 ? '' : ` (${within.join(', ')})`}`;
}

/** Problem counts, most frequent first, ties in the catalogue order of codes. */
export function problemCounts(evidence: TraceEvidence): readonly { readonly code: TraceProblemCode; readonly count: number }[] {
  return TRACE_PROBLEM_CODES.map((code) => ({ code, count: evidence.problems.byCode[code] ?? 0 }))
    .filter((p) => p.count > 0)
    .sort((a, b) => b.count - a.count);
}

/**
 * Said loudly when the input was damaged. Unlike the audit's notice it does not send the reader to
 * `mimir traces`: this is that report, and the located problems follow it.
 */
export function partialNotice(evidence: TraceEvidence): string | undefined {
  return partialEvidenceText(evidence, 'Damaged runs never count as successes; every figure below rests only on what could be read.');
}

/** "200 runs · 1834 spans · 2 files" */
export function evidenceHeadline(evidence: TraceEvidence): string {
  return [plural(evidence.runCount, 'run'), plural(evidence.spanCount, 'span'), plural(evidence.files.length, 'file')].join(' · ');
}
