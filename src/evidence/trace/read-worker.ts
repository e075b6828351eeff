import { parentPort, workerData } from 'node:worker_threads';
import { UserError } from '../../shared/errors.js';
import type * as PrecomputeModule from '../../analysis/precompute.js';
import type { ReadEvent } from './read-events.js';
import { readTraceFile } from './read-trace-file.js';
import type { ProblemSink, TraceReadOptions } from './types.js';

/**
 * The worker-thread side of `read-on-worker.ts`: reads the files and posts what it finds in ordered
 * batches. At most MAX_BATCHES_IN_FLIGHT batches wait for the main thread's acknowledgement, so a
 * slower consumer stalls the reading instead of letting a queue of runs grow without bound.
 */

export interface ReadWorkerInput {
  readonly files: readonly string[];
  readonly options: TraceReadOptions;
  /**
   * One counter, shared: batches the main thread has handled. Read with Atomics while reading,
   * because its acknowledgements arrive as messages, which this thread only takes between reads
   * of the file: counted from them, the backlog would look long while the main thread sits idle.
   */
  readonly handled: Int32Array;
}

/** What the worker posts: a batch of events (acknowledged with 'ack'), the end, or what stopped it. */
export type ReadWorkerMessage =
  | { readonly events: readonly ReadEvent[] }
  | { readonly done: true }
  | { readonly failed: SerializedError };

export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  /** A UserError's own fields, so it arrives as the same UserError. */
  readonly user?: Pick<UserError, 'code' | 'problems' | 'hint'>;
}

/**
 * Runs per batch: large enough that posting costs little per run, small enough to keep memory flat
 * and to let the main thread's backlog be read often (it decides who analyses, below).
 */
const RUNS_PER_BATCH = 8;
const MAX_BATCHES_IN_FLIGHT = 8;
/**
 * With this many batches posted and not yet handled, the main thread is the slower half: this
 * thread then follows the run's values for the isolation analysis itself (analysis/precompute.ts)
 * before posting the run, instead of reading further ahead; which thread did it never changes the
 * result. Not the context figures: they need the tokenizer, a second copy of whose tables would
 * cost ≈60 MB here (measured: +80–110 MB peak RSS on the generated corpora, and more CPU in all).
 */
const PRECOMPUTE_FROM_BATCHES_QUEUED = 2;
/**
 * Problems and progress reports come from inside a reader, where waiting is not possible: past
 * this many events a batch is posted at once, so a file of a million bad lines and no runs cannot
 * pile its problems up here. The main thread takes such batches as fast as they come.
 */
const MAX_EVENTS_PER_BATCH = 1024;

const port = parentPort;
if (port) {
  const input = workerData as ReadWorkerInput;
  // Every posted batch takes a credit and every acknowledgement returns one; a batch posted at
  // once can overdraw, and then the next batch of runs waits until the credits are back.
  let credits = MAX_BATCHES_IN_FLIGHT;
  let creditReturned: (() => void) | undefined;
  port.on('message', (message: unknown) => {
    if (message !== 'ack') return;
    credits++;
    creditReturned?.();
    creditReturned = undefined;
  });

  let events: ReadEvent[] = [];
  let runsInBatch = 0;
  const post = (): void => {
    credits--;
    posted++;
    const message: ReadWorkerMessage = { events };
    port.postMessage(message);
    events = [];
    runsInBatch = 0;
  };
  const flush = async (): Promise<void> => {
    if (events.length === 0) return;
    while (credits <= 0) await new Promise<void>((resolve) => (creditReturned = resolve));
    post();
  };
  const push = (event: ReadEvent): void => {
    events.push(event);
    if (events.length >= MAX_EVENTS_PER_BATCH) post();
  };

  const sink: ProblemSink = {
    report: (problem) => {
      push({ kind: 'problem', problem });
    },
    damagedRun: (runId) => {
      push({ kind: 'damaged', runId });
    },
    skipped: () => {
      push({ kind: 'skipped' });
    },
  };

  // Loaded the first time the main thread falls behind: a corpus it keeps up with never loads the analyses here.
  let precompute: typeof PrecomputeModule.precomputeValues | undefined;
  let posted = 0;
  const behind = (): boolean => posted - Atomics.load(input.handled, 0) >= PRECOMPUTE_FROM_BATCHES_QUEUED;

  const read = async (): Promise<void> => {
    for (const [fileIndex, file] of input.files.entries()) {
      for await (const run of readTraceFile(file, input.options, sink, (progress) => {
        push({ kind: 'progress', progress, fileIndex });
      })) {
        if (behind()) precompute ??= (await import('../../analysis/precompute.js')).precomputeValues;
        push(precompute !== undefined && behind() ? { kind: 'run', run, fileIndex, precomputed: precompute(run) } : { kind: 'run', run, fileIndex });
        if (++runsInBatch >= RUNS_PER_BATCH) await flush();
      }
    }
    await flush();
  };

  read().then(
    () => {
      port.postMessage({ done: true } satisfies ReadWorkerMessage);
    },
    (error: unknown) => {
      port.postMessage({ failed: serializeError(error) } satisfies ReadWorkerMessage);
    },
  );
}

function serializeError(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  return {
    name: error.name,
    message: error.message,
    ...(error.stack !== undefined && { stack: error.stack }),
    ...(error instanceof UserError && { user: { code: error.code, problems: error.problems, hint: error.hint } }),
  };
}
