import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DisplayOptions, RedactionSetting, ReportFamily } from '../report/types.js';
import { redactSecrets, type SecretPattern } from '../shared/redact.js';
import { UserError } from '../shared/errors.js';
import { terminalWidth, useColor, type CliIo } from './io.js';

/** What a command asked for: `--format` (deduplicated) and `--out`. */
export interface ReportRequest<F extends string> {
  readonly formats: readonly F[];
  readonly out: string | undefined;
  /** Absent: the built-in patterns only. */
  readonly redaction?: RedactionSetting;
}

/** What a command's `--no-redact` and mimir.yaml's `redaction.patterns` ask for. */
export function redactionSetting(redact: boolean | undefined, patterns: readonly SecretPattern[] = []): RedactionSetting {
  return { enabled: redact !== false, patterns };
}

/**
 * A line for stderr (a warning, a skipped probe's reason) that may quote trace or probe content:
 * redacted like the reports, unless `--no-redact`.
 */
export function logLine(text: string, redaction: RedactionSetting | undefined): string {
  return redaction?.enabled === false ? text : redactSecrets(text, redaction?.patterns);
}

/**
 * Without `--out` there is only stdout, which holds one report (for piping) beside the terminal
 * one: several are refused. Commands that run for long (probes) check before they start.
 */
export function checkReportRequest<F extends string>(request: ReportRequest<F>): void {
  const { formats, out } = request;
  if (out === undefined && formats.some((f) => f !== 'terminal') && formats.length > 1) {
    throw new UserError('usage', `--format ${formats.join(',')} writes several reports; say where with --out DIR`, {
      hint: 'Add `--out mimir-report` (or ask for one format to print it to stdout).',
    });
  }
}

/**
 * Where each report goes, for every command that writes reports: `terminal` always to stdout, in
 * colour where the terminal takes it; with `--out DIR` every other format is a file there (and the
 * terminal report too, without colour, where the family keeps a copy); without it, a single other
 * format goes to stdout. `options` adds what the family's reporters need beyond colour and width;
 * `onStdout` is true for the terminal report printed to stdout. Every report is redacted (by the
 * family's reporters) as `request.redaction` says.
 */
export async function writeReports<F extends string, Input, Options extends DisplayOptions>(
  family: ReportFamily<F, Input, Options>,
  input: Input,
  request: ReportRequest<F>,
  io: CliIo,
  options: (display: DisplayOptions, onStdout: boolean) => Options,
): Promise<void> {
  checkReportRequest(request);
  const { formats, out } = request;
  const redaction = request.redaction && { redaction: request.redaction };
  const plain: DisplayOptions = { color: false, width: 80, ...redaction };
  const fileFormats = formats.filter((f) => f !== 'terminal');
  const terminal = formats.find((f) => f === 'terminal');
  if (terminal !== undefined) {
    io.stdout.write(family.reporters[terminal].render(input, options({ color: useColor(io), width: terminalWidth(io), ...redaction }, true)));
  }
  if (out === undefined) {
    for (const format of fileFormats) io.stdout.write(family.reporters[format].render(input, options(plain, false)));
    return;
  }
  const toFiles = family.terminalCopy ? formats : fileFormats;
  if (toFiles.length === 0) return;
  try {
    await mkdir(out, { recursive: true });
  } catch (error) {
    throw new UserError('file-unreadable', `cannot create the output directory ${out}: ${(error as Error).message}`, {
      hint: 'Choose a writable --out directory.',
    });
  }
  for (const format of toFiles) {
    const reporter = family.reporters[format];
    const path = join(out, reporter.fileName);
    await writeFile(path, reporter.render(input, options(plain, false)));
    io.stderr.write(`wrote ${path}\n`);
  }
}
