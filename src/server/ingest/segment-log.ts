import { mkdir, open, readdir, readFile, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { batchFromLine, batchToLine, type DurableBatch, type PendingBatch } from './batch.js';

/**
 * The durable ingest log: every accepted export request is appended here, and the reply waits
 * until the bytes are fsync'd. A SIGKILL after the reply therefore loses nothing acknowledged; the
 * store is fed from this log and, on start, replays the batches it has not applied.
 *
 * Appends are group-committed: requests that arrive while one write + fsync is in progress share
 * the next one, so under load the cost of an fsync is spread over many requests. The log is cut
 * into segments; a segment whose batches the store has all applied is deleted.
 */
export interface SegmentLog {
  /** Appends the batch and resolves with its sequence once it is on disk. */
  append(batch: PendingBatch): Promise<DurableBatch>;
  /** Batches after `sequence`, in order (replay on start). */
  replayAfter(sequence: number): AsyncIterable<DurableBatch>;
  /** The store has applied everything up to `sequence`: whole segments below it can go. */
  releaseThrough(sequence: number): Promise<void>;
  /** Waits for the write in progress, then closes the segment. */
  close(): Promise<void>;
}

/** A segment is closed and a new one started past this size. */
const SEGMENT_BYTES = 64 * 1024 * 1024;
const SEGMENT_FILE = /^segment-(\d{12})\.log$/;

const segmentName = (firstSequence: number): string => `segment-${String(firstSequence).padStart(12, '0')}.log`;

interface Waiting {
  readonly batch: DurableBatch;
  readonly line: string;
  readonly resolve: (batch: DurableBatch) => void;
  readonly reject: (error: unknown) => void;
}

export async function openSegmentLog(dir: string): Promise<SegmentLog> {
  await mkdir(dir, { recursive: true });
  const segments = await listSegments(dir);
  // The last sequence on disk: new batches continue after it, whatever the store has applied.
  let lastSequence = 0;
  const lastSegment = segments.at(-1);
  if (lastSegment !== undefined) {
    for (const batch of await readSegment(join(dir, segmentName(lastSegment)))) lastSequence = batch.sequence;
    if (lastSequence === 0) lastSequence = lastSegment - 1;
  }
  // A new segment on every start: a torn tail in the previous one (an unacknowledged write) stays where it is, ignored.
  let current = { first: lastSequence + 1, handle: undefined as FileHandle | undefined, bytes: 0 };
  segments.push(current.first);
  let queue: Waiting[] = [];
  let writing = false;
  let closed = false;

  async function writeQueued(): Promise<void> {
    writing = true;
    try {
      while (queue.length > 0) {
        const group = queue;
        queue = [];
        try {
          if (current.bytes >= SEGMENT_BYTES && current.handle !== undefined) {
            await current.handle.close();
            current = { first: group[0]?.batch.sequence ?? lastSequence, handle: undefined, bytes: 0 };
            segments.push(current.first);
          }
          current.handle ??= await open(join(dir, segmentName(current.first)), 'a');
          const bytes = Buffer.from(group.map((waiting) => waiting.line).join(''), 'utf8');
          await current.handle.write(bytes);
          await current.handle.datasync();
          current.bytes += bytes.length;
          for (const waiting of group) waiting.resolve(waiting.batch);
        } catch (error) {
          for (const waiting of group) waiting.reject(error);
        }
      }
    } finally {
      writing = false;
    }
  }

  return {
    append(pending) {
      if (closed) return Promise.reject(new Error('the ingest log is closed'));
      const batch: DurableBatch = { ...pending, sequence: ++lastSequence };
      return new Promise<DurableBatch>((resolve, reject) => {
        queue.push({ batch, line: batchToLine(batch), resolve, reject });
        if (!writing) void writeQueued();
      });
    },
    async *replayAfter(sequence) {
      for (const first of await listSegments(dir)) {
        for (const batch of await readSegment(join(dir, segmentName(first)))) if (batch.sequence > sequence) yield batch;
      }
    },
    async releaseThrough(sequence) {
      // A segment can go when the next one starts at or below sequence + 1 (all of it applied) and it is not being written.
      while (segments.length > 1) {
        const next = segments[1];
        const first = segments[0];
        if (next === undefined || first === undefined || next > sequence + 1 || first === current.first) return;
        segments.shift();
        await rm(join(dir, segmentName(first)), { force: true });
      }
    },
    async close() {
      closed = true;
      while (writing) await new Promise((resolve) => setTimeout(resolve, 5));
      await current.handle?.close();
    },
  };
}

async function listSegments(dir: string): Promise<number[]> {
  const firsts: number[] = [];
  for (const entry of await readdir(dir)) {
    const match = SEGMENT_FILE.exec(entry);
    if (match) firsts.push(Number(match[1]));
  }
  return firsts.sort((a, b) => a - b);
}

/** The complete lines of one segment; a torn last line (never acknowledged) is left out. */
async function readSegment(path: string): Promise<DurableBatch[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return [];
  }
  const batches: DurableBatch[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const batch = batchFromLine(line);
    if (batch !== undefined) batches.push(batch);
  }
  return batches;
}
