import { formatLocation, UserError } from '../shared/errors.js';
import { redactSecrets } from '../shared/redact.js';
import type { CliIo } from './io.js';

export const EXIT_OK = 0;
export const EXIT_GATE_FAILED = 1;
export const EXIT_USER_ERROR = 2;
/** As in ESLint, a bug also exits 2: the run produced no verdict to gate on. */
export const EXIT_INTERNAL_ERROR = 2;

/**
 * The one top-level handler: user errors print what, where, what was expected and what to do,
 * without a stack trace (exit 2); anything else is a bug in mimir and says how to report it.
 */
export function handleError(error: unknown, io: CliIo): number {
  if (error instanceof UserError) {
    const lines = [`mimir: ${error.message}`];
    for (const problem of error.problems) {
      const where = problem.location ? `${formatLocation(problem.location)}: ` : '';
      const expected = problem.expected ? ` (expected ${problem.expected})` : '';
      if (problem.message === error.message) {
        // The headline already says what: this line adds only a place it does not name, and what was expected.
        const place = problem.location ? formatLocation(problem.location) : undefined;
        const added = [place !== undefined && !error.message.includes(place) && `at ${place}`, expected.trimStart()].filter((part) => part !== false && part !== '');
        if (added.length > 0) lines.push(`  ${added.join(' ')}`);
        continue;
      }
      lines.push(`  ${where}${problem.message}${expected}`);
    }
    if (error.hint) lines.push(`  → ${error.hint}`);
    // A problem may quote the file it is about (a trace line, a tool result): the built-in shapes are redacted as in reports.
    io.stderr.write(redactSecrets(lines.join('\n')) + '\n');
    return EXIT_USER_ERROR;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr.write(
    `mimir: internal error — this is a bug in mimir, not in your input.\n${redactSecrets(detail)}\n` +
      'Please report it with the command you ran and the files it read.\n',
  );
  return EXIT_INTERNAL_ERROR;
}
