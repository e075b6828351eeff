import { parentPort, workerData } from 'node:worker_threads';
import { UserError } from '../../shared/errors.js';
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

/** Runs per batch: large enough that posting costs little per run, small enough to keep memory flat. */
const RUNS_PER_BATCH = 32;
const MAX_BATCHES_IN_FLIGHT = 4;

const port = parentPort;
if (port) {
  const input = workerData as ReadWorkerInput;
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
  const flush = async (): Promise<void> => {
    if (events.length === 0) return;
    while (credits === 0) await new Promise<void>((resolve) => (creditReturned = resolve));
    credits--;
    const message: ReadWorkerMessage = { events };
    port.postMessage(message);
    events = [];
    runsInBatch = 0;
  };

  const sink: ProblemSink = {
    report: (problem) => void events.push({ kind: 'problem', problem }),
    damagedRun: (runId) => void events.push({ kind: 'damaged', runId }),
    skipped: () => void events.push({ kind: 'skipped' }),
  };

  const read = async (): Promise<void> => {
    for (const [fileIndex, file] of input.files.entries()) {
      for await (const run of readTraceFile(file, input.options, sink, (progress) => events.push({ kind: 'progress', progress, fileIndex }))) {
        events.push({ kind: 'run', run, fileIndex });
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
