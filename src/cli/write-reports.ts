import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Audit } from '../model/index.js';
import type { ProbeEvidence, TraceEvidence } from '../evidence/types.js';
import { REPORTERS } from '../report/index.js';
import type { ReportFormat } from '../report/types.js';
import { UserError } from '../shared/errors.js';
import { terminalWidth, useColor, type CliIo } from './io.js';

/**
 * Where each report goes: `terminal` always to stdout; with `--out DIR` every other format is a file
 * there; without it, a single other format goes to stdout (for piping), and several are refused.
 */
export async function emitReports(
  audit: Audit,
  formats: readonly ReportFormat[],
  outDir: string | undefined,
  io: CliIo,
  measured: { readonly traces?: TraceEvidence; readonly probes?: ProbeEvidence } = {},
  /** The terminal report on stdout in its brief form (files always get the full reports). */
  brief = false,
): Promise<void> {
  // Reports show the measured trace figures and probe results behind the audit, when there are any.
  const withTraces = measured;
  const fileFormats = formats.filter((f) => f !== 'terminal');
  if (outDir === undefined && fileFormats.length > 0 && formats.length > 1) {
    throw new UserError('usage', `--format ${formats.join(',')} writes several reports; say where with --out DIR`, {
      hint: 'Add `--out mimir-report` (or ask for one format to print it to stdout).',
    });
  }
  if (formats.includes('terminal')) {
    io.stdout.write(REPORTERS.terminal.render(audit, { color: useColor(io), width: terminalWidth(io), ...withTraces, brief }));
  }
  if (outDir === undefined) {
    for (const format of fileFormats) io.stdout.write(REPORTERS[format].render(audit, { color: false, width: 80, ...withTraces }));
    return;
  }
  try {
    await mkdir(outDir, { recursive: true });
  } catch (error) {
    throw new UserError('file-unreadable', `cannot create the output directory ${outDir}: ${(error as Error).message}`, {
      hint: 'Choose a writable --out directory.',
    });
  }
  // A file copy of the terminal report is handy in CI artifacts; it is written without colour.
  for (const format of formats) {
    const reporter = REPORTERS[format];
    const path = join(outDir, reporter.fileName);
    await writeFile(path, reporter.render(audit, { color: false, width: 80, ...withTraces }));
    io.stderr.write(`wrote ${path}\n`);
  }
}
