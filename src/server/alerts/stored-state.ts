import type { HistoryStore } from '../store/history-types.js';
import type { AlertStateStore } from './state-store.js';
import { EMPTY_ALERT_STATE, type AlertHistoryEntry, type AlertState } from './types.js';

/** The alert engine's state and history in the server's store, so a restart neither forgets a firing alert nor notifies it again. */
export class StoredAlertState implements AlertStateStore {
  constructor(private readonly store: HistoryStore) {}

  async load(): Promise<AlertState> {
    const text = await this.store.loadAlertState();
    return text === undefined ? EMPTY_ALERT_STATE : (JSON.parse(text) as AlertState);
  }

  save(state: AlertState): Promise<void> {
    return this.store.saveAlertState(JSON.stringify(state));
  }

  appendHistory(entries: readonly AlertHistoryEntry[]): Promise<void> {
    if (entries.length === 0) return Promise.resolve();
    return this.store.appendAlertHistory(entries.map((entry) => ({ atMs: Date.parse(entry.at), json: JSON.stringify(entry) })));
  }

  async history(limit: number): Promise<readonly AlertHistoryEntry[]> {
    return (await this.store.alertHistory(limit)).map((text) => JSON.parse(text) as AlertHistoryEntry);
  }
}
