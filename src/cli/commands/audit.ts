import { runAudit } from '../../audit/run-audit.js';
import { applyGate, type FailOn } from '../../audit/gate.js';
import type { ReportFormat } from '../../report/types.js';
import { EXIT_GATE_FAILED, EXIT_OK } from '../handle-error.js';
import { auditClock, type CliIo } from '../io.js';
import { emitReports } from '../write-reports.js';

export interface AuditCommandOptions {
  readonly config: string;
  readonly answers?: string;
  readonly format: readonly ReportFormat[];
  readonly out?: string;
  readonly failOn: FailOn;
  readonly minScore?: number;
}

export async function auditCommand(options: AuditCommandOptions, io: CliIo): Promise<number> {
  const audit = await runAudit({
    config: options.config,
    ...(options.answers !== undefined && { answers: options.answers }),
    now: auditClock(io),
  });
  await emitReports(audit, options.format, options.out, io);
  const gate = applyGate(audit, { failOn: options.failOn, ...(options.minScore !== undefined && { minScore: options.minScore }) });
  if (!gate.passed) {
    io.stderr.write(`mimir: gate failed: ${gate.reasons.join('; ')}\n`);
    return EXIT_GATE_FAILED;
  }
  return EXIT_OK;
}
