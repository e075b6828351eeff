import type { Run } from '../../model/index.js';
import type { RunPrecomputed } from '../../analysis/index.js';
import type { TraceProblem } from '../types.js';
import { readTraceFile } from './read-trace-file.js';
import type { ProblemSink, ReadProgress, TraceReadOptions } from './types.js';

/**
 * What reading a list of trace files produces, in order: runs, problems and progress. The same
 * handlers receive them whether the files are read on this thread or on a worker thread
 * (`read-on-worker.ts`), so the two paths cannot drift apart.
 */
export interface ReadHandlers {
  readonly sink: ProblemSink;
  /** `precomputed`: the run's costly per-run figures, when the reading thread had time to work them out (analysis/precompute.ts). */
  readonly onRun: (run: Run, fileIndex: number, precomputed?: RunPrecomputed) => void;
  readonly onProgress: (progress: ReadProgress, fileIndex: number) => void;
}

/** One item of the ordered stream a worker posts, batched. */
export type ReadEvent =
  | { readonly kind: 'run'; readonly run: Run; readonly fileIndex: number; readonly precomputed?: RunPrecomputed }
  | { readonly kind: 'problem'; readonly problem: TraceProblem }
  | { readonly kind: 'damaged'; readonly runId: string }
  | { readonly kind: 'skipped' }
  | { readonly kind: 'progress'; readonly progress: ReadProgress; readonly fileIndex: number };

/** Reads the files in order on this thread, handing every run, problem and progress report over as it comes. */
export async function readFilesHere(files: readonly string[], options: TraceReadOptions, handlers: ReadHandlers): Promise<void> {
  for (const [fileIndex, file] of files.entries()) {
    for await (const run of readTraceFile(file, options, handlers.sink, (progress) => {
      handlers.onProgress(progress, fileIndex);
    })) {
      handlers.onRun(run, fileIndex);
    }
  }
}

/** Replays a batch of events onto the handlers, in the order they happened. */
export function dispatchReadEvents(events: readonly ReadEvent[], handlers: ReadHandlers): void {
  for (const event of events) {
    switch (event.kind) {
      case 'run':
        handlers.onRun(event.run, event.fileIndex, event.precomputed);
        break;
      case 'problem':
        handlers.sink.report(event.problem);
        break;
      case 'damaged':
        handlers.sink.damagedRun(event.runId);
        break;
      case 'skipped':
        handlers.sink.skipped();
        break;
      case 'progress':
        handlers.onProgress(event.progress, event.fileIndex);
        break;
    }
  }
}
