import { runAuditWithEvidence } from '../../audit/run-audit.js';
import { traceProgressBar } from '../progress.js';
import { applyGate, type FailOn } from '../../audit/gate.js';
import type { ReportFormat } from '../../report/types.js';
import { EXIT_GATE_FAILED, EXIT_OK } from '../handle-error.js';
import { auditClock, type CliIo } from '../io.js';
import { emitReports } from '../write-reports.js';

export interface AuditCommandOptions {
  readonly config: string;
  readonly traces: readonly string[];
  readonly answers?: string;
  readonly format: readonly ReportFormat[];
  readonly out?: string;
  readonly failOn: FailOn;
  readonly minScore?: number;
}

export async function auditCommand(options: AuditCommandOptions, io: CliIo): Promise<number> {
  const progress = traceProgressBar(io);
  const { audit, traceEvidence } = await runAuditWithEvidence({
    config: options.config,
    traces: options.traces,
    ...(options.answers !== undefined && { answers: options.answers }),
    now: auditClock(io),
    onTraceProgress: progress.update,
  });
  progress.done();
  await emitReports(audit, options.format, options.out, io, traceEvidence);
  const gate = applyGate(audit, { failOn: options.failOn, ...(options.minScore !== undefined && { minScore: options.minScore }) });
  if (!gate.passed) {
    io.stderr.write(`mimir: gate failed: ${gate.reasons.join('; ')}\n`);
    return EXIT_GATE_FAILED;
  }
  return EXIT_OK;
}
