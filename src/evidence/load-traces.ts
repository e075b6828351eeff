import { readdir, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EvidenceSource, ProbeTraceLife, Run, RunOutcome, ToolDefinition } from '../model/index.js';
import type { ProbeTraceSource } from './probe/probe-traces.js';
import { createTraceAnalyzer } from '../analysis/index.js';
import { UserError } from '../shared/errors.js';
import { fileSha256 } from '../shared/hash.js';
import { refuseIrregularFile } from '../shared/read-user-file.js';
import { readLabelsFile, type RunLabel } from './trace/labels.js';
import { readFilesHere, type ReadHandlers } from './trace/read-events.js';
import { readFilesOnWorker } from './trace/read-on-worker.js';
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
  /**
   * Whether to compute each file's sha256 (default true): an audit stamps its evidence with them;
   * `mimir traces`, which reports no digests, does not pay for a second pass over every byte.
   */
  readonly digest?: boolean;
  /** Corpora at least this large are read on a worker thread while this one analyses (default PARALLEL_READ_BYTES). */
  readonly readOnWorkerFromBytes?: number;
  /**
   * The probe session's own trace files, read beside the sources: each file's life tells which
   * trial it belongs to, whether mimir interfered, and the task's outcome as the probe saw it.
   */
  readonly probeTraces?: ProbeTraceSource;
}

/**
 * Corpora at least this large are read on a worker thread. Below it, starting a worker (tens of
 * milliseconds) and copying runs across costs more than the overlap saves.
 */
export const PARALLEL_READ_BYTES = 32 * 1024 * 1024;


export interface LoadedTraces {
  readonly evidence: TraceEvidence;
  /** Digests of every file read (sources and labels), for the audit's stamp; absent when `digest` was false. */
  readonly sources?: readonly EvidenceSource[];
  /** A labels file found beside the traces (`labels.jsonl` in a source directory) and used, none having been named. */
  readonly labelsFoundBeside?: string;
}

/**
 * Streams every trace source through the readers and the analyses: each run is normalized,
 * graded by the labels file when one is given, analysed, and let go. Memory holds the analyses'
 * aggregates and the runs in flight, never the corpus. A large corpus is read on a worker thread
 * (`read-on-worker.ts`) while this thread analyses: the result is the same either way.
 */
export async function loadTraces(requested: LoadTracesOptions): Promise<LoadedTraces> {
  const expanded = requested.sources.length > 0 ? await expandSources(requested.sources, requested.labels) : { files: [] as string[] };
  const { labelsBeside } = expanded;
  // The probe session's files, unless a source already names them (a user pointing at <out>/traces/).
  const named = new Set(expanded.files.map((file) => resolve(file)));
  const files = [...expanded.files, ...(requested.probeTraces?.files ?? []).filter((file) => !named.has(resolve(file)))];
  // A labels file found beside the traces grades them when none was named.
  const options: LoadTracesOptions = requested.labels === undefined && labelsBeside !== undefined ? { ...requested, labels: labelsBeside } : requested;
  if (options.labels !== undefined) {
    // Before anything reads it (the digests too): a FIFO would block them. A missing file is the labels reader's to report.
    await refuseIrregularFile(options.labels, 'labels file').catch((error: unknown) => {
      if (error instanceof UserError) throw error;
    });
  }
  const digestPaths = options.digest === false ? [] : [...files, ...(options.labels === undefined ? [] : [options.labels])];
  // The digests are worked out while the files are read (on another thread for a large corpus).
  const digests = await startDigests(digestPaths);
  const corpusBytes = (await Promise.all(files.map((file) => stat(file).then((info) => info.size, () => 0)))).reduce((sum, size) => sum + size, 0);
  try {
    const loaded = await readAll(options, files, corpusBytes, digests.results);
    // Sources that hold no run are the wrong input; a probe session whose agent traced nothing is not the user's mistake.
    if (loaded.evidence.runCount === 0 && expanded.files.length > 0) throw noTraces(files, loaded.evidence);
    return requested.labels === undefined && labelsBeside !== undefined ? { ...loaded, labelsFoundBeside: labelsBeside } : loaded;
  } finally {
    digests.stop();
  }
}

