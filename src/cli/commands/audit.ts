import { runAuditWithEvidence } from '../../audit/run-audit.js';
import { pushAudit, PUSH_TOKEN_ENV, serverBase } from './audit-push.js';
import { probeProgressBar, traceProgressBar } from '../progress.js';
import { applyGate, type FailOn } from '../../audit/gate.js';
import { AUDIT_REPORTS } from '../../report/index.js';
import type { ReportFormat } from '../../report/types.js';
import { EXIT_GATE_FAILED, EXIT_OK } from '../handle-error.js';
import { auditClock, type CliIo } from '../io.js';
import { logLine, redactionSetting, writeReports } from '../write-reports.js';

export interface AuditCommandOptions {
  readonly config: string;
  readonly traces: readonly string[];
  readonly answers?: string;
  /** A labels file grading the traced runs (overrides evidence.traces.labels). */
  readonly labels?: string;
  readonly format: readonly ReportFormat[];
  readonly out?: string;
  readonly failOn: FailOn;
  readonly minScore?: number;
  /** Run the probes in mimir.yaml as part of the audit. */
  readonly probe?: boolean;
  /** Terminal: only the verdict, the areas and the top findings. */
  readonly brief?: boolean;
  /** False for `--no-redact`: reports keep secrets and say so. */
  readonly redact?: boolean;
  /** A `mimir serve` to push the JSON report to (its audit history), with its token if it needs one. */
  readonly server?: string;
  readonly token?: string;
}

export async function auditCommand(options: AuditCommandOptions, io: CliIo): Promise<number> {
  const pushTo = options.server === undefined ? undefined : serverBase(options.server);
  const progress = traceProgressBar(io);
  const probeProgress = probeProgressBar(io);
  const { audit, traceEvidence, probeEvidence, warnings, redaction: patterns } = await runAuditWithEvidence({
    config: options.config,
    traces: options.traces,
    ...(options.answers !== undefined && { answers: options.answers }),
    ...(options.labels !== undefined && { labels: options.labels }),
    now: auditClock(io),
    onTraceProgress: progress.update,
    probe: options.probe === true,
    onProbeProgress: probeProgress.update,
  });
  progress.done();
  probeProgress.done();
  const redaction = redactionSetting(options.redact, patterns);
  for (const warning of warnings) io.stderr.write(`mimir: warning: ${logLine(warning, redaction)}\n`);
  // Reports show the measured trace figures and probe results behind the audit, when there are any;
  // the terminal report on stdout may be brief (files always get the full reports).
  const measured = { ...(traceEvidence && { traces: traceEvidence }), ...(probeEvidence && { probes: probeEvidence }) };
  await writeReports(AUDIT_REPORTS, audit, { formats: options.format, out: options.out, redaction }, io, (display, onStdout) => ({
    ...display,
    ...measured,
    ...(onStdout && { brief: options.brief === true }),
  }));
  if (pushTo !== undefined) {
    // After the local reports: a server that is down costs the history a copy, never the reports.
    const token = options.token ?? (io.env[PUSH_TOKEN_ENV] === '' ? undefined : io.env[PUSH_TOKEN_ENV]);
    io.stderr.write(`pushed the audit to ${await pushAudit(audit, pushTo, token, redaction)}\n`);
  }
  const gate = applyGate(audit, { failOn: options.failOn, ...(options.minScore !== undefined && { minScore: options.minScore }) });
  if (!gate.passed) {
    io.stderr.write(`mimir: gate failed: ${gate.reasons.join('; ')}\n`);
    return EXIT_GATE_FAILED;
  }
  return EXIT_OK;
}
