import type { AlertNotification } from '../types.js';
import { retryDelayMs, type DeliveryTarget, type RetryPolicy } from './attempt.js';

export interface DispatcherOptions {
  /** Notifications waiting per target; when full the oldest is dropped and counted. */
  readonly capacity: number;
  readonly retry: RetryPolicy;
  /** One line per delivery event; never holds a webhook URL's secret (targets are named redacted). */
  readonly log: (line: string) => void;
  /** Injected for tests; defaults to real timers and Math.random. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly random?: () => number;
}

export interface TargetStats {
  readonly target: string;
  readonly queued: number;
  readonly delivered: number;
  /** Tries after the first, over all notifications. */
  readonly retries: number;
  /** Notifications given up on: an answer that retrying cannot change, or every try failed. */
  readonly failed: number;
  /** Notifications dropped unsent because the queue was full. */
  readonly dropped: number;
}

interface TargetQueue {
  readonly target: DeliveryTarget;
  readonly waiting: AlertNotification[];
  running: Promise<void> | undefined;
  delivered: number;
  retries: number;
  failed: number;
  dropped: number;
}

function realSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Delivery, decoupled from evaluation: `enqueue` only appends to a bounded queue per target and
 * returns, so a slow or dead receiver can never hold up evaluation or ingestion; each target's
 * queue drains on its own, one notification at a time, in order, so one dead webhook does not delay
 * another target. A full queue drops its oldest notification, counts it and logs it.
 */
export class AlertDispatcher {
  private readonly queues: TargetQueue[];
  private readonly closing = new AbortController();
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly random: () => number;

  constructor(
    targets: readonly DeliveryTarget[],
    private readonly options: DispatcherOptions,
  ) {
    this.queues = targets.map((target) => ({ target, waiting: [], running: undefined, delivered: 0, retries: 0, failed: 0, dropped: 0 }));
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
  }

  enqueue(notifications: readonly AlertNotification[]): void {
    if (this.closing.signal.aborted || notifications.length === 0) return;
    for (const queue of this.queues) {
      for (const notification of notifications) {
        if (queue.waiting.length >= this.options.capacity) {
          const lost = queue.waiting.shift();
          queue.dropped++;
          this.options.log(`alert ${lost?.id ?? '?'} dropped unsent: the queue for ${queue.target.name} is full (${this.options.capacity}); ${queue.dropped} dropped so far`);
        }
        queue.waiting.push(notification);
      }
      // Started only with work waiting: a drain of an empty queue would finish before `running` is set, and stay set.
      if (queue.running === undefined && queue.waiting.length > 0) queue.running = this.drain(queue);
    }
  }

  stats(): TargetStats[] {
    return this.queues.map((q) => ({ target: q.target.name, queued: q.waiting.length, delivered: q.delivered, retries: q.retries, failed: q.failed, dropped: q.dropped }));
  }

  /** Resolves once every queue is empty and nothing is being sent (for shutdown and tests). */
  async idle(): Promise<void> {
    for (;;) {
      const running = this.queues.flatMap((q) => (q.running === undefined ? [] : [q.running]));
      if (running.length === 0) return;
      await Promise.all(running);
    }
  }

  /** Stops: no more sends or retries; what is still queued is reported as unsent. */
  async close(): Promise<void> {
    this.closing.abort();
    await this.idle();
    for (const queue of this.queues) {
      if (queue.waiting.length > 0) this.options.log(`${queue.waiting.length} alert notification(s) for ${queue.target.name} left unsent at shutdown`);
    }
  }

  /** Read afresh after each await (a plain `signal.aborted` reads as narrowed to false). */
  private closed(): boolean {
    return this.closing.signal.aborted;
  }

  private async drain(queue: TargetQueue): Promise<void> {
    const signal = this.closing.signal;
    try {
      while (!this.closed()) {
        const notification = queue.waiting.shift();
        if (notification === undefined) return;
        await this.deliver(queue, notification, signal);
      }
    } finally {
      // Cleared in the same turn that found the queue empty, so an enqueue right after starts a new drain.
      queue.running = undefined;
    }
  }

  private async deliver(queue: TargetQueue, notification: AlertNotification, signal: AbortSignal): Promise<void> {
    const { attempts } = this.options.retry;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const result = await queue.target.send(notification, signal).catch((error: unknown) => ({ outcome: 'retry' as const, reason: String(error) }));
      if (result.outcome === 'delivered') {
        queue.delivered++;
        return;
      }
      if (signal.aborted) {
        queue.waiting.unshift(notification);
        return;
      }
      if (result.outcome === 'give-up') {
        queue.failed++;
        this.options.log(`alert ${notification.id} not delivered to ${queue.target.name}: ${result.reason}; giving up (retrying cannot change this answer)`);
        return;
      }
      if (attempt === attempts) break;
      const delay = retryDelayMs(attempt, this.options.retry, this.random, 'retryAfterMs' in result ? result.retryAfterMs : undefined);
      this.options.log(`alert ${notification.id} to ${queue.target.name}: ${result.reason}; try ${attempt + 1} of ${attempts} in ${Math.round(delay)} ms`);
      queue.retries++;
      await this.sleep(delay, signal);
      if (this.closed()) {
        queue.waiting.unshift(notification);
        return;
      }
    }
    queue.failed++;
    this.options.log(`alert ${notification.id} not delivered to ${queue.target.name} after ${attempts} tries`);
  }
}
