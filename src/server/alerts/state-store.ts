import type { AlertHistoryEntry, AlertState } from './types.js';
import { EMPTY_ALERT_STATE } from './types.js';

/**
 * Where the engine keeps its state and history between evaluations. The server persists both in
 * its own store; the in-memory one serves tests and a server without a store. Everything passed
 * in and out is plain JSON.
 */
export interface AlertStateStore {
  load(): Promise<AlertState>;
  save(state: AlertState): Promise<void>;
  appendHistory(entries: readonly AlertHistoryEntry[]): Promise<void>;
  /** The newest entries, oldest first. */
  history(limit: number): Promise<readonly AlertHistoryEntry[]>;
}

/** Keeps the newest `historyLimit` entries; state is copied through JSON so no caller shares objects with it. */
export class InMemoryAlertStateStore implements AlertStateStore {
  private state: string = JSON.stringify(EMPTY_ALERT_STATE);
  private entries: AlertHistoryEntry[] = [];

  constructor(private readonly historyLimit = 10_000) {}

  load(): Promise<AlertState> {
    return Promise.resolve(JSON.parse(this.state) as AlertState);
  }

  save(state: AlertState): Promise<void> {
    this.state = JSON.stringify(state);
    return Promise.resolve();
  }

  appendHistory(entries: readonly AlertHistoryEntry[]): Promise<void> {
    this.entries.push(...entries);
    if (this.entries.length > this.historyLimit) this.entries = this.entries.slice(-this.historyLimit);
    return Promise.resolve();
  }

  history(limit: number): Promise<readonly AlertHistoryEntry[]> {
    return Promise.resolve(this.entries.slice(-limit));
  }
}
