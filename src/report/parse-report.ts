import type { z } from 'zod';
import type { Audit } from '../model/index.js';
import { UserError, type UserProblem } from '../shared/errors.js';
import { findJsonSyntaxError, jsonPath, jsonValueOffsets, lineAndColumn } from './json/scan.js';
import { auditReportSchema } from './report-schema.js';

/** A user fixing a broken report wants the first problems, not hundreds. */
const MAX_PROBLEMS = 20;

const HINT_NOT_A_REPORT = 'Pass a file written by `mimir audit --format json` (mimir-report.json), unedited.';

/**
 * Reads a JSON report written by `mimir audit` (for `mimir diff`). Every problem is a UserError
 * that points at the line and column to look at: `invalid-json` when the text is not JSON,
 * `invalid-report` when it is JSON but not an audit report this mimir can read.
 */
export function parseAuditReport(text: string, file: string): Audit {
  // Editors on Windows may save a byte-order mark; JSON.parse rejects it, a person would not see it.
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let data: unknown;
  try {
    data = JSON.parse(source);
  } catch (error) {
    const syntax = findJsonSyntaxError(source);
    const offset = syntax?.offset ?? positionFromMessage(error) ?? 0;
    const expected = syntax?.expected ?? 'valid JSON';
    const found = syntax === undefined ? '' : `, found ${syntax.found}`;
    throw new UserError('invalid-json', `${file} is not valid JSON: expected ${expected}${found}`, {
      location: { file, ...lineAndColumn(source, offset) },
      expected,
      hint: HINT_NOT_A_REPORT,
    });
  }

  const version = typeof data === 'object' && data !== null && 'schemaVersion' in data ? data.schemaVersion : undefined;
  if (typeof version === 'number' && version !== 1) {
    throw new UserError('invalid-report', `${file} is a report of schema version ${version}; this mimir reads version 1`, {
      location: { file, ...located(source, jsonValueOffsets(source), ['schemaVersion']) },
      expected: 'schemaVersion 1',
      hint: 'Compare reports written by the same mimir major version, or re-run the older audit with this mimir.',
    });
  }

  const result = auditReportSchema.safeParse(data);
  if (result.success) return result.data;
  const offsets = jsonValueOffsets(source);
  const problems = result.error.issues.slice(0, MAX_PROBLEMS).map((issue) => problemOf(issue, file, source, offsets));
  const more = result.error.issues.length - problems.length;
  throw new UserError(
    'invalid-report',
    `${file} is not a mimir audit report: ${result.error.issues.length} problem${result.error.issues.length === 1 ? '' : 's'}${more > 0 ? ` (first ${problems.length} shown)` : ''}`,
    { problems, hint: HINT_NOT_A_REPORT },
  );
}

function problemOf(issue: z.core.$ZodIssue, file: string, source: string, offsets: ReadonlyMap<string, number>): UserProblem {
  const path = jsonPath(issue.path);
  return { message: `${path}: ${issue.message}`, location: { file, ...located(source, offsets, issue.path) } };
}

/** The line and column of the value at `path`, or of its nearest ancestor that exists (a missing field). */
function located(source: string, offsets: ReadonlyMap<string, number>, path: readonly PropertyKey[]): { line?: number; column?: number } {
  for (let length = path.length; length >= 0; length--) {
    const offset = offsets.get(jsonPath(path.slice(0, length)));
    if (offset !== undefined) return lineAndColumn(source, offset);
  }
  return {};
}

/** Newer engines say "at position 42"; a fallback for the rare text the scanner accepts but JSON.parse does not. */
function positionFromMessage(error: unknown): number | undefined {
  const match = error instanceof Error ? /position (\d+)/.exec(error.message) : null;
  return match?.[1] === undefined ? undefined : Number(match[1]);
}
