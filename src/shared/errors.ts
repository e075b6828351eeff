/**
 * Three kinds of error, never mixed (see STYLE.md):
 * - audit results are data (a check that cannot answer is `insufficient-evidence`, never an exception);
 * - `UserError`: the user can fix it; printed without a stack trace, exit code 2;
 * - `InternalError` (or any other thrown value): a bug in mimir; printed with a bug-report hint.
 */

/** Where in a user's file a problem is. Lines and columns are 1-based, as editors show them. */
export interface SourceLocation {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
}

export type UserErrorCode =
  | 'usage'
  | 'file-not-found'
  | 'file-unreadable'
  | 'no-traces'
  | 'invalid-yaml'
  | 'invalid-json'
  | 'invalid-config'
  | 'invalid-answers'
  | 'invalid-report'
  | 'invalid-scenarios'
  | 'invalid-ledger'
  | 'probe-failed'
  | 'unknown-check'
  | 'not-interactive'
  | 'file-exists'
  | 'mcp-server-unreachable'
  | 'serve-unreachable'
  | 'serve-refused';

export interface UserProblem {
  readonly message: string;
  readonly location?: SourceLocation;
  /** What the input should have been, e.g. "a number between 0 and 1". */
  readonly expected?: string;
}

export class UserError extends Error {
  override readonly name = 'UserError';
  readonly code: UserErrorCode;
  /** One or more located problems; a config file can have several at once. */
  readonly problems: readonly UserProblem[];
  /** What the user should do about it. */
  readonly hint: string | undefined;

  constructor(
    code: UserErrorCode,
    message: string,
    options: { problems?: readonly UserProblem[]; hint?: string; location?: SourceLocation; expected?: string } = {},
  ) {
    super(message);
    this.code = code;
    this.hint = options.hint;
    this.problems =
      options.problems ??
      (options.location || options.expected
        ? [{ message, ...(options.location && { location: options.location }), ...(options.expected && { expected: options.expected }) }]
        : []);
  }
}

export class InternalError extends Error {
  override readonly name = 'InternalError';
}

export function formatLocation(location: SourceLocation): string {
  if (location.line === undefined) return location.file;
  return location.column === undefined
    ? `${location.file}:${location.line}`
    : `${location.file}:${location.line}:${location.column}`;
}