async function readAll(options: LoadTracesOptions, files: readonly string[], corpusBytes: number, digests: () => Promise<string[]>): Promise<LoadedTraces> {
  // A process mimir stopped leaves spans without their root: its own doing, not a flaw of the traces.
  const stoppedByMimir = (file: string): boolean => {
    const life = options.probeTraces?.lifeOf(file);
    return life !== undefined && life.endedBy !== 'itself';
  };
  const problems = createProblemCollector(options.probeTraces ? stoppedByMimir : undefined);
  const labels = options.labels === undefined ? undefined : await readLabelsFile(options.labels, problems.sink);
  const usedLabels = new Set<string>();
  const analyzer = createTraceAnalyzer();
  let runCount = 0;
  let spanCount = 0;
  const probeRuns = { runs: 0, interfered: 0, withOutcome: 0, leftOut: 0 };

  // Readers report spans per file; the total is carried across files.
  const spansBeforeFile: number[] = [];
  const handlers: ReadHandlers = {
    sink: problems.sink,
    onRun(read, _fileIndex, precomputed) {
      const life = read.source === undefined ? undefined : options.probeTraces?.lifeOf(read.source.file);
      if (life !== undefined && life.endedBy !== 'itself') {
        // mimir stopped this agent process: its trace ends where mimir cut it, not where the run would have.
        probeRuns.leftOut++;
        problems.forgetRun(read.id);
        return;
      }
      const run = life === undefined ? read : probedRun(read, life, probeRuns, options.probeTraces?.toolDefinitions);
      runCount++;
      if (run.damaged) {
        problems.sink.damagedRun(run.id);
        problems.keepRun(run.id);
      }
      // Figures precomputed on the reading thread stand: neither probedRun nor a label changes what they read (steps and recording).
      analyzer.add(labels ? applyLabel(run, labels, usedLabels) : run, undefined, precomputed);
    },
    onProgress(progress, fileIndex) {
      spansBeforeFile[fileIndex] ??= spanCount;
      spanCount = (spansBeforeFile[fileIndex] ?? 0) + progress.spans;
      options.onProgress?.({ ...progress, fileIndex, fileCount: files.length });
    },
  };
  // With one core the two halves cannot overlap, and copying runs across would only add work.
  const worthAWorker = corpusBytes >= (options.readOnWorkerFromBytes ?? PARALLEL_READ_BYTES) && availableParallelism() > 1;
  const onWorker = worthAWorker && (await readFilesOnWorker(files, options.readOptions, handlers));
  if (!onWorker) await readFilesHere(files, options.readOptions, handlers);
  if (labels) {
    for (const [key, label] of labels) {
      if (label.aliasOf === undefined && !usedLabels.has(key)) {
        problems.sink.report({ code: 'unmatched-label', message: `label for "${key}" matches no run`, file: options.labels ?? '', ...(label.line !== undefined && { line: label.line }) });
      }
    }
  }

  const summary = problems.summary();
  const sha256 = await digests();
  const paths = [...files, ...(options.labels === undefined ? [] : [options.labels])];
  const digested = options.digest !== false;
  return {
    evidence: {
      runCount,
      spanCount,
      files,
      analyses: analyzer.finish(),
      problems: summary,
      partial: summary.total > 0,
      ...(options.probeTraces && { fromProbes: { ...probeRuns, files: options.probeTraces.files.length } }),
    },
    ...(digested && { sources: paths.map((path, index) => ({ kind: 'trace' as const, path, sha256: sha256[index] as string })) }),
  };
}

/**
 * A run of a probe trial: marked with its scenario and whether mimir interfered, its task and trial
 * filled in where the agent did not record them, and its outcome taken from what the probe saw in
 * the world when the run carries none of its own (a labels file still overrides both).
 */
