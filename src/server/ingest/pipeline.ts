import type { ServeStore } from '../store/types.js';
import type { DurableBatch, PendingBatch } from './batch.js';
import type { SegmentLog } from './segment-log.js';

/**
 * From an accepted request to the store: the batch is appended to the durable log (the reply waits
 * for that, and only that), queued, and applied to the store in groups by one loop. Memory is
 * bounded by `maxQueuedBytes`: a request reserves its declared size when it is admitted, before its
 * body is read, so requests read side by side cannot all pass the check and overshoot the bound
 * together; the reservation becomes the batch's queued bytes once it is on disk. Past the bound new
 * requests are refused with 429 (the exporter retries later) instead of buffered. A store that fails
 * keeps its batches in the log; the loop retries, and requests are refused with 503 meanwhile.
 */
export interface IngestPipelineOptions {
  readonly maxQueuedBytes: number;
  /** Batches applied in one store transaction at most. */
  readonly applyGroup: number;
  /** After each applied group: the live-run tracker learns which traces moved. */
  readonly onApplied: (batches: readonly DurableBatch[]) => void;
  readonly onStoreError?: (error: unknown) => void;
}

export type IngestPressure = 'ok' | 'busy' | 'unavailable';

export interface IngestStats {
  readonly acknowledgedBatches: number;
  readonly acknowledgedSpans: number;
  readonly appliedBatches: number;
  readonly queuedBatches: number;
  readonly queuedBytes: number;
  /** Held by requests admitted and not yet queued. */
  readonly reservedBytes: number;
  /** The most ever held at once (queued + reserved): never over `maxQueuedBytes`, unless one request alone was larger. */
  readonly maxHeldBytes: number;
  readonly refusedRequests: number;
}

/** Room held for one admitted request until its batch is queued or it is given up. */
export interface Admission {
  /** Holds `bytes` now (the body as read, gunzipped); false (and nothing more held) when the queue has no room for it. */
  resize(bytes: number): boolean;
  /** Frees what is held: the request ended without a batch to queue. */
  release(): void;
}

interface Queued {
  readonly batch: DurableBatch;
  readonly bytes: number;
}

/** How long the apply loop waits before trying a failing store again. */
const STORE_RETRY_MS = 1000;

export class IngestPipeline {
  private queue: Queued[] = [];
  private queuedBytes = 0;
  /** Bytes held by admitted requests still being read, decoded or written to the log. */
  private reservedBytes = 0;
  private maxHeld = 0;
  private applying: Promise<void> | undefined;
  private storeFailing = false;
  private stopped = false;
  private counts = { acknowledgedBatches: 0, acknowledgedSpans: 0, appliedBatches: 0, refusedRequests: 0 };

  constructor(
    private readonly log: SegmentLog,
    private readonly store: ServeStore,
    private readonly options: IngestPipelineOptions,
  ) {}

  /** Whether a request of this size would be taken now. */
  pressure(bytes = 0): IngestPressure {
    if (this.storeFailing) return 'unavailable';
    return this.fits(bytes) ? 'ok' : 'busy';
  }

  /**
   * Admits a request of `bytes` (its declared size) and holds that room for it, or says why not.
   * The check and the hold are one step, so the bound holds however many requests are in flight.
   */
  admit(bytes: number): Admission | Exclude<IngestPressure, 'ok'> {
    if (this.storeFailing) return 'unavailable';
    if (!this.fits(bytes)) return 'busy';
    this.reservedBytes += bytes;
    this.noteHeld();
    let held = bytes;
    return {
      resize: (actual) => {
        this.reservedBytes -= held;
        held = 0;
        if (!this.fits(actual)) return false;
        this.reservedBytes += actual;
        held = actual;
        this.noteHeld();
        return true;
      },
      release: () => {
        this.reservedBytes -= held;
        held = 0;
      },
    };
  }

  private noteHeld(): void {
    this.maxHeld = Math.max(this.maxHeld, this.queuedBytes + this.reservedBytes);
  }

  /** Room for `bytes` more; an idle queue takes one request of any size (the body limit bounds it), so a large batch is never refused forever. */
  private fits(bytes: number): boolean {
    const held = this.queuedBytes + this.reservedBytes;
    return held === 0 || held + bytes <= this.options.maxQueuedBytes;
  }

  refused(): void {
    this.counts.refusedRequests++;
  }

  /**
   * Makes the batch durable and queues it for the store; resolves once it is on disk. `admission`
   * (from `admit`, already resized to `bytes`) hands its room over to the queue; without one the
   * bytes are counted as they come (replay and tests).
   */
  async accept(pending: PendingBatch, bytes: number, admission?: Admission): Promise<DurableBatch> {
    admission?.release();
    this.queuedBytes += bytes;
    this.noteHeld();
    let batch: DurableBatch;
    try {
      batch = await this.log.append(pending);
    } catch (error) {
      this.queuedBytes -= bytes;
      throw error;
    }
    this.counts.acknowledgedBatches++;
    this.counts.acknowledgedSpans += batch.spans.length;
    this.queue.push({ batch, bytes });
    this.kick();
    return batch;
  }

  /** On start: the batches the log holds that the store has not applied. */
  async replay(): Promise<number> {
    const applied = await this.store.appliedSequence();
    let replayed = 0;
    let group: DurableBatch[] = [];
    for await (const batch of this.log.replayAfter(applied)) {
      group.push(batch);
      replayed++;
      if (group.length >= this.options.applyGroup) {
        await this.applyGroup(group);
        group = [];
      }
    }
    if (group.length > 0) await this.applyGroup(group);
    return replayed;
  }

  stats(): IngestStats {
    return { ...this.counts, queuedBatches: this.queue.length, queuedBytes: this.queuedBytes, reservedBytes: this.reservedBytes, maxHeldBytes: this.maxHeld };
  }

  /** Waits until every acknowledged batch is in the store. */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.applying) {
      this.kick();
      await this.applying;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.applying;
  }

  private kick(): void {
    if (this.applying || this.stopped || this.queue.length === 0) return;
    this.applying = this.applyLoop().finally(() => {
      this.applying = undefined;
      if (this.queue.length > 0 && !this.stopped) this.kick();
    });
  }

  private async applyLoop(): Promise<void> {
    while (this.queue.length > 0 && !this.stopped) {
      const group = this.queue.slice(0, this.options.applyGroup);
      try {
        await this.applyGroup(group.map((queued) => queued.batch));
        this.storeFailing = false;
      } catch (error) {
        this.storeFailing = true;
        this.options.onStoreError?.(error);
        await new Promise((resolve) => setTimeout(resolve, STORE_RETRY_MS));
        continue;
      }
      this.queue = this.queue.slice(group.length);
      for (const queued of group) this.queuedBytes -= queued.bytes;
    }
  }

  private async applyGroup(batches: readonly DurableBatch[]): Promise<void> {
    await this.store.applyBatches(batches);
    this.counts.appliedBatches += batches.length;
    const last = batches.at(-1);
    if (last !== undefined) await this.log.releaseThrough(last.sequence);
    this.options.onApplied(batches);
  }
}
