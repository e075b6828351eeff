import { loadConfig } from '../../audit/load-config.js';
import { runProbes } from '../../probe/run-probes.js';
import { PROBE_REPORTS } from '../../report/probes/index.js';
import { UserError } from '../../shared/errors.js';
import { EXIT_GATE_FAILED, EXIT_OK } from '../handle-error.js';
import type { CliIo } from '../io.js';
import type { ProbeCommandFormat } from '../options.js';
import { probeProgressBar } from '../progress.js';
import { checkReportRequest, writeReports } from '../write-reports.js';

export interface ProbeCommandOptions {
  readonly config: string;
  readonly format: readonly ProbeCommandFormat[];
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
  // Refused before the probes run, not after minutes of them.
  const request = { formats: options.format, out: options.out };
  checkReportRequest(request);
  const progress = probeProgressBar(io);
  const output = await runProbes({
    probes: loaded.probes,
    system: loaded.system,
    configHash: loaded.hash,
    onProgress: progress.update,
    onNotice: (message) => {
      io.stderr.write(`probe: ${message}\n`);
    },
  });
  progress.done();
  const { evidence } = output.results;
  await writeReports(PROBE_REPORTS, evidence, request, io, (display) => ({ ...display, systemName: loaded.system.name }));
  for (const skipped of output.results.skipped) io.stderr.write(`probe: ${skipped.family} not run: ${skipped.reason}\n`);
  io.stderr.write(`probe results: ${output.resultsPath}\nledger: ${output.ledgerPath} (check it with \`mimir ledger verify\`)\n`);
  return evidence.scenarios.some((s) => s.failed > 0) ? EXIT_GATE_FAILED : EXIT_OK;
}