function probedRun(run: Run, life: ProbeTraceLife, counts: { runs: number; interfered: number; withOutcome: number }, listed: readonly ToolDefinition[] | undefined): Run {
  counts.runs++;
  if (life.interfered) counts.interfered++;
  const outcome: RunOutcome | undefined =
    run.outcome.status === 'unknown' && life.outcome !== undefined ? { status: life.outcome.status, source: `probe: ${life.outcome.basis}` } : undefined;
  if (outcome !== undefined) counts.withOutcome++;
  return {
    ...run,
    probe: { scenarioId: life.scenarioId, family: life.family, interfered: life.interfered },
    ...(run.taskId === undefined && life.taskId !== undefined && { taskId: life.taskId }),
    ...(run.trial === undefined && { trial: life.trial }),
    ...(outcome && { outcome }),
    // The tools the proxy offered this run are its tool definitions, as surely as if it had recorded them.
    ...(run.toolDefinitions === undefined && listed !== undefined && listed.length > 0 && { toolDefinitions: listed }),
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

/**
 * Sources that hold no run at all are the wrong input, not an empty system: an audit of them would
 * be a report about nothing. The user is told what was expected and what was found instead.
 */
function noTraces(files: readonly string[], evidence: TraceEvidence): UserError {
  const named = files.length === 1 ? (files[0] ?? '') : `${files.length} files (${files.slice(0, 3).join(', ')}${files.length > 3 ? ', …' : ''})`;
  const found = evidence.problems.examples.slice(0, 3).map((problem) => ({
    message: problem.message,
    location: { file: problem.file, ...(problem.line !== undefined && { line: problem.line }) },
  }));
  return new UserError('no-traces', `no traces in ${named}: ${evidence.spanCount} spans, 0 runs`, {
    expected: 'OTLP JSON or JSON Lines (TracesData / ExportTraceServiceRequest), OTLP protobuf, an OpenAI Agents SDK or a LangSmith export, optionally gzipped',
    ...(found.length > 0 && { problems: found }),
    hint:
      evidence.problems.total > 0
        ? `mimir reads OTLP JSON or protobuf, OpenAI Agents SDK and LangSmith exports; what it found instead is above (${evidence.problems.total} problem${evidence.problems.total === 1 ? '' : 's'}). Point the source at the files your exporter writes.`
        : 'The files are empty. Point the source at the files your exporter writes (OTLP JSON or protobuf, OpenAI Agents SDK or LangSmith exports).',
  });
}

/** The name of a labels file kept beside the traces it grades: never read as a trace file. */
const LABELS_FILE = /^labels\.jsonl?$/i;

/**
 * The trace files the sources name: every trace-looking file below a directory, in a stable order.
 * A labels file is never a trace file: the one named in `labels`, wherever it is, and any
 * `labels.jsonl` inside a source directory (the first of which is returned, to be used when none
 * was named).
 */
async function expandSources(sources: readonly string[], labels: string | undefined): Promise<{ files: string[]; labelsBeside?: string }> {
  const files: string[] = [];
  const namedLabels = labels === undefined ? undefined : resolve(labels);
  let labelsBeside: string | undefined;
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
      const found: string[] = [];
      for (const entry of entries) {
        if (!entry.isFile() || !TRACE_FILE.test(entry.name)) continue;
        const path = join(entry.parentPath, entry.name);
        if (namedLabels !== undefined && resolve(path) === namedLabels) continue;
        if (LABELS_FILE.test(entry.name)) {
          labelsBeside ??= path;
          continue;
        }
        found.push(path);
      }
      found.sort();
      if (found.length === 0) {
        throw new UserError('file-not-found', `trace source ${source} is a directory with no trace files`, {
          location: { file: source },
          expected: 'files ending in .json, .jsonl, .ndjson, .pb or .gz (a labels.jsonl is read as labels, not traces)',
        });
      }
      files.push(...found);
    } else if (info.isFile()) {
      if (namedLabels === undefined || resolve(source) !== namedLabels) files.push(source);
    } else {
      // A FIFO or a device (/dev/zero) would block the read, or never end it.
      await refuseIrregularFile(source, 'trace source');
    }
  }
  if (files.length === 0) {
    throw new UserError('usage', 'the only trace source named is the labels file', {
      hint: 'Name the trace files as sources and the labels file under labels (or --labels).',
    });
  }
  return { files, ...(labelsBeside !== undefined && { labelsBeside }) };
}

