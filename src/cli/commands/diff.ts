import { diffAudits, parseAuditReport, renderDiff } from '../../report/index.js';
import { readUserFile } from '../../shared/read-user-file.js';
import { EXIT_GATE_FAILED, EXIT_OK } from '../handle-error.js';
import { terminalWidth, useColor, type CliIo } from '../io.js';

export interface DiffCommandOptions {
  readonly format: 'terminal' | 'md' | 'json';
  /** Exit 1 when any check got worse or the overall score dropped: a regression gate for CI. */
  readonly failOnRegression: boolean;
}

export async function diffCommand(beforePath: string, afterPath: string, options: DiffCommandOptions, io: CliIo): Promise<number> {
  const before = parseAuditReport(await readUserFile(beforePath, 'report'), beforePath);
  const after = parseAuditReport(await readUserFile(afterPath, 'report'), afterPath);
  const diff = diffAudits(before, after);
  io.stdout.write(renderDiff(diff, options.format, { color: options.format === 'terminal' && useColor(io), width: terminalWidth(io) }));
  if (options.failOnRegression && (diff.overall.delta < 0 || diff.worse.length > 0)) {
    io.stderr.write('mimir: regression: the audit got worse\n');
    return EXIT_GATE_FAILED;
  }
  return EXIT_OK;
}
