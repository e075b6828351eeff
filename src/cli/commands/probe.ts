import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../../audit/load-config.js';
import { runProbes } from '../../probe/run-probes.js';
import { probesToJson, renderProbesHtmlPage, renderProbesTerminal } from '../../report/probes/index.js';
import { UserError } from '../../shared/errors.js';
import { EXIT_GATE_FAILED, EXIT_OK } from '../handle-error.js';
import { terminalWidth, useColor, type CliIo } from '../io.js';
import { probeProgressBar } from '../progress.js';

export const PROBE_REPORT_FORMATS = ['terminal', 'json', 'html'] as const;
export type ProbeReportFormat = (typeof PROBE_REPORT_FORMATS)[number];

export interface ProbeCommandOptions {
  readonly config: string;
  readonly format: readonly ProbeReportFormat[];
  readonly out?: string;
}

/**
 * `mimir probe`: runs the probe battery against the agent and prints what happened. Like a test
 * runner it exits 1 when any scenario had a failing trial; the readiness verdict is `mimir audit`'s.
 */
export async function probeCommand(options: ProbeCommandOptions, io: CliIo): Promise<number> {
  const loaded = await loadConfig(options.config);
  if (!loaded.probes) {
    throw new UserError('usage', `${loaded.path} has no probes section`, {
      hint: 'Describe how to start the agent and its MCP servers under `probes:` (see the README section "Probes").',
    });
  }
  if (options.out === undefined && options.format.length > 1) {
    throw new UserError('usage', 'several formats need --out DIR', { hint: 'Add `--out mimir-report`, or ask for one format.' });
  }
  const progress = probeProgressBar(io);
  const output = await runProbes({ probes: loaded.probes, system: loaded.system, configHash: loaded.hash, onProgress: progress.update });
  progress.done();
  const { evidence } = output.results;
  for (const format of options.format) {
    const text =
      format === 'terminal'
        ? renderProbesTerminal(evidence, { color: useColor(io), width: terminalWidth(io) })
        : format === 'json'
          ? `${JSON.stringify(probesToJson(evidence), null, 2)}\n`
          : renderProbesHtmlPage(evidence, loaded.system.name);
    if (format === 'terminal' || options.out === undefined) {
      io.stdout.write(text);
      continue;
    }
    await mkdir(options.out, { recursive: true });
    const path = join(options.out, `mimir-probes.${format}`);
    await writeFile(path, text);
    io.stderr.write(`wrote ${path}\n`);
  }
  for (const skipped of output.results.skipped) io.stderr.write(`probe: ${skipped.family} not run: ${skipped.reason}\n`);
  io.stderr.write(`probe results: ${output.resultsPath}\nledger: ${output.ledgerPath} (check it with \`mimir ledger verify\`)\n`);
  return evidence.scenarios.some((s) => s.failed > 0) ? EXIT_GATE_FAILED : EXIT_OK;
}
