import { loadTraces } from '../../evidence/load-traces.js';
import { defaultTraceReadOptions } from '../../config/default-trace-read-options.js';
import { TRACE_REPORTS, type TraceReportFormat } from '../../report/traces/index.js';
import { fileExists } from '../../shared/read-user-file.js';
import { UserError } from '../../shared/errors.js';
import type { CliIo } from '../io.js';
import { traceProgressBar } from '../progress.js';
import { redactionSetting, writeReports } from '../write-reports.js';

export interface TracesCommandOptions {
  readonly paths: readonly string[];
  readonly config: string;
  /** True when --config was given explicitly: then it must exist. */
  readonly configExplicit: boolean;
  readonly labels?: string;
  readonly format: readonly TraceReportFormat[];
  readonly out?: string;
  /** False for `--no-redact`: reports keep secrets and say so. */
  readonly redact?: boolean;
}

/** `mimir traces <paths…>`: the measured figures alone, from the named trace files. */
export async function tracesCommand(options: TracesCommandOptions, io: CliIo): Promise<number> {
  // mimir.yaml, when present, supplies tool risk classes and the attribute mapping; none is needed.
  const config = options.configExplicit || (await fileExists(options.config)) ? await loadConfigFile(options.config) : undefined;
  const readOptions = config?.traces?.readOptions ?? defaultTraceReadOptions(config?.system);
  const labels = options.labels ?? (options.paths.length === 0 ? config?.traces?.labels : undefined);
  const sources = options.paths.length > 0 ? options.paths : (config?.traces?.sources ?? []);
  if (sources.length === 0) {
    throw new UserError('usage', 'name the trace files to read', {
      hint: 'For example: mimir traces traces/run.otlp.jsonl (or list them under evidence.traces.sources in mimir.yaml).',
    });
  }
  const progress = traceProgressBar(io);
  const loaded = await loadTraces({ sources, readOptions, digest: false, ...(labels !== undefined && { labels }), onProgress: progress.update });
  progress.done();
  if (loaded.labelsFoundBeside !== undefined) io.stderr.write(`mimir: outcomes read from ${loaded.labelsFoundBeside}, found beside the traces\n`);

  await writeReports(TRACE_REPORTS, loaded.evidence, { formats: options.format, out: options.out, redaction: redactionSetting(options.redact, config?.redaction) }, io, (display) => display);
  return 0;
}

/** mimir.yaml's loader checks per-check options against the whole check catalogue, so it is imported only when there is a file to load. */
async function loadConfigFile(path: string) {
  const { loadConfig } = await import('../../audit/load-config.js');
  return loadConfig(path);
}
