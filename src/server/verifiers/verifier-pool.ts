import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { durationMs } from '../../config/alerts.js';
import type { VerifierConfig } from '../../config/serve.js';
import type { VerifierCounters } from '../http/api-contract.js';
import type { StoredRun } from '../store/types.js';
import type { ServeStore } from '../store/types.js';
import { callCommand, callEndpoint, type VerifierCall } from './call-verifier.js';

/**
 * The verifiers of mimir.yaml's `serve.verifiers`, fed closed runs. Each verifier samples runs (by a
 * hash of the run id, so the decision is the same every time the run closes), queues them (bounded:
 * past capacity a run is skipped and counted), and verifies up to `concurrency` at once — never on
 * the path that closes runs, so ingestion never waits for a verifier. An answer is stored as a
 * label with source `verifier:<name>` and the run is re-assessed (closed again with that outcome,
 * so the silent-failure figures compare the claim with the verified outcome); every attempt, answered
 * or not, is stored as a verification.
 */
export interface VerifierPoolOptions {
  readonly store: ServeStore;
  /** A label under these names is stored: closes the runs it names (these traces' stored runs) again with it. */
  readonly labelStored: (names: readonly string[], storedTraceIds: readonly string[]) => void;
  /** mimir.yaml's folder: commands run there. */
  readonly configDir: string;
  readonly onError: (error: unknown) => void;
  readonly now?: () => number;
}

/** A verifier's counters, as `/api/verifications` answers them. */
export type VerifierStats = VerifierCounters;

/** Run versions a verifier remembers having taken, so a run closed again by its own answer is not verified again. */
const REMEMBERED_RUNS = 50_000;

class Verifier {
  private readonly queue: StoredRun[] = [];
  private readonly seen = new Set<string>();
  private running = 0;
  private readonly counts = { answered: 0, unanswered: 0, sampledOut: 0, dropped: 0 };
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly config: VerifierConfig,
    private readonly options: VerifierPoolOptions,
  ) {}

  offer(stored: StoredRun): void {
    if (this.stopped) return;
    const version = `${stored.facts.traceId}|${stored.facts.lastSequence}`;
    if (this.seen.has(version)) return;
    this.remember(version);
    if (!sampled(stored.facts.runId, this.config.sampleRate)) {
      this.counts.sampledOut++;
      return;
    }
    if (this.queue.length >= this.config.queueCapacity) {
      this.counts.dropped++;
      return;
    }
    this.queue.push(stored);
    this.pump();
  }

  stats(): VerifierStats {
    return { name: this.config.name, queued: this.queue.length, running: this.running, ...this.counts };
  }

  /** Stops taking runs; waits for the verifications in flight (each is bounded by its timeout). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.queue.length = 0;
    await Promise.all([...this.inFlight]);
  }

  private pump(): void {
    while (this.running < this.config.concurrency && this.queue.length > 0 && !this.stopped) {
      const stored = this.queue.shift();
      if (stored === undefined) return;
      this.running++;
      const work = this.verify(stored)
        .catch((error: unknown) => {
          this.options.onError(error);
        })
        .finally(() => {
          this.running--;
          this.inFlight.delete(work);
          this.pump();
        });
      this.inFlight.add(work);
    }
  }

  private async verify(stored: StoredRun): Promise<void> {
    const now = this.options.now ?? Date.now;
    const started = now();
    const timeoutMs = durationMs(this.config.timeout) ?? 30_000;
    const input = JSON.stringify({
      version: 1,
      runId: stored.facts.runId,
      traceId: stored.facts.traceId,
      service: stored.facts.service,
      taskId: stored.facts.taskId,
      claimedStatus: stored.facts.claimedStatus,
      run: stored.run,
    });
    const call: VerifierCall =
      this.config.command !== undefined
        ? await callCommand(this.config.command, input, timeoutMs, this.options.configDir)
        : await callEndpoint(this.config.url ?? '', this.config.headers ?? {}, input, timeoutMs);
    const atMs = now();
    const { store } = this.options;
    await store.putVerification({
      atMs,
      verifier: this.config.name,
      runId: stored.facts.runId,
      traceId: stored.facts.traceId,
      status: call.status,
      ...(call.outcome !== undefined && { outcome: call.outcome }),
      reason: call.reason,
      durationMs: atMs - started,
    });
    if (call.status !== 'answered' || call.outcome === undefined) {
      this.counts.unanswered++;
      return;
    }
    this.counts.answered++;
    const names = [stored.facts.runId, stored.facts.traceId];
    await store.putLabel({ key: stored.facts.runId, aliases: [stored.facts.traceId], outcome: call.outcome, receivedAtMs: atMs, source: `verifier:${this.config.name}` });
    this.options.labelStored(names, await store.tracesNamedBy(names));
  }

  private remember(version: string): void {
    this.seen.add(version);
    if (this.seen.size > REMEMBERED_RUNS) {
      const oldest = this.seen.values().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
  }
}

/** Whether a run falls in the sample: the run id's hash, read as a number in [0, 1), below the rate. */
export function sampled(runId: string, rate: number): boolean {
  if (rate >= 1) return true;
  if (rate <= 0) return false;
  const head = createHash('sha256').update(runId).digest().readUInt32BE(0);
  return head / 2 ** 32 < rate;
}

export class VerifierPool {
  private readonly verifiers: readonly Verifier[];

  constructor(
    private readonly configs: readonly VerifierConfig[],
    options: VerifierPoolOptions,
  ) {
    this.verifiers = configs.map((config) => new Verifier(config, { ...options, configDir: resolve(options.configDir) }));
  }

  /** A run closed: offered to every verifier; returns at once. */
  runClosed(stored: StoredRun): void {
    for (const verifier of this.verifiers) verifier.offer(stored);
  }

  stats(): VerifierStats[] {
    return this.verifiers.map((verifier) => verifier.stats());
  }

  /** Where runs go, in words, for the server to say when it starts. */
  describe(): string {
    if (this.configs.length === 0) return 'verifiers: none (serve.verifiers in mimir.yaml)';
    return `verifiers: ${this.configs.map((config) => `${config.name} (${config.command !== undefined ? config.command.join(' ') : 'POST to the configured URL'}, sample ${config.sampleRate}, timeout ${config.timeout}, ${config.concurrency} at once)`).join('; ')}`;
  }

  async stop(): Promise<void> {
    await Promise.all(this.verifiers.map((verifier) => verifier.stop()));
  }
}
