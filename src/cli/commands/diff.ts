import { loadConfig } from '../../audit/load-config.js';
import { diffAudits, parseAuditReport, renderDiff } from '../../report/index.js';
import { fileExists, readUserFile } from '../../shared/read-user-file.js';
import { EXIT_GATE_FAILED, EXIT_OK } from '../handle-error.js';
import { terminalWidth, useColor, type CliIo } from '../io.js';
import { redactionSetting } from '../write-reports.js';

export interface DiffCommandOptions {
  readonly format: 'terminal' | 'md' | 'json';
  /** Exit 1 when any check got worse or the overall score dropped: a regression gate for CI. */
  readonly failOnRegression: boolean;
  /** mimir.yaml, for its redaction.patterns (read when present). */
  readonly config?: string;
  /** True when --config was given explicitly: then it must exist. */
  readonly configExplicit?: boolean;
  /** False for `--no-redact`: the diff keeps secrets and says so. */
  readonly redact?: boolean;
}

export async function diffCommand(beforePath: string, afterPath: string, options: DiffCommandOptions, io: CliIo): Promise<number> {
  const before = parseAuditReport(await readUserFile(beforePath, 'report'), beforePath);
  const after = parseAuditReport(await readUserFile(afterPath, 'report'), afterPath);
  // The reports may quote secrets (written with --no-redact, or edited): the diff is redacted like every report.
  const configPath = options.config;
  const config = configPath !== undefined && (options.configExplicit === true || (await fileExists(configPath))) ? await loadConfig(configPath) : undefined;
  const redaction = redactionSetting(options.redact, config?.redaction);
  const diff = diffAudits(before, after);
  io.stdout.write(renderDiff(diff, options.format, { color: options.format === 'terminal' && useColor(io), width: terminalWidth(io), redaction }));
  if (options.failOnRegression && (diff.overall.delta < 0 || diff.worse.length > 0)) {
    io.stderr.write('mimir: regression: the audit got worse\n');
    return EXIT_GATE_FAILED;
  }
  return EXIT_OK;
}
