import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadTraces } from '../../evidence/load-traces.js';
import { loadConfig } from '../../audit/load-config.js';
import { defaultTraceReadOptions } from '../../config/load-config.js';
import { renderTraceReport, type TraceReportFormat } from '../../report/traces/index.js';
import { fileExists } from '../../shared/read-user-file.js';
import { UserError } from '../../shared/errors.js';
import { terminalWidth, useColor, type CliIo } from '../io.js';
import { traceProgressBar } from '../progress.js';

export interface TracesCommandOptions {
  readonly paths: readonly string[];
  readonly config: string;
  /** True when --config was given explicitly: then it must exist. */
  readonly configExplicit: boolean;
  readonly labels?: string;
  readonly format: readonly TraceReportFormat[];
  readonly out?: string;
}

/** `mimir traces <paths…>`: the measured figures alone, from the named trace files. */
export async function tracesCommand(options: TracesCommandOptions, io: CliIo): Promise<number> {
  // mimir.yaml, when present, supplies tool risk classes and the attribute mapping; none is needed.
  const config = options.configExplicit || (await fileExists(options.config)) ? await loadConfig(options.config) : undefined;
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

  if (options.out === undefined && options.format.filter((f) => f !== 'terminal').length > 0 && options.format.length > 1) {
    throw new UserError('usage', 'several formats need --out DIR', { hint: 'Add `--out mimir-report`, or ask for one format.' });
  }
  for (const format of options.format) {
    const text = renderTraceReport(loaded.evidence, format, { color: format === 'terminal' && useColor(io), width: terminalWidth(io) });
    if (format === 'terminal' || options.out === undefined) {
      io.stdout.write(text);
      continue;
    }
    await mkdir(options.out, { recursive: true });
    const path = join(options.out, `mimir-traces.${format === 'json' ? 'json' : 'html'}`);
    await writeFile(path, text);
    io.stderr.write(`wrote ${path}\n`);
  }
  return 0;
}
