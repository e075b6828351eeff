import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { InternalError, UserError } from '../../shared/errors.js';
import { dispatchReadEvents, type ReadHandlers } from './read-events.js';
import type { ReadWorkerInput, ReadWorkerMessage, SerializedError } from './read-worker.js';
import type { TraceReadOptions } from './types.js';

/**
 * Reads trace files on a worker thread while this thread analyses the runs it gets back: parsing
 * and normalizing are about half the work of `mimir traces`, the analyses the other half, so on a
 * machine with two cores the two halves overlap. Everything arrives in the order the readers
 * produced it, through the same handlers as reading here (`readFilesHere`).
 */

/** The compiled worker beside this module (absent when mimir runs from its TypeScript sources). */
export const READ_WORKER_URL = new URL('./read-worker.js', import.meta.url);

/**
 * Reads the files on a worker (which also follows the isolation analysis's values of the runs it
 * hands over while this thread is behind: read-worker.ts). Resolves false when no worker could be started before anything
 * was handed over (the caller then reads on this thread); once runs have been handed over, a
 * failure rejects, as the same failure on this thread would.
 */
export function readFilesOnWorker(
  files: readonly string[],
  options: TraceReadOptions,
  handlers: ReadHandlers,
  workerUrl: URL = READ_WORKER_URL,
): Promise<boolean> {
  if (workerUrl.protocol === 'file:' && !existsSync(fileURLToPath(workerUrl))) return Promise.resolve(false);
  const handled = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  let worker: Worker;
  try {
    worker = new Worker(workerUrl, { workerData: { files, options, handled } satisfies ReadWorkerInput });
  } catch {
    return Promise.resolve(false);
  }
  return new Promise<boolean>((resolve, reject) => {
    let handedOver = false;
    let settled = false;
    const settle = (outcome: { ok: boolean } | { error: unknown }): void => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      if ('ok' in outcome) resolve(outcome.ok);
      else reject(outcome.error instanceof Error ? outcome.error : new InternalError(String(outcome.error)));
    };
    worker.on('message', (message: ReadWorkerMessage) => {
      if (settled) return;
      if ('events' in message) {
        handedOver = true;
        try {
          dispatchReadEvents(message.events, handlers);
        } catch (error) {
          settle({ error });
          return;
        }
        Atomics.add(handled, 0, 1);
        worker.postMessage('ack');
      } else if ('done' in message) {
        settle({ ok: true });
      } else {
        settle({ error: revive(message.failed) });
      }
    });
    worker.on('error', (error) => {
      if (!handedOver) settle({ ok: false });
      else settle({ error: new InternalError(`the trace-reading worker failed: ${error.message}`) });
    });
    worker.on('exit', (code) => {
      if (!handedOver) settle({ ok: false });
      else settle({ error: new InternalError(`the trace-reading worker stopped (exit code ${code}) before it finished`) });
    });
  });
}

/** The worker's error as this thread's: a UserError stays a UserError (exit 2, no stack). */
function revive(error: SerializedError): Error {
  if (error.user) {
    return new UserError(error.user.code, error.message, { problems: error.user.problems, ...(error.user.hint !== undefined && { hint: error.user.hint }) });
  }
  const revived = new InternalError(error.message);
  if (error.stack !== undefined) revived.stack = error.stack;
  return revived;
}