/** Corpora at least this large are digested on a worker thread, alongside the reading. */
export const PARALLEL_DIGEST_BYTES = 32 * 1024 * 1024;

/**
 * The worker: digests each file in turn and posts `{ index, sha256 }`, or `{ index }` when it cannot
 * (the main thread then digests that file itself, so a failure surfaces exactly as it always did).
 * Source text run with `eval`, so it needs no file of its own next to the compiled code.
 */
const DIGEST_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { createReadStream } = require('node:fs');
(async () => {
  for (const [index, path] of workerData.entries()) {
    try {
      const hash = createHash('sha256');
      for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk);
      parentPort.postMessage({ index, sha256: hash.digest('hex') });
    } catch {
      parentPort.postMessage({ index });
    }
  }
})();
`;

export interface DigestJob {
  /** The files' sha256 digests in order, once they are all known; rejects as reading a file would. */
  readonly results: () => Promise<string[]>;
  /** Ends the worker if it is still running (the load failed or finished early). */
  readonly stop: () => void;
}

/**
 * Starts digesting the files. Hashing a large corpus is a second pass over every byte, as long as a
 * sizeable share of the reading itself: on a worker thread it runs beside the readers instead of
 * after them. Small inputs are digested on this thread when asked (a worker costs more to start).
 */
export async function startDigests(paths: readonly string[], parallelFromBytes = PARALLEL_DIGEST_BYTES): Promise<DigestJob> {
  const onThisThread: DigestJob = { results: () => Promise.all(paths.map(fileSha256)), stop: () => {} };
  const sizes = await Promise.all(paths.map((path) => stat(path).then((info) => info.size, () => 0)));
  const bytes = sizes.reduce((sum, size) => sum + size, 0);
  if (paths.length === 0 || bytes < parallelFromBytes) return onThisThread;

  let worker: Worker;
  try {
    worker = new Worker(DIGEST_WORKER, { eval: true, workerData: paths });
  } catch {
    return onThisThread;
  }
  // Not keeping the process alive while the readers run: only while its results are awaited.
  worker.unref();
  const found: (string | undefined)[] = new Array<string | undefined>(paths.length).fill(undefined);
  let running = true;
  const finished = new Promise<void>((resolve) => {
    worker.on('message', (message: { index: number; sha256?: string }) => {
      if (message.sha256 !== undefined) found[message.index] = message.sha256;
    });
    // Whatever came back stands; the rest is digested here.
    worker.on('error', () => {
      resolve();
    });
    worker.on('exit', () => {
      running = false;
      resolve();
    });
  });
  return {
    results: async () => {
      worker.ref();
      await finished;
      return Promise.all(paths.map(async (path, index) => found[index] ?? (await fileSha256(path))));
    },
    stop: () => {
      if (running) void worker.terminate();
    },
  };
}


/**
 * Problems and damaged runs, counted. `leftOut` names files whose problems are not the traces' own
 * (a probe's agent process mimir stopped on purpose): their problems are not counted, and
 * `forgetRun` takes back a damaged run that was left out — unless `keepRun` says a run of that id
 * was analysed (a resumed run shares its id with the life mimir killed).
 */
function createProblemCollector(leftOut?: (file: string) => boolean): {
  sink: ProblemSink;
  forgetRun: (runId: string) => void;
  keepRun: (runId: string) => void;
  summary: () => TraceEvidence['problems'];
} {
  const byCode = new Map<TraceProblemCode, number>();
  const examples: TraceProblem[] = [];
  const damaged = new Set<string>();
  const forgotten = new Set<string>();
  /** Damaged runs analysed: a resumed run shares its id with the life mimir killed, and stays counted. */
  const kept = new Set<string>();
  let total = 0;
  let skipped = 0;
  return {
    forgetRun(runId) {
      forgotten.add(runId);
    },
    keepRun(runId) {
      kept.add(runId);
    },
    sink: {
      report(problem) {
        if (leftOut?.(problem.file) === true) return;
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
    summary: () => ({ total, byCode: Object.fromEntries(byCode), examples, damagedRuns: [...damaged].filter((id) => !forgotten.has(id) || kept.has(id)).length, skippedRecords: skipped }),
  };
}
