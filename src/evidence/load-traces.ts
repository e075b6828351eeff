import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createHash } from 'node:crypto';
import type { EvidenceSource, Run, RunOutcome } from '../model/index.js';
import { createTraceAnalyzer } from '../analysis/index.js';
import { UserError } from '../shared/errors.js';
import { readLabelsFile, type RunLabel } from './trace/labels.js';
import { readTraceFile } from './trace/read-trace-file.js';
import type { ProblemSink, ReadProgress, TraceReadOptions } from './trace/types.js';
import type { TraceEvidence, TraceProblem, TraceProblemCode } from './types.js';

/** Files a directory source contributes: every trace-looking file below it, in a stable order. */
const TRACE_FILE = /\.(jsonl?|ndjson|pb|bin|gz)$/i;

/** Problems kept per code for the report; the counts are always complete. */
const EXAMPLES_PER_CODE = 5;

export interface LoadTracesOptions {
  readonly sources: readonly string[];
  readonly labels?: string;
  readonly readOptions: TraceReadOptions;
  readonly onProgress?: (progress: ReadProgress & { readonly fileIndex: number; readonly fileCount: number }) => void;
}

export interface LoadedTraces {
  readonly evidence: TraceEvidence;
  /** Digests of every file read (sources and labels), for the audit's stamp. */
  readonly sources: readonly EvidenceSource[];
}

/**
 * Streams every trace source through the readers and the analyses: each run is normalized,
 * graded by the labels file when one is given, analysed, and let go. Memory holds the analyses'
 * aggregates and the runs in flight, never the corpus.
 */
export async function loadTraces(options: LoadTracesOptions): Promise<LoadedTraces> {
  const files = await expandSources(options.sources);
  const problems = createProblemCollector();
  const labels = options.labels === undefined ? undefined : await readLabelsFile(options.labels, problems.sink);
  const usedLabels = new Set<string>();
  const analyzer = createTraceAnalyzer();
  let runCount = 0;
  let spanCount = 0;

  for (const [fileIndex, file] of files.entries()) {
    // Readers report spans per file; the total is carried across files.
    const spansBefore = spanCount;
    for await (const run of readTraceFile(file, options.readOptions, problems.sink, (progress) => {
      spanCount = spansBefore + progress.spans;
      options.onProgress?.({ ...progress, fileIndex, fileCount: files.length });
    })) {
      runCount++;
      if (run.damaged) problems.sink.damagedRun(run.id);
      analyzer.add(labels ? applyLabel(run, labels, usedLabels) : run);
    }
  }
  if (labels) {
    for (const [key, label] of labels) {
      if (label.aliasOf === undefined && !usedLabels.has(key)) {
        problems.sink.report({ code: 'unmatched-label', message: `label for "${key}" matches no run`, file: options.labels ?? '', ...(label.line !== undefined && { line: label.line }) });
      }
    }
  }

  const summary = problems.summary();
  const digests = await Promise.all([...files, ...(options.labels === undefined ? [] : [options.labels])].map(async (path) => ({ kind: 'trace' as const, path, sha256: await fileSha256(path) })));
  return {
    evidence: {
      runCount,
      spanCount,
      files,
      analyses: analyzer.finish(),
      problems: summary,
      partial: summary.total > 0,
    },
    sources: digests,
  };
}

/** A run's verified outcome from the labels file, matched by run id, trace id or conversation id. */
function applyLabel(run: Run, labels: ReadonlyMap<string, RunLabel>, used: Set<string>): Run {
  for (const key of [run.id, run.source?.traceId, run.conversationId]) {
    if (key === undefined) continue;
    const label = labels.get(key);
    if (!label) continue;
    // A label stored under an alias (trace or conversation id) belongs to its `run` key.
    used.add(label.aliasOf ?? key);
    const outcome: RunOutcome = { status: label.outcome, ...(label.score !== undefined && { score: label.score }), source: 'labels file' };
    return { ...run, outcome };
  }
  return run;
}

async function expandSources(sources: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const source of sources) {
    let info;
    try {
      info = await stat(source);
    } catch {
      throw new UserError('file-not-found', `trace source not found: ${source}`, {
        location: { file: source },
        hint: 'Check evidence.traces.sources in mimir.yaml (paths are relative to it), or the paths given to `mimir traces`.',
      });
    }
    if (info.isDirectory()) {
      const entries = await readdir(source, { recursive: true, withFileTypes: true });
      const found = entries
        .filter((entry) => entry.isFile() && TRACE_FILE.test(entry.name))
        .map((entry) => join(entry.parentPath, entry.name))
        .sort();
      if (found.length === 0) {
        throw new UserError('file-not-found', `trace source ${source} is a directory with no trace files`, {
          location: { file: source },
          expected: 'files ending in .json, .jsonl, .ndjson, .pb or .gz',
        });
      }
      files.push(...found);
    } else {
      files.push(source);
    }
  }
  return files;
}

async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  // 1 MiB reads, as the readers use: the default 64 KiB means thousands of round trips for a large corpus.
  await pipeline(createReadStream(path, { highWaterMark: 1 << 20 }), hash);
  return hash.digest('hex');
}

function createProblemCollector(): { sink: ProblemSink; summary: () => TraceEvidence['problems'] } {
  const byCode = new Map<TraceProblemCode, number>();
  const examples: TraceProblem[] = [];
  const damaged = new Set<string>();
  let total = 0;
  let skipped = 0;
  return {
    sink: {
      report(problem) {
        total++;
        const seen = byCode.get(problem.code) ?? 0;
        byCode.set(problem.code, seen + 1);
        if (seen < EXAMPLES_PER_CODE) examples.push(problem);
      },
      damagedRun(runId) {
        damaged.add(runId);
      },
      skipped() {
        skipped++;
      },
    },
    summary: () => ({ total, byCode: Object.fromEntries(byCode), examples, damagedRuns: damaged.size, skippedRecords: skipped }),
  };
}
