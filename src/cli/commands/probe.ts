import { loadConfig } from '../../audit/load-config.js';
import { runProbes } from '../../probe/run-probes.js';
import { probeConfigDigest } from '../../evidence/probe/results-file.js';
import { PROBE_REPORTS } from '../../report/probes/index.js';
import { UserError } from '../../shared/errors.js';
import { EXIT_GATE_FAILED, EXIT_OK } from '../handle-error.js';
import type { CliIo } from '../io.js';
import type { ProbeCommandFormat } from '../options.js';
import { probeProgressBar } from '../progress.js';
import { checkReportRequest, logLine, redactionSetting, writeReports } from '../write-reports.js';

export interface ProbeCommandOptions {
  readonly config: string;
  readonly format: readonly ProbeCommandFormat[];
  readonly out?: string;
  /** False for `--no-redact`: reports keep secrets and say so. */
  readonly redact?: boolean;
}

/**
 * `mimir probe`: runs the probe battery against the agent and prints what happened. Like a test
 * runner it exits 1 when any scenario had a failing trial, and also when no trial was conclusive
 * (every one inconclusive or errored: nothing was measured, which is no pass); the readiness
 * verdict is `mimir audit`'s.
 */
export async function probeCommand(options: ProbeCommandOptions, io: CliIo): Promise<number> {
  const loaded = await loadConfig(options.config);
  if (!loaded.probes) {
    throw new UserError('usage', `${loaded.path} has no probes section`, {
      hint: 'Describe how to start the agent and its MCP servers under `probes:` (see the README section "Probes").',
    });
  }
  // Refused before the probes run, not after minutes of them.
  const redaction = redactionSetting(options.redact, loaded.redaction);
  const request = { formats: options.format, out: options.out, redaction };
  checkReportRequest(request);
  const progress = probeProgressBar(io);
  const output = await runProbes({
    probes: loaded.probes,
    system: loaded.system,
    configDigest: probeConfigDigest(loaded.config),
    onProgress: progress.update,
    onNotice: (message) => {
      io.stderr.write(`probe: ${message}\n`);
    },
  });
  progress.done();
  const { evidence } = output.results;
  await writeReports(PROBE_REPORTS, evidence, request, io, (display) => ({ ...display, systemName: loaded.system.name }));
  for (const skipped of output.results.skipped) io.stderr.write(`probe: ${skipped.family} not run: ${logLine(skipped.reason, redaction)}\n`);
  io.stderr.write(`probe results: ${output.resultsPath}\nledger: ${output.ledgerPath} (check it with \`mimir ledger verify\`)\n`);
  if (evidence.scenarios.some((s) => s.failed > 0)) return EXIT_GATE_FAILED;
  const conclusive = evidence.scenarios.reduce((sum, s) => sum + s.passed + s.failed, 0);
  if (conclusive === 0) {
    const inconclusive = evidence.scenarios.reduce((sum, s) => sum + s.inconclusive, 0);
    const errored = evidence.scenarios.reduce((sum, s) => sum + s.errored, 0);
    io.stderr.write(`probe: nothing was conclusive (${String(inconclusive)} inconclusive, ${String(errored)} errored, 0 passed or failed): the probes measured nothing, exit 1\n`);
    return EXIT_GATE_FAILED;
  }
  return EXIT_OK;
}
